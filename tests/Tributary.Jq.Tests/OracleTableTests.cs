namespace Tributary.Jq.Tests;

/// <summary>
/// The table in OracleCases.txt: every program runs on every input under jq 1.6 and under our interpreter, and the
/// outputs, error values and compile-error status must be identical.
/// </summary>
[Trait("Category", "process")]
public class OracleTableTests
{
    private const string Separator = " ||| ";

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "OracleCases.txt"));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#'))
                continue;
            data.Add(i + 1, lines[i]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesJq16(int line, string testCase)
    {
        var parts = testCase.Split(Separator);
        var program = parts[0];
        var inputs = parts.Length > 1 ? parts[1..] : ["null"];
        var expected = JqOracle.Run(program, inputs);
        JqProgram parsed;
        try
        {
            parsed = JqProgram.Parse(program);
        }
        catch (JqException exception)
        {
            Assert.True(expected is null, $"line {line}: we reject `{program}` ({exception.Message}) but jq 1.6 compiles it");
            return;
        }
        Assert.True(expected is not null, $"line {line}: jq 1.6 rejects `{program}` but we compile it");
        var mismatches = new List<string>();
        for (var i = 0; i < inputs.Length; i++)
        {
            var ours = JqOracle.Ours(parsed, inputs[i]);
            if (ours != expected![i])
                mismatches.Add($"input {inputs[i]}\n  jq 1.6: {expected[i]}\n  ours:   {ours}");
        }
        Assert.True(mismatches.Count == 0, $"line {line} `{program}`:\n" + string.Join("\n", mismatches));
    }
}
