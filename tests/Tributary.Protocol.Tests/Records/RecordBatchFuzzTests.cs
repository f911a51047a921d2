using System.Buffers.Binary;
using System.Diagnostics;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;
using Xunit.Sdk;
using static Tributary.Protocol.Tests.Records.RecordTestSupport;

namespace Tributary.Protocol.Tests.Records;

/// <summary>
/// Record batches arrive from producers, followers and disk. Whatever their bytes, the validator must
/// return a <see cref="BatchError"/>, and a batch it accepts must either decode or throw
/// <see cref="CorruptRecordException"/>: no other exception, no hang.
/// </summary>
public class RecordBatchFuzzTests
{
    private const int MutationsPerCodec = 2000;

    internal enum Outcome
    {
        Rejected,
        Corrupt,
        Parsed,
    }

    /// <summary>Feeds one input through validator and reader and checks the contract; returns how it ended.</summary>
    internal static Outcome ValidateAndRead(byte[] input)
    {
        var stopwatch = Stopwatch.StartNew();
        var outcome = ValidateAndReadCore(input);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Input {Convert.ToHexString(input)} took {stopwatch.Elapsed}");
        return outcome;
    }

    private static Outcome ValidateAndReadCore(byte[] input)
    {
        try
        {
            var clientError = RecordBatchValidator.ValidateAt(input, BatchOrigin.Client, out _);
            var error = RecordBatchValidator.ValidateAt(input, BatchOrigin.Internal, out var size);
            Assert.True(Enum.IsDefined(clientError));
            Assert.True(Enum.IsDefined(error));
            if (clientError == BatchError.None)
            {
                Assert.Equal(BatchError.None, error); // Internal is the looser rule
            }
            if (error != BatchError.None)
            {
                Assert.Equal(0, size);
                return Outcome.Rejected;
            }
            Assert.InRange(size, RecordBatchLayout.HeaderSize, input.Length);
            var batch = input.AsSpan(0, size);
            using var scratch = new PooledBufferWriter(256);
            try
            {
                var reader = BatchRecords.Read(batch, scratch);
                var count = 0;
                while (reader.TryReadNext(out var record))
                {
                    count++;
                    Assert.True(record.Raw.Length > record.Key.Length + record.Value.Length + record.Headers.Length);
                    Assert.True(record.HasKey || record.Key.IsEmpty);
                    Assert.True(record.HasValue || record.Value.IsEmpty);
                    Assert.Equal(record.HeaderCount, ParseHeaders(record.Headers, record.HeaderCount).Length);
                }
                Assert.Equal(RecordBatch.RecordsCount(batch), count);
                Assert.Equal(0, reader.RemainingBytes);
                return Outcome.Parsed;
            }
            catch (CorruptRecordException)
            {
                return Outcome.Corrupt;
            }
        }
        catch (Exception e) when (e is not XunitException)
        {
            // Pin the input printed here as a byte-literal regression test.
            throw new XunitException($"Input {Convert.ToHexString(input)} threw {e}");
        }
    }

    private static readonly TestRecord[][] RecordSets =
    [
        [new(1_000, "k"u8.ToArray(), "v"u8.ToArray(), [])],
        [
            new(1_000, "key"u8.ToArray(), "value"u8.ToArray(), [new RecordHeader("h", "v"u8.ToArray()), new RecordHeader("n", null)]),
            new(995, null, "world"u8.ToArray(), []),
            new(5_000_000, [], null, [new RecordHeader("", [])]),
        ],
        [.. Enumerable.Range(0, 40).Select(i => new TestRecord(1_000 + i, [(byte)i], new byte[i * 7], i % 3 == 0 ? [new RecordHeader("i", [(byte)i])] : []))],
        [new(-1, null, null, []), new(long.MaxValue / 2, new byte[300], new byte[200], [])],
    ];

    private sealed record Seed(byte[] Batch, byte[] Records);

