using System.Text;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// Formats clients persist or that AWS fixes: sequence numbers (frozen layouts 1 and 2), shard ids, hash
/// ranges, shard iterators, and the stream metadata file (frozen format version 1, docs/formats/kinesis.md).
/// </summary>
public class FormatTests
{
    [Fact]
    public void Sequence_number_layout_version_2_is_frozen()
    {
        // Changing this string breaks every client checkpoint; bump the layout version instead.
        Assert.Equal("42179534316600000000070000001234567890123417953431661230", SequenceNumber.Format(1795343166, 7, 12345678901234, 1795343166123));
        Assert.True(SequenceNumber.TryParse("42179534316600000000070000001234567890123417953431661230", out var epoch, out var shard, out var offset, out var arrival));
        Assert.Equal((1795343166L, 7, 12345678901234L, 1795343166123L), (epoch, shard, offset, arrival));
    }

    [Fact]
    public void Sequence_numbers_of_layout_version_1_are_still_read()
    {
        // Numbers handed out before layout 2 sit in client checkpoints: they keep naming the same record.
        Assert.True(SequenceNumber.TryParse("41179534316600000000070000001234567890123400000000000000", out var epoch, out var shard, out var offset, out var arrival));
        Assert.Equal((1795343166L, 7, 12345678901234L, -1L), (epoch, shard, offset, arrival));
    }

    [Fact]
    public void Sequence_numbers_round_trip_order_like_numbers_and_refuse_foreign_text()
    {
        var random = new Random(56);
        string? previous = null;
        var arrival = 1795343166123L;
        for (var offset = 0L; offset < long.MaxValue / 4; offset = (offset * 3) + random.Next(1, 1000))
        {
            // The clock may step back between two records; the numbers must still grow with the offset.
            arrival += random.Next(-5000, 5000);
            var text = SequenceNumber.Format(1795343166, int.MaxValue, offset, arrival);
            Assert.Equal(56, text.Length);
            Assert.True(SequenceNumber.TryParse(text, out _, out var shard, out var parsed, out var parsedArrival));
            Assert.Equal((int.MaxValue, offset, arrival), (shard, parsed, parsedArrival));
            if (previous is not null)
            {
                Assert.True(System.Numerics.BigInteger.Parse(previous) < System.Numerics.BigInteger.Parse(text), previous + " !< " + text);
            }
            previous = text;
        }
        foreach (var bad in new[] { "", "0", "49590338271490256608559692538361571095921575989136588898", "4217953431660000000007000000123456789012341795343166123", "421795343166000000000700000012345678901234179534316612300", "4217953431660000000007000000123456789012341795343166123x", "42179534316600000000070000001234567890123417953431661231", "41179534316600000000070000001234567890123400000000000001", "43179534316600000000070000001234567890123417953431661230" })
        {
            Assert.False(SequenceNumber.TryParse(bad, out _, out _, out _), bad);
        }
    }

    [Fact]
    public void Shard_ids_are_shardId_and_twelve_digits()
    {
        Assert.Equal("shardId-000000000000", ShardId.Format(0));
        Assert.Equal("shardId-000000001234", ShardId.Format(1234));
        Assert.True(ShardId.TryParse("shardId-000000001234", out var index) && index == 1234);
        Assert.True(ShardId.TryParse("7", out index) && index == 7);
        // AWS reads the digits after the last '-' whatever precedes them.
        Assert.True(ShardId.TryParse("anything-0", out index) && index == 0);
        Assert.True(ShardId.TryParse("a-b-00012", out index) && index == 12);
        Assert.False(ShardId.TryParse("shardId-", out _));
        Assert.False(ShardId.TryParse("shardId-1x", out _));
        Assert.False(ShardId.TryParse("shardId-99999999999999999999", out _));
    }

    [Fact]
    public void Initial_hash_ranges_are_awss_even_split()
    {
        var two = HashKey.EvenRanges(2);
        Assert.Equal("170141183460469231731687303715884105727", HashKey.Format(two[0].End));
        Assert.Equal("170141183460469231731687303715884105728", HashKey.Format(two[1].Start));
        Assert.Equal("340282366920938463463374607431768211455", HashKey.Format(two[1].End));
        var three = HashKey.EvenRanges(3);
        Assert.Equal("113427455640312821154458202477256070484", HashKey.Format(three[0].End));
        Assert.Equal("226854911280625642308916404954512140970", HashKey.Format(three[2].Start));
        foreach (var count in new[] { 1, 5, 7, 64, 1000 })
        {
            var ranges = HashKey.EvenRanges(count);
            Assert.Equal(UInt128.Zero, ranges[0].Start);
            Assert.Equal(HashKey.Max, ranges[^1].End);
            for (var i = 1; i < count; i++)
            {
                Assert.Equal(ranges[i - 1].End + 1, ranges[i].Start);
            }
        }
    }

