using System.Text.RegularExpressions;

namespace Tributary.Architecture.Tests;

/// <summary>
/// The Kinesis front-end reaches the broker core only through <c>IBrokerApi</c> (issue 12, "Layers that cannot leak"):
/// its code names neither the concrete single-node <c>Broker</c> class nor its constants, so a second broker
/// implementation (the cluster mode in the shared architecture) serves Kinesis unchanged. The other half of the seam,
/// that the host reads shard lineage through <c>KinesisStreams.ShardLineage</c> and takes no Kinesis lock, is held
/// by the compiler: <c>StreamState.Lock</c> is internal. Keep in sync with: docs/architecture.md.
/// </summary>
public sealed partial class KinesisSeamTests
{
    [Fact]
    public void Kinesis_names_no_concrete_broker_member()
    {
        var kinesis = Path.Combine(ReferenceMatrixTests.RepositoryRoot(), "src", "Tributary.Kinesis");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(kinesis, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(kinesis, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match match in ConcreteBroker().Matches(lines[i]))
                {
                    found.Add($"{relative}:{i + 1}: {match.Value}");
                }
            }
        }
        Assert.True(found.Count == 0, "Kinesis uses the concrete Broker class (go through IBrokerApi instead):\n" + string.Join("\n", found));
    }

    [Theory]
    [InlineData("var directory = Path.Combine(root, Broker.ClusterDirectoryName);", true)]
    [InlineData("var directory = Tributary.Broker.Broker.ClusterDirectoryName;", true)]
    [InlineData("var broker = new Broker(options);", true)]
    [InlineData("if (broker is Broker single) {", true)]
    [InlineData("var directory = broker.MetadataDirectory; using Tributary.Broker; IBrokerApi Broker => _broker;", false)]
    [InlineData("await streams.Broker.ProduceAsync(topic);", false)]
    public void The_pattern_finds_the_concrete_class_and_not_the_interface(string line, bool found) =>
        Assert.Equal(found, ConcreteBroker().IsMatch(line));

    /// <summary>A static member of <c>Broker</c> (not a <c>.Broker</c> property), its fully qualified name, a construction or a type test.</summary>
    [GeneratedRegex(@"(?<![.\w])Broker\.[A-Z]\w*|Tributary\.Broker\.Broker\b|\bnew\s+Broker\s*\(|\b(?:is|as)\s+Broker\b")]
    private static partial Regex ConcreteBroker();
}