    private static List<Seed> Seeds(CompressionCodec codec)
    {
        var seeds = new List<Seed>();
        foreach (var records in RecordSets)
        {
            var batch = Build(1_000, records, new BatchOptions { Codec = codec, BaseOffset = 77, ProducerId = 5, ProducerEpoch = 1, BaseSequence = 0 });
            using var scratch = new PooledBufferWriter();
            seeds.Add(new Seed(batch, BatchRecords.Decode(batch, scratch).ToArray()));
        }
        if (codec == CompressionCodec.Snappy)
        {
            // Raw (unframed) Snappy, which some clients write.
            var template = seeds[1].Batch;
            seeds.Add(new Seed(WithRecordsSection(template, seeds[1].Records, codec, SnappyFraming.Raw), seeds[1].Records));
        }
        foreach (var golden in GoldenBatchTests.Batches)
        {
            if (RecordBatch.Codec(golden) == codec)
            {
                using var scratch = new PooledBufferWriter();
                seeds.Add(new Seed(golden, BatchRecords.Decode(golden, scratch).ToArray()));
            }
        }
        foreach (var seed in seeds)
        {
            Assert.Equal(Outcome.Parsed, ValidateAndRead(seed.Batch));
        }
        return seeds;
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void MutatedBatchesAreRejectedOrDecodeOrThrowCorruptRecordException(CompressionCodec codec)
    {
        var seeds = Seeds(codec);
        var random = new Random(20_240_601 + (int)codec);
        var outcomes = new Dictionary<Outcome, int> { [Outcome.Rejected] = 0, [Outcome.Corrupt] = 0, [Outcome.Parsed] = 0 };
        for (var i = 0; i < MutationsPerCodec; i++)
        {
            var seed = seeds[random.Next(seeds.Count)];
            byte[] input;
            if (random.Next(3) == 0)
            {
                // Mutate the decoded records and re-frame them correctly, so the reader sees the damage.
                var records = Mutate(seed.Records, seeds[random.Next(seeds.Count)].Records, random);
                var framing = random.Next(4) == 0 ? SnappyFraming.Raw : SnappyFraming.Xerial;
                input = WithRecordsSection(seed.Batch, records, codec, framing);
                if (random.Next(3) == 0)
                {
                    var count = RandomCount(random, RecordBatch.RecordsCount(input));
                    input = WithInt32(WithInt32(input, RecordBatchLayout.RecordsCountOffset, count), RecordBatchLayout.LastOffsetDeltaOffset, count - 1);
                    RecordBatch.WriteCrc(input);
                }
            }
            else
            {
                input = Mutate(seed.Batch, seeds[random.Next(seeds.Count)].Batch, random);
                if (input.Length >= RecordBatchLayout.HeaderSize && random.Next(2) == 0)
                {
                    // Make length and CRC agree with the damage so it reaches the reader or decompressor.
                    Reseal(input);
                }
            }
            outcomes[ValidateAndRead(input)]++;
        }

        // Every path was exercised.
        Assert.All(outcomes, pair => Assert.True(pair.Value > MutationsPerCodec / 50, $"{codec}: {string.Join(", ", outcomes)}"));
    }

    [Fact]
    public void RandomGarbageIsRejectedOrThrowsCorruptRecordException()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var input = new byte[random.Next(0, 200)];
            random.NextBytes(input);
            if (input.Length > RecordBatchLayout.MagicOffset && random.Next(2) == 0)
            {
                input[RecordBatchLayout.MagicOffset] = RecordBatchLayout.CurrentMagic;
                if (input.Length >= RecordBatchLayout.HeaderSize)
                {
                    // Any codec bits 0-4 and a count that fits what the records section could hold.
                    input[RecordBatchLayout.AttributesOffset + 1] = (byte)random.Next(5);
                    var count = random.Next(0, 5);
                    BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(RecordBatchLayout.RecordsCountOffset), count);
                    BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset), Math.Max(count - 1, 0));
                    Reseal(input);
                }
            }
            ValidateAndRead(input);
        }
    }

    private static int RandomCount(Random random, int current) => random.Next(6) switch
    {
        0 => int.MaxValue,
        1 => 0,
        2 => current + 1,
        3 => Math.Max(current - 1, 0),
        4 => random.Next(1, 1000),
        _ => current * 2,
    };

    private static readonly int[] InterestingInts = [0, 1, -1, 2, 48, 49, 61, 127, 128, 255, 0x7FFF, 0xFFFF, int.MaxValue, int.MinValue, int.MaxValue - 11, int.MaxValue - 12];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

    internal static byte[] Mutate(byte[] source, byte[] other, Random random)
    {
        var data = new List<byte>(source);
        var steps = random.Next(1, 4);
        for (var step = 0; step < steps; step++)
        {
            switch (random.Next(8))
            {
                case 0: // bit flips
                    for (var n = random.Next(1, 5); n > 0 && data.Count > 0; n--)
                    {
                        data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    }
                    break;
                case 1: // truncation
                    data = data.Take(random.Next(data.Count + 1)).ToList();
                    break;
                case 2: // insertion of random bytes
                    var inserted = new byte[random.Next(1, 9)];
                    random.NextBytes(inserted);
                    data.InsertRange(random.Next(data.Count + 1), inserted);
                    break;
                case 3: // deletion of a range
                    if (data.Count > 0)
                    {
                        var start = random.Next(data.Count);
                        data.RemoveRange(start, random.Next(1, Math.Min(16, data.Count - start) + 1));
                    }
                    break;
                case 4: // a random or interesting big-endian length/count anywhere
                    if (data.Count >= 4)
                    {
                        var at = random.Next(data.Count - 3);
                        var value = random.Next(2) == 0 ? InterestingInts[random.Next(InterestingInts.Length)] : random.Next(int.MinValue, int.MaxValue);
                        var bytes = new byte[4];
                        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
                        for (var k = 0; k < 4; k++)
                        {
                            data[at + k] = bytes[k];
                        }
                    }
                    break;
                case 5: // interesting bytes (varint continuation bits, -1 lengths, ...)
                    for (var n = random.Next(1, 4); n > 0 && data.Count > 0; n--)
                    {
                        data[random.Next(data.Count)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                    }
                    break;
                case 6: // splice with another input
                    var cut = random.Next(data.Count + 1);
                    var from = random.Next(other.Length + 1);
                    data = [.. data.Take(cut), .. other.Skip(from)];
                    break;
                default: // duplicate a chunk
                    if (data.Count > 0)
                    {
                        var start = random.Next(data.Count);
                        var chunk = data.Skip(start).Take(random.Next(1, 32)).ToArray();
                        data.InsertRange(random.Next(data.Count + 1), chunk);
                    }
                    break;
            }
        }
        return [.. data];
    }
}
