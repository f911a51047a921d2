using System.Text;
using Tributary.Aws;
using Tributary.Foundation.Buffers;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// The stream model on a real in-process broker: persistence across a restart (lineage, closed shards, data),
/// the on-demand split rule, and UpdateShardCount's split-then-merge plan keeping at most two parents per shard.
/// </summary>
public sealed class StreamModelTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "tributary-kinesis-model-" + Guid.NewGuid().ToString("N"));
    private Broker.Broker? _broker;

    private async Task<KinesisStreams> OpenAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        _broker = await Broker.Broker.OpenAsync(new Broker.BrokerOptions { DataDirectory = _dataDirectory });
        return KinesisStreams.Open(_broker, new KinesisOptions());
    }

    private static async Task<PutEntry[]> PutAsync(KinesisStreams streams, StreamState stream, params string[] keys)
    {
        using var payload = new PooledBufferWriter();
        var entries = new PutEntry[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(keys[i]);
            entries[i].KeyStart = payload.WrittenCount;
            entries[i].KeyLength = bytes.Length;
            bytes.CopyTo(payload.GetSpan(bytes.Length));
            payload.Advance(bytes.Length);
            entries[i].DataStart = entries[i].KeyStart;
            entries[i].DataLength = bytes.Length;
            entries[i].HashKey = HashKey.FromPartitionKey(bytes);
        }
        await streams.PutAsync(stream, payload.WrittenMemory, entries, entries.Length);
        Assert.All(entries, e => Assert.Null(e.ErrorCode));
        return entries;
    }

    private sealed class Collector : IRecordSink
    {
        public List<string> Data { get; } = [];

        public void Write(long offset, long arrivalMs, ReadOnlySpan<byte> partitionKey, ReadOnlySpan<byte> data) => Data.Add(Encoding.UTF8.GetString(data));
    }

    [Fact]
    public async Task Streams_lineage_and_records_survive_a_restart()
    {
        var streams = await OpenAsync();
        var stream = streams.Create("orders", 1, StreamModes.Provisioned, new Dictionary<string, string> { ["team"] = "data" }, null);
        await PutAsync(streams, stream, "a", "b", "c");
        streams.Split(stream, "shardId-000000000000", UInt128.MaxValue / 2);
        await PutAsync(streams, stream, "d");

        streams = await OpenAsync();
        stream = streams.Resolve("orders", null);
        Assert.Equal(3, stream.Shards.Count);
        Assert.False(stream.Shards[0].IsOpen);
        Assert.Equal(3, stream.Shards[0].EndOffset);
        Assert.Equal("shardId-000000000000", stream.Shards[2].ParentShardId);
        Assert.Equal("data", stream.Tags["team"]);
        var parent = new Collector();
        var outcome = await streams.ReadAsync(stream, stream.Shards[0], 0, 100, parent);
        Assert.Equal(["a", "b", "c"], parent.Data);
        Assert.True(outcome.ShardEnded);
        var children = new Collector();
        await streams.ReadAsync(stream, stream.Shards[HashKey.FromPartitionKey("d"u8) <= UInt128.MaxValue / 2 - 1 ? 1 : 2], 0, 100, children);
        Assert.Equal(["d"], children.Data);
        await Assert.ThrowsAsync<AwsErrorException>(async () => await Task.Run(() => streams.Split(stream, "shardId-000000000000", 5)));
    }

    [Fact]
    public async Task On_demand_streams_split_a_shard_that_took_more_than_the_rate()
    {
        var streams = await OpenAsync();
        var stream = streams.Create("hot", 4, StreamModes.OnDemand, null, null);
        Assert.Equal(0, streams.SplitHotShards(1.0));
        // Above 500 KiB in a one-second interval, all on one partition key, hence one shard.
        var keys = Enumerable.Repeat(new string('k', 250), 2500).ToArray();
        await PutAsync(streams, stream, keys);
        Assert.Equal(1, streams.SplitHotShards(1.0));
        Assert.Equal(5, stream.OpenShards.Length);
        Assert.Equal(2, stream.Shards.Count(s => s.ParentShardId is not null));
        // The counters were taken: nothing is hot in the next interval.
        Assert.Equal(0, streams.SplitHotShards(1.0));
        Assert.Throws<AwsErrorException>(() => streams.Split(stream, stream.OpenShards[0].Id, 10));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 3)]
    [InlineData(4, 2)]
    [InlineData(6, 12)]
    public async Task Uniform_scaling_ends_with_even_ranges_and_at_most_two_parents(int from, int to)
    {
        var streams = await OpenAsync();
        var stream = streams.Create("scale", from, StreamModes.Provisioned, null, null);
        streams.UpdateShardCount(stream, to);
        var expected = HashKey.EvenRanges(to);
        Assert.Equal(expected, stream.OpenShards.Select(s => (s.HashStart, s.HashEnd)));
        foreach (var shard in stream.Shards.Skip(from))
        {
            var parents = stream.Shards.Where(p => p.Id == shard.ParentShardId || p.Id == shard.AdjacentParentShardId).ToList();
            Assert.InRange(parents.Count, 1, 2);
            // A child covers exactly its parents' union (merge) or a part of its one parent (split).
            Assert.True(parents.Count == 1
                ? shard.HashStart >= parents[0].HashStart && shard.HashEnd <= parents[0].HashEnd
                : shard.HashStart == parents.Min(p => p.HashStart) && shard.HashEnd == parents.Max(p => p.HashEnd));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
