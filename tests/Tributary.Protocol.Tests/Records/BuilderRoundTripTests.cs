using FsCheck;
using FsCheck.Fluent;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;
using static Tributary.Protocol.Tests.Records.RecordTestSupport;

namespace Tributary.Protocol.Tests.Records;

public class BuilderRoundTripTests
{
    private static readonly Gen<byte[]?> Bytes = Gen.Frequency(
        (1, Gen.Constant<byte[]?>(null)),
        (1, Gen.Constant<byte[]?>([])),
        (4, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(a => (byte[]?)a)),
        // Long enough for two- and three-byte length varints, and compressible.
        (1, Gen.Zip(Gen.Choose(0, 3000), Gen.Choose(0, int.MaxValue), (length, seed) => (byte[]?)Compressible(length, seed))));

    private static readonly Gen<string> HeaderKeys = Gen.OneOf(
        Gen.Elements("", "h", "trace-id", "ключ", "键", "emoji 🙂"),
        Gen.Choose(32, 126).Select(c => (char)c).ArrayOf().Select(chars => new string(chars)));

    private static readonly Gen<RecordHeader> Headers =
        Gen.Zip(HeaderKeys, Bytes, (key, value) => new RecordHeader(key, value));

    private static readonly Gen<long> TimestampDeltas = Gen.Frequency(
        (4, Gen.Choose(-1000, 100_000).Select(d => (long)d)),
        (1, Gen.Choose(int.MinValue, int.MaxValue).Select(d => d * 1000L)));

    private static readonly Gen<(long BaseTimestamp, TestRecord[] Records)> Batches =
        Gen.Choose(0, int.MaxValue).Select(t => t * 4096L).SelectMany(
            baseTimestamp => Gen.Zip(
                Gen.Zip(TimestampDeltas, Gen.Choose(0, 3).SelectMany(n => Headers.ArrayOf(n))),
                Gen.Zip(Bytes, Bytes),
                (deltaHeaders, keyValue) => new TestRecord(
                    Math.Max(0, baseTimestamp + deltaHeaders.Item1), keyValue.Item1, keyValue.Item2, deltaHeaders.Item2))
                .NonEmptyListOf()
                .Resize(20),
            (baseTimestamp, records) => (baseTimestamp, records.ToArray()));

