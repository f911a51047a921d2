using System.Text;

namespace Tributary.Client.Tests;

/// <summary>The client's transactional producer against the real broker's transaction coordinator over TCP.</summary>
public sealed class TransactionalProducerTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync();

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    private KafkaClient NewClient() => new(new KafkaClientOptions { BootstrapServers = [_kafka.Bootstrap], ClientId = "txn-test" });

    private static IReadOnlyList<(byte[]? Key, byte[]? Value)> Values(params string[] values) =>
        [.. values.Select(v => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes(v)))];

    [Fact]
    public async Task Committed_records_are_seen_by_read_committed_readers_aborted_and_open_ones_are_not()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("t", 2);
        var producer = new TransactionalProducer(client, "txn-a", TimeSpan.FromSeconds(60));
        await producer.InitAsync();
        Assert.True(producer.ProducerId >= 0);

        producer.Begin();
        await producer.ProduceAsync("t", 0, Values("a1", "a2"));
        await producer.ProduceAsync("t", 1, Values("b1"));
        await producer.ProduceAsync("t", 0, Values("a3"));
        await producer.CommitAsync();

        producer.Begin();
        await producer.ProduceAsync("t", 0, Values("x1"));
        await producer.AbortAsync();

        producer.Begin();
        await producer.ProduceAsync("t", 0, Values("c1"));
        // Open: read_uncommitted readers see it once it is durable, read_committed ones do not.
        await Eventually.HoldsAsync(async () => (await ReadAsync(client, "t", 0, readCommitted: false)).Contains("c1"), "the open transaction's record to be readable uncommitted", TimeSpan.FromSeconds(10));
        Assert.Equal(["a1", "a2", "a3", "x1", "c1"], await ReadAsync(client, "t", 0, readCommitted: false));
        Assert.Equal(["a1", "a2", "a3"], await ReadAsync(client, "t", 0, readCommitted: true));
        Assert.Equal(["b1"], await ReadAsync(client, "t", 1, readCommitted: true));

        await producer.CommitAsync();
        await Eventually.HoldsAsync(async () => (await ReadAsync(client, "t", 0, readCommitted: true)).Contains("c1"), "the committed record to be readable committed", TimeSpan.FromSeconds(10));
        Assert.Equal(["a1", "a2", "a3", "c1"], await ReadAsync(client, "t", 0, readCommitted: true));
    }

    [Fact]
    public async Task A_new_producer_of_the_same_id_fences_the_old_one_and_aborts_its_open_transaction()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("f", 1);
        var zombie = new TransactionalProducer(client, "txn-f", TimeSpan.FromSeconds(60));
        await zombie.InitAsync();
        zombie.Begin();
        await zombie.ProduceAsync("f", 0, Values("zombie-1"));

        var successor = new TransactionalProducer(client, "txn-f", TimeSpan.FromSeconds(60));
        await successor.InitAsync();
        Assert.Equal(zombie.ProducerId, successor.ProducerId);
        Assert.True(successor.ProducerEpoch > zombie.ProducerEpoch);

        // The zombie can neither write more nor commit what it wrote.
        var write = await Assert.ThrowsAsync<KafkaClientException>(() => zombie.ProduceAsync("f", 0, Values("zombie-2")));
        Assert.True(write.IsFenced || write.ErrorCode == 48, $"error {write.ErrorCode}: {write.Message}");
        var commit = await Assert.ThrowsAsync<KafkaClientException>(() => zombie.CommitAsync());
        Assert.True(commit.IsFenced, $"error {commit.ErrorCode}: {commit.Message}");

        successor.Begin();
        await successor.ProduceAsync("f", 0, Values("successor"));
        await successor.CommitAsync();
        await Eventually.HoldsAsync(async () => (await ReadAsync(client, "f", 0, readCommitted: true)).Count > 0, "the successor's record to be readable committed", TimeSpan.FromSeconds(10));
        Assert.Equal(["successor"], await ReadAsync(client, "f", 0, readCommitted: true));
    }

    [Fact]
    public async Task Misuse_is_refused_locally_with_a_clear_error()
    {
        await using var client = NewClient();
        var producer = new TransactionalProducer(client, "txn-m", TimeSpan.FromSeconds(60));
        Assert.Throws<InvalidOperationException>(producer.Begin);
        await producer.InitAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => producer.ProduceAsync("m", 0, Values("v")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => producer.CommitAsync());
        producer.Begin();
        Assert.Throws<InvalidOperationException>(producer.Begin);
        // A transaction that wrote nothing ends locally.
        await producer.CommitAsync();
        Assert.False(producer.InTransaction);
    }

    private static async Task<List<string>> ReadAsync(KafkaClient client, string topic, int partition, bool readCommitted) =>
        (await IsolatedPartitionReader.ReadAsync(client, topic, partition, readCommitted)).Values;
}
