using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Tests;

/// <summary>
/// KIP-158 topic creation groups as Kafka's documentation describes them: off unless the connector names the default
/// group's replication factor and partitions, listed groups matched in order by whole-name include/exclude patterns
/// (exclude wins), unset group values taken from the default group, other group keys passed as topic configs, and
/// Connect's validation errors for missing or bad values.
/// </summary>
public sealed class TopicCreationTests
{
    private static readonly Dictionary<string, string> Grouped = new()
    {
        ["topic.creation.default.replication.factor"] = "-1",
        ["topic.creation.default.partitions"] = "3",
        ["topic.creation.default.compression.type"] = "lz4",
        ["topic.creation.groups"] = "compacted, logs",
        ["topic.creation.compacted.include"] = "state\\..*, snapshots",
        ["topic.creation.compacted.exclude"] = "state\\.tmp.*",
        ["topic.creation.compacted.cleanup.policy"] = "compact",
        ["topic.creation.compacted.partitions"] = "1",
        ["topic.creation.logs.include"] = "log.*",
        ["topic.creation.logs.replication.factor"] = "1",
        ["topic.creation.logs.retention.ms"] = "3600000",
    };

    [Fact]
    public void Off_unless_the_worker_allows_it_and_the_connector_asks_for_it()
    {
        Assert.Null(TopicCreation.From(workerAllows: true, new Dictionary<string, string> { ["topic"] = "t" }));
        Assert.Null(TopicCreation.From(workerAllows: false, Grouped));
        Assert.NotNull(TopicCreation.From(workerAllows: true, Grouped));
    }

    [Fact]
    public void A_topic_takes_the_first_listed_group_that_matches_its_whole_name_else_the_default()
    {
        var creation = TopicCreation.From(true, Grouped)!;

        var state = creation.For("state.orders");
        Assert.Equal(("compacted", 1, (short)-1), (state.Group, state.Partitions, state.ReplicationFactor));
        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, state.Configs);

        // Excluded from compacted, matches nothing else: the default group with its own topic config.
        var tmp = creation.For("state.tmp1");
        Assert.Equal(("default", 3, (short)-1), (tmp.Group, tmp.Partitions, tmp.ReplicationFactor));
        Assert.Equal(new Dictionary<string, string> { ["compression.type"] = "lz4" }, tmp.Configs);

        // Partitions unset in "logs": the default group's 3.
        var log = creation.For("logs-app");
        Assert.Equal(("logs", 3, (short)1), (log.Group, log.Partitions, log.ReplicationFactor));
        Assert.Equal(new Dictionary<string, string> { ["retention.ms"] = "3600000" }, log.Configs);

        // Whole-name matching: "snapshots" matches, "snapshots2" and "my.state.x" do not.
        Assert.Equal("compacted", creation.For("snapshots").Group);
        Assert.Equal("default", creation.For("snapshots2").Group);
        Assert.Equal("default", creation.For("my.state.x").Group);
    }

    [Fact]
    public void Validation_requires_the_default_groups_values_and_refuses_bad_ones()
    {
        var missing = new Dictionary<string, string> { ["topic.creation.default.partitions"] = "0", ["topic.creation.groups"] = "g", ["topic.creation.g.include"] = "(unclosed" };
        var errors = TopicCreation.Definition(missing).Validate(missing).Where(v => v.ErrorMessages.Count > 0).ToDictionary(v => v.Name, v => string.Join(" | ", v.ErrorMessages));

        Assert.Contains("topic.creation.default.replication.factor", errors.Keys);
        Assert.Contains("Missing required configuration", errors["topic.creation.default.replication.factor"], StringComparison.Ordinal);
        Assert.Contains("Number of partitions must be positive, or -1 to use the broker's default", errors["topic.creation.default.partitions"], StringComparison.Ordinal);
        Assert.Contains("Syntax error in regular expression '(unclosed'", errors["topic.creation.g.include"], StringComparison.Ordinal);
        Assert.Equal(3, errors.Count);

        var fine = TopicCreation.Definition(Grouped).Validate(Grouped).Where(v => v.ErrorMessages.Count > 0).Select(v => v.Name + ": " + string.Join(",", v.ErrorMessages));
        Assert.Empty(fine);
    }
}