    /// <summary>Bytes from a four-letter alphabet; built from a seed because FsCheck is slow at generating long arrays.</summary>
    private static byte[] Compressible(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(4);
        }
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void BuildValidateReadRoundTrips(CompressionCodec codec)
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(100),
            Prop.ForAll(Arb.From(Batches), input =>
            {
                var (baseTimestamp, records) = input;
                var options = new BatchOptions { Codec = codec, BaseOffset = baseTimestamp / 7, ProducerId = 99, ProducerEpoch = 3, BaseSequence = 1000 };
                var batch = Build(baseTimestamp, records, options);

                Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
                Assert.Equal(codec, RecordBatch.Codec(batch));
                Assert.Equal(baseTimestamp / 7, RecordBatch.BaseOffset(batch));
                Assert.Equal(records.Length, RecordBatch.RecordsCount(batch));
                Assert.Equal(records.Length - 1, RecordBatch.LastOffsetDelta(batch));
                Assert.Equal(baseTimestamp, RecordBatch.BaseTimestamp(batch));
                Assert.Equal(records.Max(r => r.Timestamp), RecordBatch.MaxTimestamp(batch));
                Assert.Equal(99, RecordBatch.ProducerId(batch));
                Assert.Equal(3, RecordBatch.ProducerEpoch(batch));
                Assert.Equal(1000, RecordBatch.BaseSequence(batch));
                Assert.Equal(-1, RecordBatch.PartitionLeaderEpoch(batch));
                Assert.False(RecordBatch.IsLogAppendTime(batch));
                Assert.False(RecordBatch.IsTransactional(batch));
                Assert.False(RecordBatch.IsControl(batch));
                AssertRecords(records, ReadAll(batch), baseOffset: baseTimestamp / 7);
            }));
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void AppendRawCopiesRecordsVerbatimWithTheirDeltas(CompressionCodec codec)
    {
        const long baseTimestamp = 1_000_000;
        TestRecord[] original =
        [
            new(baseTimestamp + 50, "a"u8.ToArray(), "1"u8.ToArray(), []),
            new(baseTimestamp + 10, "b"u8.ToArray(), "2"u8.ToArray(), [new RecordHeader("x", null)]),
            new(baseTimestamp + 90, "a"u8.ToArray(), null, []),
            new(baseTimestamp - 5, null, "4"u8.ToArray(), [new RecordHeader("y", [1, 2]), new RecordHeader("z", [])]),
            new(baseTimestamp + 70, "c"u8.ToArray(), "5"u8.ToArray(), []),
        ];
        var source = Build(baseTimestamp, original, new BatchOptions { Codec = codec, BaseOffset = 500 });
        var decoded = ReadAll(source);

        // Keep records 1 and 3, as compaction would.
        using var builder = new RecordBatchBuilder(baseTimestamp);
        foreach (var index in new[] { 1, 3 })
        {
            builder.AppendRaw(decoded[index].Raw, decoded[index].OffsetDelta, decoded[index].TimestampDelta);
        }
        Assert.Equal(2, builder.Count);
        var compacted = builder.ToArray(new BatchOptions { Codec = codec, BaseOffset = 500 });

        Assert.Equal(3, RecordBatch.LastOffsetDelta(compacted));
        Assert.Equal(baseTimestamp + 10, RecordBatch.MaxTimestamp(compacted));
        Assert.Equal(2, RecordBatch.RecordsCount(compacted));
        Assert.Equal(BatchError.RecordCountMismatch, RecordBatchValidator.Validate(compacted, BatchOrigin.Client));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(compacted, BatchOrigin.Internal));
        var kept = ReadAll(compacted);
        Assert.Equal(2, kept.Count);
        for (var i = 0; i < 2; i++)
        {
            var expected = decoded[(2 * i) + 1];
            Assert.Equal(expected.Raw, kept[i].Raw);
            Assert.Equal(expected.OffsetDelta, kept[i].OffsetDelta);
            Assert.Equal(expected.Offset, kept[i].Offset);
            AssertRecord(original[(2 * i) + 1], kept[i], expected.OffsetDelta, expected.Offset);
        }

        // Compaction keeps the original batch's LastOffsetDelta and MaxTimestamp through the overrides.
        var preserved = builder.ToArray(new BatchOptions
        {
            Codec = codec,
            BaseOffset = 500,
            LastOffsetDelta = RecordBatch.LastOffsetDelta(source),
            MaxTimestamp = RecordBatch.MaxTimestamp(source),
        });
        Assert.Equal(4, RecordBatch.LastOffsetDelta(preserved));
        Assert.Equal(504, RecordBatch.LastOffset(preserved));
        Assert.Equal(baseTimestamp + 90, RecordBatch.MaxTimestamp(preserved));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(preserved, BatchOrigin.Internal));
        Assert.Equal(kept.Select(r => r.Raw), ReadAll(preserved).Select(r => r.Raw));

        // Appending after AppendRaw continues after the highest offset delta.
        builder.Append(baseTimestamp + 1, "d"u8, "6"u8);
        var extended = ReadAll(builder.ToArray(new BatchOptions { Codec = codec }));
        Assert.Equal(new[] { 1, 3, 4 }, extended.Select(r => r.OffsetDelta));
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void OverridesAndAttributeFlagsAreHonoured(CompressionCodec codec)
    {
        using var builder = new RecordBatchBuilder(100);
        builder.Append(150, "k"u8, "v"u8);
        builder.Append(120, "k"u8, "v"u8);
        builder.Append(110, "k"u8, "v"u8);

        var plain = builder.ToArray(new BatchOptions { Codec = codec });
        Assert.Equal(2, RecordBatch.LastOffsetDelta(plain));
        Assert.Equal(150, RecordBatch.MaxTimestamp(plain));

        var overridden = builder.ToArray(new BatchOptions
        {
            Codec = codec,
            LastOffsetDelta = 9,
            MaxTimestamp = 12345,
            // The codec bits of AttributeFlags are ignored: the codec comes from Codec.
            AttributeFlags = RecordBatchLayout.TransactionalFlag | RecordBatchLayout.ControlFlag | RecordBatchLayout.CompressionCodecMask,
        });
        Assert.Equal(9, RecordBatch.LastOffsetDelta(overridden));
        Assert.Equal(12345, RecordBatch.MaxTimestamp(overridden));
        Assert.Equal(codec, RecordBatch.Codec(overridden));
        Assert.True(RecordBatch.IsTransactional(overridden));
        Assert.True(RecordBatch.IsControl(overridden));
        Assert.False(RecordBatch.IsLogAppendTime(overridden));
        Assert.Equal(RecordBatchLayout.TransactionalFlag | RecordBatchLayout.ControlFlag | (int)codec, RecordBatch.Attributes(overridden));
        Assert.Equal(BatchError.RecordCountMismatch, RecordBatchValidator.Validate(overridden, BatchOrigin.Client));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(overridden, BatchOrigin.Internal));
        Assert.Equal(3, ReadAll(overridden).Count);

        var createdWithLogAppendTime = builder.ToArray(new BatchOptions { Codec = codec, AttributeFlags = RecordBatchLayout.TimestampTypeFlag });
        Assert.True(RecordBatch.IsLogAppendTime(createdWithLogAppendTime));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(createdWithLogAppendTime, BatchOrigin.Client));
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void SetLogAppendTimeSetsTheFlagAndMaxTimestampAndKeepsTheCrcValid(CompressionCodec codec)
    {
        using var builder = new RecordBatchBuilder(1_000);
        builder.Append(1_000, "k"u8, "v"u8);
        builder.Append(2_000, default, "w"u8, hasKey: false);
        var batch = builder.ToArray(new BatchOptions { Codec = codec, AttributeFlags = RecordBatchLayout.TransactionalFlag, ProducerId = 7, ProducerEpoch = 0, BaseSequence = 0 });
        var before = batch.ToArray();

        RecordBatch.SetLogAppendTime(batch, 9_999_999);

        Assert.True(RecordBatch.IsLogAppendTime(batch));
        Assert.Equal(9_999_999, RecordBatch.MaxTimestamp(batch));
        Assert.Equal(codec, RecordBatch.Codec(batch));
        Assert.True(RecordBatch.IsTransactional(batch));
        Assert.NotEqual(RecordBatch.Crc(before), RecordBatch.Crc(batch));
        Assert.Equal(RecordBatch.ComputeCrc(batch), RecordBatch.Crc(batch));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(1_000, RecordBatch.BaseTimestamp(batch));

        // Only attributes, MaxTimestamp and the CRC change.
        for (var i = 0; i < batch.Length; i++)
        {
            var changeable = i is >= RecordBatchLayout.CrcOffset and < RecordBatchLayout.AttributesOffset + 2
                || i is >= RecordBatchLayout.MaxTimestampOffset and < RecordBatchLayout.MaxTimestampOffset + 8;
            if (!changeable)
            {
                Assert.Equal(before[i], batch[i]);
            }
        }

        // Idempotent, and a second call moves the time.
        RecordBatch.SetLogAppendTime(batch, 10_000_000);
        Assert.Equal(10_000_000, RecordBatch.MaxTimestamp(batch));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(2, ReadAll(batch).Count);
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void EmptyBatchIsValidOnlyForInternalOrigin(CompressionCodec codec)
    {
        using var builder = new RecordBatchBuilder(777);
        var batch = builder.ToArray(new BatchOptions { Codec = codec });
        Assert.Equal(0, RecordBatch.RecordsCount(batch));
        Assert.Equal(0, RecordBatch.LastOffsetDelta(batch));
        Assert.Equal(777, RecordBatch.MaxTimestamp(batch));
        Assert.Equal(BatchError.RecordCountMismatch, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Internal));
        Assert.Empty(ReadAll(batch));
    }
}
