using System.Text.Json;

namespace Tributary.Interop.Tests;

/// <summary>
/// Transactions with real clients against the real broker (issue 17): librdkafka (confluent-kafka-python) and kafkajs
/// transactional producers committing and aborting, read_committed consumers that must see exactly the committed
/// records and read_uncommitted ones that see both, consume-transform-produce with send_offsets_to_transaction, and
/// fencing of a producer by a newer one with the same transactional.id.
/// Scripts: tests/interop/confluent_transactions.py, tests/interop/node/kafkajs_transactions.mjs.
/// </summary>
[Trait("Category", "process")]
public class TransactionInteropTests(TributaryServer server) : IClassFixture<TributaryServer>
{
    private static string Script => Path.Combine(InteropPaths.Scripts, "confluent_transactions.py");

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static List<JsonElement> Events(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static List<string> Keys(List<JsonElement> events, string isolation) =>
        [.. events.Single(e => e.GetProperty("event").GetString() == "read" && e.GetProperty("isolation").GetString() == isolation)
            .GetProperty("keys").EnumerateArray().Select(k => k.GetString()!)];

    private static IEnumerable<string> Expected(string prefix, int count) => Enumerable.Range(0, count).Select(n => $"{prefix}-{n}");

    [Fact]
    public async Task Librdkafka_commits_and_aborts_and_read_committed_sees_exactly_the_committed_records()
    {
        InteropClients.RequireConfluentKafka();
        var result = (await ClientProcess.RunAsync(InteropClients.Python, [Script, server.Bootstrap, "commit-abort", NewName("txn")], TimeSpan.FromSeconds(120))).EnsureSuccess();
        var events = Events(result.StandardOutput);
        var committed = Keys(events, "read_committed");
        var uncommitted = Keys(events, "read_uncommitted");
        Assert.Equal(Expected("c1", 30).Concat(Expected("c2", 30)).Order(StringComparer.Ordinal), committed.Order(StringComparer.Ordinal));
        Assert.Equal(Expected("c1", 30).Concat(Expected("a", 30)).Concat(Expected("c2", 30)).Order(StringComparer.Ordinal), uncommitted.Order(StringComparer.Ordinal));
        // Each partition: 30 records in three transactions, each ended by a marker (an offset of its own) = 33; the
        // read_committed end (ListOffsets with isolation) is the last stable offset, past the last marker.
        var marks = events.Single(e => e.GetProperty("event").GetString() == "watermarks").GetProperty("offsets");
        foreach (var partition in marks.EnumerateObject())
        {
            Assert.Equal(33, partition.Value[1].GetInt64());
        }
    }

    [Fact]
    public async Task Librdkafka_consume_transform_produce_commits_offsets_with_the_transaction_and_an_aborted_one_is_redone()
    {
        InteropClients.RequireConfluentKafka();
        var input = NewName("ctp-in");
        var result = (await ClientProcess.RunAsync(InteropClients.Python, [Script, server.Bootstrap, "transform", input, NewName("ctp-out"), NewName("ctp-group")], TimeSpan.FromSeconds(120))).EnsureSuccess();
        var events = Events(result.StandardOutput);
        Assert.Equal(Expected("out", 40).Order(StringComparer.Ordinal), Keys(events, "read_committed").Order(StringComparer.Ordinal));
        var offsets = events.Single(e => e.GetProperty("event").GetString() == "committed").GetProperty("offsets");
        Assert.Equal(20, offsets.GetProperty($"{input}-0").GetInt64());
        Assert.Equal(20, offsets.GetProperty($"{input}-1").GetInt64());
    }

    [Fact]
    public async Task A_second_producer_with_the_same_transactional_id_fences_the_first_and_aborts_its_open_transaction()
    {
        InteropClients.RequireConfluentKafka();
        var result = (await ClientProcess.RunAsync(InteropClients.Python, [Script, server.Bootstrap, "fence", NewName("fence")], TimeSpan.FromSeconds(120))).EnsureSuccess();
        var events = Events(result.StandardOutput);
        var fenced = events.Single(e => e.GetProperty("event").GetString() == "fenced");
        Assert.Equal("_FENCED", fenced.GetProperty("code").GetString());
        Assert.True(fenced.GetProperty("fatal").GetBoolean());
        Assert.Equal(Expected("new", 5), Keys(events, "read_committed"));
    }

    [Fact]
    public async Task Kafkajs_commits_aborts_and_sends_offsets_and_its_consumers_see_committed_or_all_records()
    {
        InteropClients.RequireKafkaJs();
        var topic = NewName("txn-kafkajs");
        var group = NewName("txn-kafkajs-group");
        var result = (await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(InteropPaths.NodeScripts, "kafkajs_transactions.mjs"), server.Bootstrap, topic, group], TimeSpan.FromSeconds(120))).EnsureSuccess();
        var events = Events(result.StandardOutput);
        Assert.Equal(Expected("c1", 20).Concat(Expected("c2", 20)).Order(StringComparer.Ordinal), Keys(events, "read_committed").Order(StringComparer.Ordinal));
        Assert.Equal(Expected("c1", 20).Concat(Expected("a", 20)).Concat(Expected("c2", 20)).Order(StringComparer.Ordinal), Keys(events, "read_uncommitted").Order(StringComparer.Ordinal));
        var offsets = events.Single(e => e.GetProperty("event").GetString() == "committed").GetProperty("offsets");
        Assert.Equal(7, offsets.GetProperty($"{topic}-0").GetInt64());
    }
}
