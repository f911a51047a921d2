using System.Text.RegularExpressions;

namespace Tributary.Architecture.Tests;

/// <summary>
/// The sink engine (src/Tributary.Delivery) serves several configuration dialects (delivery streams today, the
/// Connect S3 sink next), so its code names none of Firehose's concepts: the csproj matrix keeps its references down,
/// this keeps its words out. Keep in sync with: docs/architecture.md, docs/delivery-streams.md ("A second dialect").
/// </summary>
public sealed partial class SinkEngineTests
{
    [Fact]
    public void The_sink_engine_names_no_dialect()
    {
        var engine = Path.Combine(ReferenceMatrixTests.RepositoryRoot(), "src", "Tributary.Delivery");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(engine, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match match in DialectWords().Matches(lines[i]))
                {
                    found.Add($"{relative}:{i + 1}: {match.Value}");
                }
            }
        }
        Assert.True(found.Count == 0, "The sink engine names a dialect's concept (move it to the dialect, src/Tributary.Firehose):\n" + string.Join("\n", found));
    }

    /// <summary>Firehose, its definition and prefix expressions (<c>!{…}</c>), and the pieces only Firehose uses: Kinesis, Lambda, jq.</summary>
    [GeneratedRegex(@"Firehose|DeliveryStreamDefinition|!\{|Kinesis|Lambda|\bjq\b", RegexOptions.IgnoreCase)]
    private static partial Regex DialectWords();
}
