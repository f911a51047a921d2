using System.Buffers.Binary;
using System.Text;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;

namespace Tributary.Broker.Tests;

public class ProduceFetchTests
{
    [Fact]
    public async Task Produce_and_fetch_round_trip_across_partitions()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        Assert.Equal(ErrorCode.None, broker.CreateTopic("orders", 3, null).Error);
        for (var p = 0; p < 3; p++)
        {
            for (var i = 0; i < 2; i++)
            {
                var result = await broker.ProduceAsync("orders", p, Batches.Make(2, $"p{p}b{i}"), Acks.All);
                Assert.Equal(ErrorCode.None, result.Error);
                Assert.Equal(i * 2, result.BaseOffset);
                Assert.Equal(-1, result.LogAppendTime);
            }
        }
        var results = await broker.FetchAsync([new("orders", 0, 0, 1 << 20), new("orders", 1, 2, 1 << 20), new("orders", 2, 4, 1 << 20)], 0, 1, 1 << 20);
        try
        {
            Assert.Equal([(0L, "p0b0-0"), (1L, "p0b0-1"), (2L, "p0b1-0"), (3L, "p0b1-1")], Batches.Records(results[0]));
            Assert.Equal([(2L, "p1b1-0"), (3L, "p1b1-1")], Batches.Records(results[1]));
            Assert.Null(results[2].Records);
            Assert.All(results, r => Assert.Equal((ErrorCode.None, 4L, 4L, 0L), (r.Error, r.HighWatermark, r.LastStableOffset, r.LogStartOffset)));
        }
        finally
        {
            Batches.DisposeAll(results);
        }
        Assert.Equal(new PartitionOffsets(0, 4, 4), broker.GetOffsets("orders", 1));
    }

    [Fact]
    public async Task Acks_all_returns_once_the_batch_is_durable_and_visible()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var result = await broker.ProduceAsync("t", 0, Batches.Make(5), Acks.All);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(5, broker.GetOffsets("t", 0)!.Value.HighWatermark);
        var leader = await broker.ProduceAsync("t", 0, Batches.Make(1), Acks.Leader);
        Assert.Equal(5, leader.BaseOffset);
        Assert.Equal(6, broker.GetOffsets("t", 0)!.Value.LogEndOffset);
    }

    [Fact]
    public async Task LogAppendTime_topics_stamp_the_batch_and_return_the_time()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        await using var fixture = new BrokerFixture(o => o with { Time = new FixedTime(now) });
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("stamped", 1, new Dictionary<string, string?> { ["message.timestamp.type"] = "LogAppendTime" });
        var result = await broker.ProduceAsync("stamped", 0, Batches.Make(2), Acks.All);
        Assert.Equal(now.ToUnixTimeMilliseconds(), result.LogAppendTime);
        var fetched = await broker.FetchAsync([new("stamped", 0, 0, 1 << 20)], 0, 1, 1 << 20);
        var batch = fetched[0].Records!.ToArray();
        fetched[0].Records!.Dispose();
        Assert.True(RecordBatch.IsLogAppendTime(batch));
        Assert.Equal(now.ToUnixTimeMilliseconds(), RecordBatch.MaxTimestamp(batch));
        Assert.Equal(new ListOffsetResult(ErrorCode.None, 0, now.ToUnixTimeMilliseconds()), broker.ListOffset("stamped", 0, now.ToUnixTimeMilliseconds()));
    }

    [Theory]
    [InlineData("zstd", CompressionCodec.None, CompressionCodec.Zstd)]
    [InlineData("uncompressed", CompressionCodec.Gzip, CompressionCodec.None)]
    [InlineData("lz4", CompressionCodec.Snappy, CompressionCodec.Lz4)]
    [InlineData("gzip", CompressionCodec.Gzip, CompressionCodec.Gzip)]
    [InlineData("producer", CompressionCodec.Snappy, CompressionCodec.Snappy)]
    public async Task Compression_type_stores_batches_in_the_topics_codec(string type, CompressionCodec sent, CompressionCodec stored)
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("c", 1, new Dictionary<string, string?> { ["compression.type"] = type });
        using var builder = new RecordBatchBuilder(Batches.Timestamp);
        for (var i = 0; i < 50; i++)
        {
            builder.Append(Batches.Timestamp + i, Encoding.UTF8.GetBytes($"k-{i}"), Encoding.UTF8.GetBytes($"v-{i}" + new string('x', 40)));
        }
        // An idempotent producer's batch: its id, epoch and sequence must survive the rewrite.
        var batch = builder.ToArray(new BatchOptions { Codec = sent, ProducerId = 7, ProducerEpoch = 0, BaseSequence = 0 });
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("c", 0, batch, Acks.All)).Error);
        var fetched = await broker.FetchAsync([new("c", 0, 0, 1 << 20)], 0, 1, 1 << 20);
        try
        {
            var storedBatch = fetched[0].Records!.ToArray();
            Assert.Equal(stored, RecordBatch.Codec(storedBatch));
            Assert.Equal((7L, (short)0, 0, 49), (RecordBatch.ProducerId(storedBatch), RecordBatch.ProducerEpoch(storedBatch), RecordBatch.BaseSequence(storedBatch), RecordBatch.LastOffsetDelta(storedBatch)));
            Assert.Equal(BatchError.None, RecordBatchValidator.Validate(storedBatch, BatchOrigin.Internal));
            Assert.Equal(Enumerable.Range(0, 50).Select(i => ((long)i, $"v-{i}" + new string('x', 40))), Batches.Records(fetched[0]));
        }
        finally
        {
            Batches.DisposeAll(fetched);
        }
        // The same batch again is a duplicate of the rewritten one: same offset, nothing appended.
        Assert.Equal((ErrorCode.None, 0L), ((await broker.ProduceAsync("c", 0, batch, Acks.All)).Error, (await broker.ProduceAsync("c", 0, batch, Acks.All)).BaseOffset));
        Assert.Equal(50, broker.GetOffsets("c", 0)!.Value.LogEndOffset);
    }

    [Fact]
    public void Compression_configs_are_validated_with_Kafkas_messages()
    {
        Assert.Null(TopicConfigs.Validate("compression.type", "zstd"));
        Assert.Equal("Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer",
            TopicConfigs.Validate("compression.type", "brotli"));
        Assert.Null(TopicConfigs.Validate("compression.gzip.level", "-1"));
        Assert.Equal("Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1", TopicConfigs.Validate("compression.gzip.level", "0"));
        Assert.Equal("Invalid value 23 for configuration compression.zstd.level: Value must be between -131072 and 22", TopicConfigs.Validate("compression.zstd.level", "23"));
    }

    [Fact]
    public async Task Produce_errors_map_to_kafka_error_codes()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, new Dictionary<string, string?> { ["max.message.bytes"] = "2000" });

        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await broker.ProduceAsync("missing", 0, Batches.Make(1), Acks.Leader)).Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await broker.ProduceAsync("t", 1, Batches.Make(1), Acks.Leader)).Error);
        Assert.Equal(ErrorCode.InvalidRequiredAcks, (await broker.ProduceAsync("t", 0, Batches.Make(1), (Acks)2)).Error);
        Assert.Equal(ErrorCode.MessageTooLarge, (await broker.ProduceAsync("t", 0, Batches.Make(10, valueSize: 300), Acks.Leader)).Error);

        var badCrc = Batches.Make(2);
        badCrc[^1] ^= 0xFF;
        Assert.Equal(ErrorCode.CorruptMessage, (await broker.ProduceAsync("t", 0, badCrc, Acks.Leader)).Error);

        var oldMagic = Batches.Make(2);
        oldMagic[RecordBatchLayout.MagicOffset] = 1;
        Assert.Equal(ErrorCode.CorruptMessage, (await broker.ProduceAsync("t", 0, oldMagic, Acks.Leader)).Error);

        var countMismatch = Batches.Make(2);
        BinaryPrimitives.WriteInt32BigEndian(countMismatch.AsSpan(RecordBatchLayout.RecordsCountOffset), 3);
        RecordBatch.WriteCrc(countMismatch);
        Assert.Equal(ErrorCode.InvalidRecord, (await broker.ProduceAsync("t", 0, countMismatch, Acks.Leader)).Error);

        var badCodec = Batches.Make(2);
        BinaryPrimitives.WriteInt16BigEndian(badCodec.AsSpan(RecordBatchLayout.AttributesOffset), 5);
        RecordBatch.WriteCrc(badCodec);
        Assert.Equal(ErrorCode.UnsupportedCompressionType, (await broker.ProduceAsync("t", 0, badCodec, Acks.Leader)).Error);

        byte[] twoBatches = [.. Batches.Make(1), .. Batches.Make(1)];
        Assert.Equal(ErrorCode.InvalidRecord, (await broker.ProduceAsync("t", 0, twoBatches, Acks.Leader)).Error);

        Assert.Equal(0, broker.GetOffsets("t", 0)!.Value.LogEndOffset);
    }

    [Fact]
    public async Task Fetch_outside_the_log_is_offset_out_of_range_with_the_offsets()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        await broker.ProduceAsync("t", 0, Batches.Make(3), Acks.All);
        var results = await broker.FetchAsync([new("t", 0, 4, 1024), new("t", 0, -1, 1024), new("nope", 0, 0, 1024)], 0, 1, 1 << 20);
        Assert.Equal((ErrorCode.OffsetOutOfRange, 3L, 0L), (results[0].Error, results[0].HighWatermark, results[0].LogStartOffset));
        Assert.Equal(ErrorCode.OffsetOutOfRange, results[1].Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, results[2].Error);
        Assert.All(results, r => Assert.Null(r.Records));
    }

    [Fact]
    public async Task Max_bytes_bounds_the_total_but_the_first_partition_with_data_gets_a_batch()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 3, null);
        var size = Batches.Make(4, valueSize: 200).Length;
        for (var p = 0; p < 3; p++)
        {
            await broker.ProduceAsync("t", p, Batches.Make(4, valueSize: 200), Acks.Leader);
            await broker.ProduceAsync("t", p, Batches.Make(4, valueSize: 200), Acks.All);
        }
        FetchPartitionRequest[] all = [new("t", 0, 8, 1 << 20), new("t", 1, 0, 1 << 20), new("t", 2, 0, 1 << 20)];

        var tiny = await broker.FetchAsync(all, 0, 1, 10);
        Assert.Equal([0, size, 0], tiny.Select(r => r.Records?.Length ?? 0));
        Batches.DisposeAll(tiny);

        var room = await broker.FetchAsync(all, 0, 1, (3 * size) + 10);
        Assert.Equal([0, 2 * size, size], room.Select(r => r.Records?.Length ?? 0));
        Batches.DisposeAll(room);

        var perPartition = await broker.FetchAsync([new("t", 0, 0, size), new("t", 1, 0, size), new("t", 2, 0, 1)], 0, 1, 1 << 20);
        Assert.Equal([size, size, 0], perPartition.Select(r => r.Records?.Length ?? 0));
        Batches.DisposeAll(perPartition);
    }

    [Fact]
    public async Task ListOffset_finds_earliest_latest_and_by_timestamp()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        await broker.ProduceAsync("t", 0, Batches.Make(3), Acks.All);
        Assert.Equal(new ListOffsetResult(ErrorCode.None, 0, -1), broker.ListOffset("t", 0, -2));
        Assert.Equal(new ListOffsetResult(ErrorCode.None, 3, -1), broker.ListOffset("t", 0, -1));
        Assert.Equal(new ListOffsetResult(ErrorCode.None, 1, Batches.Timestamp + 1), broker.ListOffset("t", 0, Batches.Timestamp + 1));
        Assert.Equal(new ListOffsetResult(ErrorCode.None, -1, -1), broker.ListOffset("t", 0, Batches.Timestamp + 100));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, broker.ListOffset("t", 1, -1).Error);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