    [Fact]
    public void Partition_keys_hash_with_md5_as_a_big_endian_integer()
    {
        // MD5("a") = 0cc175b9c0f1b6a831c399e269772661.
        Assert.Equal(UInt128.Parse("0cc175b9c0f1b6a831c399e269772661", System.Globalization.NumberStyles.HexNumber), HashKey.FromPartitionKey("a"u8));
        Assert.True(HashKey.TryParse("340282366920938463463374607431768211455", out var max) && max == HashKey.Max);
        Assert.False(HashKey.TryParse("340282366920938463463374607431768211456", out _));
        Assert.False(HashKey.TryParse("01", out _));
    }

    [Fact]
    public void Shard_iterators_round_trip_and_refuse_alterations()
    {
        var position = new ShardPosition(new string('s', 128), 1795343166, 42, 123456789, 1795343166123);
        var text = ShardIterator.Encode(position);
        Assert.InRange(text.Length, 1, 512);
        Assert.True(ShardIterator.TryDecode(text, out var decoded));
        Assert.Equal(position, decoded);
        var bytes = Convert.FromBase64String(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x10;
            Assert.False(ShardIterator.TryDecode(Convert.ToBase64String(altered), out _), $"byte {i}");
        }
        Assert.False(ShardIterator.TryDecode("not base64!", out _));
        Assert.False(ShardIterator.TryDecode(Convert.ToBase64String(bytes[..^1]), out _));
    }

    [Fact]
    public void Stream_metadata_format_version_1_is_frozen()
    {
        var stream = new StreamState("orders", "arn:aws:kinesis:us-east-1:000000000000:stream/orders", "kinesis.orders", 1795343166526)
        {
            RetentionHours = 48,
            EncryptionType = "KMS",
            KeyId = "alias/key",
            MaxRecordSizeKiB = 2048,
        };
        stream.Tags["team"] = "data";
        stream.ShardLevelMetrics.Add("IncomingBytes");
        stream.Consumers.Add(new ConsumerState("reader", 1795343167000, stream.Arn + "/consumer/reader:1795343167"));
        stream.Shards.Add(new ShardState(0, null, null, 0, HashKey.Max, 1795343166526) { ClosedMs = 1795343170000, EndOffset = 12 });
        stream.Shards.Add(new ShardState(1, "shardId-000000000000", null, 0, UInt128.MaxValue / 2, 1795343170000));
        stream.Shards.Add(new ShardState(2, "shardId-000000000000", null, (UInt128.MaxValue / 2) + 1, HashKey.Max, 1795343170000));
        stream.ScalingEventsMs.Add(1795343170000);
        stream.RefreshOpenShards();
        const string Expected = """
            {
              "version": 1,
              "streams": [
                {
                  "name": "orders",
                  "arn": "arn:aws:kinesis:us-east-1:000000000000:stream/orders",
                  "topic": "kinesis.orders",
                  "createdMs": 1795343166526,
                  "status": "ACTIVE",
                  "mode": "PROVISIONED",
                  "retentionHours": 48,
                  "encryptionType": "KMS",
                  "keyId": "alias/key",
                  "maxRecordSizeKiB": 2048,
                  "shardLevelMetrics": [
                    "IncomingBytes"
                  ],
                  "tags": {
                    "team": "data"
                  },
                  "consumers": [
                    {
                      "name": "reader",
                      "createdMs": 1795343167000,
                      "arn": "arn:aws:kinesis:us-east-1:000000000000:stream/orders/consumer/reader:1795343167"
                    }
                  ],
                  "shards": [
                    {
                      "index": 0,
                      "hashStart": "0",
                      "hashEnd": "340282366920938463463374607431768211455",
                      "createdMs": 1795343166526,
                      "closedMs": 1795343170000,
                      "endOffset": 12
                    },
                    {
                      "index": 1,
                      "parent": "shardId-000000000000",
                      "hashStart": "0",
                      "hashEnd": "170141183460469231731687303715884105727",
                      "createdMs": 1795343170000
                    },
                    {
                      "index": 2,
                      "parent": "shardId-000000000000",
                      "hashStart": "170141183460469231731687303715884105728",
                      "hashEnd": "340282366920938463463374607431768211455",
                      "createdMs": 1795343170000
                    }
                  ],
                  "scalingEventsMs": [
                    1795343170000
                  ],
                  "modeChangesMs": []
                }
              ]
            }
            """;
        var bytes = StreamMetadataFile.Serialize([stream]);
        Assert.Equal(Expected, Encoding.UTF8.GetString(bytes));
        var read = Assert.Single(StreamMetadataFile.Deserialize(bytes));
        Assert.Equal(Expected, Encoding.UTF8.GetString(StreamMetadataFile.Serialize([read])));
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], read.OpenShards.Select(s => s.Id));
        Assert.Throws<InvalidDataException>(() => StreamMetadataFile.Deserialize(Encoding.UTF8.GetBytes(Expected.Replace("\"version\": 1", "\"version\": 2"))));
    }
}
