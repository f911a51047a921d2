using System.Text;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;

namespace Tributary.Client.Tests;

/// <summary>The client against the real broker and Kafka listener over TCP.</summary>
public sealed class KafkaClientTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync();

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    private KafkaClient NewClient() => new(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_kafka.Server.Port}"], ClientId = "client-test" });

    [Fact]
    public async Task Negotiates_versions_creates_a_topic_produces_fetches_and_lists_offsets()
    {
        await using var client = NewClient();
        var connection = await client.AnyConnectionAsync();
        Assert.Equal((short)11, connection.VersionFor(0));
        Assert.Equal((short)9, connection.VersionFor(0, 9));
        Assert.Null(connection.VersionFor(4)); // LeaderAndIsr: a controller-to-broker API no broker offers clients
        await client.CreateTopicAsync("c", 2);
        await client.CreateTopicAsync("c", 2);
        Assert.Equal(2, await client.PartitionCountAsync("c"));
        Assert.Null(await client.PartitionCountAsync("missing"));

        var records = Enumerable.Range(0, 100).Select(i => ((byte[]?)Encoding.UTF8.GetBytes($"k{i}"), (byte[]?)Encoding.UTF8.GetBytes($"v{i}"))).ToList();
        // acks=1 is answered once written; consumers see records once durable, which the acks=all produce after it
        // waits for (the durability contract), so the fetch below sees both.
        Assert.Equal(0, await client.ProduceAsync("c", 1, records, acks: 1));
        Assert.Equal(100, await client.ProduceAsync("c", 1, records, acks: -1, codec: CompressionCodec.Gzip));
        var fetched = await client.FetchAsync("c", 1, 0);
        Assert.Equal((0, 200L), (fetched.ErrorCode, fetched.HighWatermark));
        Assert.Equal(200, CountRecords(fetched.Records));
        Assert.Equal(200, await client.ListOffsetAsync("c", 1, -1));
        Assert.Equal(0, await client.ListOffsetAsync("c", 1, -2));
        var outOfRange = await client.FetchAsync("c", 1, 500);
        Assert.Equal(1, outOfRange.ErrorCode);
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.ProduceAsync("c", 9, records));
        Assert.Equal(3, error.ErrorCode);
    }

    [Fact]
    public async Task Pipelined_requests_on_one_connection_each_get_their_own_answer()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("p", 4);
        var produces = Enumerable.Range(0, 200).Select(i => client.ProduceAsync("p", i % 4, [(null, Encoding.UTF8.GetBytes($"r{i}"))], acks: -1)).ToList();
        var offsets = await Task.WhenAll(produces);
        Assert.All(Enumerable.Range(0, 4), p => Assert.Equal(Enumerable.Range(0, 50).Select(o => (long)o), offsets.Where((_, i) => i % 4 == p).Order()));
    }

    [Fact]
    public async Task An_unreachable_bootstrap_server_is_a_clear_error()
    {
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = ["127.0.0.1:1"] });
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.RefreshMetadataAsync());
        Assert.Contains("No bootstrap server reachable", error.Message);
        Assert.True(error.IsRetriable);
    }

    [Fact]
    public async Task A_closed_client_closes_what_it_was_opening_and_opens_nothing_more()
    {
        var client = NewClient();
        await client.RefreshMetadataAsync();
        var bootstrap = await client.AnyConnectionAsync();
        // A node connection still being set up when the client closes (a task winding down asked for it).
        var opening = client.NodeConnectionAsync(_kafka.Broker.NodeId);
        await client.DisposeAsync();
        Assert.True(bootstrap.IsFailed);
        try
        {
            var late = await opening;
            await Eventually.HoldsAsync(() => late.IsFailed, "the connection opened during close to be closed", TimeSpan.FromSeconds(10));
        }
        catch (KafkaClientException e)
        {
            Assert.Contains("closed", e.Message, StringComparison.Ordinal);
        }
        var refused = await Assert.ThrowsAsync<KafkaClientException>(() => client.NodeConnectionAsync(_kafka.Broker.NodeId));
        Assert.Equal("The Kafka client is closed.", refused.Message);
        refused = await Assert.ThrowsAsync<KafkaClientException>(() => client.AnyConnectionAsync());
        Assert.Equal("The Kafka client is closed.", refused.Message);
        await Assert.ThrowsAsync<KafkaClientException>(() => client.FetchAsync("any", 0, 0));
    }

    private static int CountRecords(ReadOnlyMemory<byte> records)
    {
        var count = 0;
        var span = records.Span;
        using var scratch = new PooledBufferWriter();
        int size;
        while ((size = RecordBatch.FirstWholeBatchSize(span)) > 0)
        {
            scratch.Reset();
            var reader = BatchRecords.Read(span[..size], scratch);
            while (reader.TryReadNext(out _))
            {
                count++;
            }
            span = span[size..];
        }
        return count;
    }
}
