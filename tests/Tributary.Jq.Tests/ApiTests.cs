using System.Text.Json.Nodes;

namespace Tributary.Jq.Tests;

/// <summary>The public surface: parse errors, runtime errors, ToJson on nodes built in .NET, and concurrent runs.</summary>
[Trait("Category", "process")]
public class ApiTests
{
    [Fact]
    public void ParseErrorSaysWhere()
    {
        var error = Assert.Throws<JqException>(() => JqProgram.Parse(".a |\n  {a: }"));
        Assert.Contains("syntax error", error.Message);
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void UnknownFunctionIsAParseError() =>
        Assert.Contains("nosuch/1 is not defined", Assert.Throws<JqException>(() => JqProgram.Parse("nosuch(1)")).Message);

    [Fact]
    public void RuntimeErrorCarriesTheValue()
    {
        var error = Assert.Throws<JqException>(() => JqProgram.Parse("error({a: 1})").Run(null));
        Assert.Equal("{\"a\":1}", JqProgram.ToJson(error.Value));
        Assert.Equal("(not a string): {\"a\":1}", error.Message);
    }

    [Fact]
    public void RunUntilErrorKeepsEarlierOutputs()
    {
        var outputs = JqProgram.Parse(".[] | 10 / .").RunUntilError(JsonNode.Parse("[1, 2, 0, 5]"), out var error);
        Assert.Equal(["10", "5"], outputs.Select(JqProgram.ToJson));
        Assert.Equal("number (10) and number (0) cannot be divided because the divisor is zero", error!.Message);
    }

    [Fact]
    public void ToJsonFormatsNodesBuiltInDotNet()
    {
        var node = new JsonObject
        {
            ["long"] = 12345678901234567890UL,
            ["decimal"] = 0.1m,
            ["int"] = 5,
            ["double"] = 1e17,
            ["text"] = "a\u007f\"",
            ["lone"] = "\ud800x",
        };
        Assert.Equal("{\"long\":12345678901234567000,\"decimal\":0.1,\"int\":5,\"double\":1e+17,\"text\":\"a\\u007f\\\"\",\"lone\":\"\ufffdx\"}", JqProgram.ToJson(node));
    }

    [Fact]
    public void OutputsAreOrdinaryNodes()
    {
        var output = JqProgram.Parse("{a: 1, b: 1.5, c: infinite, d: nan, e: [\"x\"]}").Run(null).Single();
        Assert.Equal("{\"a\":1,\"b\":1.5,\"c\":1.7976931348623157E+308,\"d\":null,\"e\":[\"x\"]}", output!.ToJsonString());
        Assert.Equal("{\"a\":1,\"b\":1.5,\"c\":1.7976931348623157e+308,\"d\":null,\"e\":[\"x\"]}", JqProgram.ToJson(output));
    }

    [Fact]
    public void NullInputIsJsonNull() => Assert.Equal(["null"], JqProgram.Parse(".").Run(null).Select(JqProgram.ToJson));

    [Fact]
    public void InputIsNotModified()
    {
        var input = JsonNode.Parse("{\"a\":[1,2]}");
        JqProgram.Parse(".a[0] = 9 | del(.a[1])").Run(input);
        Assert.Equal("{\"a\":[1,2]}", JqProgram.ToJson(input));
    }

    [Fact]
    public void OneProgramRunsOnManyThreads()
    {
        var program = JqProgram.Parse("def f: if . > 0 then . - 1 | f else \"done\" end; {k: (.n | f), t: (.ts | todate), r: [range(.n)] | length}");
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var output = program.Run(JsonNode.Parse($"{{\"n\":{i % 50},\"ts\":{1_700_000_000 + i}}}")).Single();
            var expected = $"{{\"k\":\"done\",\"t\":\"{DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + i).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\",\"r\":{i % 50}}}";
            Assert.Equal(expected, JqProgram.ToJson(output));
        });
    }

    // Every oracle test calls RequireJq, which fails (never skips) with the install hint when /usr/bin/jq is missing.
    [Fact]
    public void OracleIsInstalled()
    {
        JqOracle.RequireJq();
        Assert.True(File.Exists("/usr/bin/jq"));
    }
}
