using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;
using static Tributary.Protocol.Tests.Records.RecordTestSupport;

namespace Tributary.Protocol.Tests.Records;

public class ValidatorTests
{
    private static byte[] ThreeRecords(CompressionCodec codec = CompressionCodec.None, long baseOffset = 0)
    {
        using var builder = new RecordBatchBuilder(1_000);
        builder.Append(1_000, "a"u8, "1"u8);
        builder.Append(1_001, "b"u8, "2"u8);
        builder.Append(1_002, "c"u8, "3"u8);
        return builder.ToArray(new BatchOptions { Codec = codec, BaseOffset = baseOffset });
    }

    /// <summary>Sets RecordsCount and LastOffsetDelta and recomputes the CRC, so only the count rule can fail.</summary>
    private static byte[] WithCounts(int count, int lastOffsetDelta)
    {
        var batch = WithInt32(WithInt32(ThreeRecords(), RecordBatchLayout.RecordsCountOffset, count), RecordBatchLayout.LastOffsetDeltaOffset, lastOffsetDelta);
        RecordBatch.WriteCrc(batch);
        return batch;
    }

    [Theory]
    [MemberData(nameof(Codecs), MemberType = typeof(RecordTestSupport))]
    public void ValidBatchIsAccepted(CompressionCodec codec)
    {
        var batch = ThreeRecords(codec);
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Internal));
        Assert.Equal(BatchError.None, RecordBatchValidator.ValidateHeaderAt(batch, out var size));
        Assert.Equal(batch.Length, size);
    }

    [Fact]
    public void Truncated()
    {
        var batch = ThreeRecords();
        // Too short to hold BatchLength and Magic.
        for (var length = 0; length <= RecordBatchLayout.MagicOffset; length++)
        {
            Assert.Equal(BatchError.Truncated, RecordBatchValidator.ValidateAt(batch.AsSpan(0, length), BatchOrigin.Client, out var size));
            Assert.Equal(0, size);
            Assert.Equal(BatchError.Truncated, RecordBatchValidator.ValidateHeaderAt(batch.AsSpan(0, length), out _));
        }
        // The header is readable but fewer bytes than BatchLength announces (including a partial fixed header).
        for (var length = RecordBatchLayout.MagicOffset + 1; length < batch.Length; length++)
        {
            Assert.Equal(BatchError.Truncated, RecordBatchValidator.Validate(batch.AsSpan(0, length), BatchOrigin.Client));
            Assert.Equal(BatchError.None, RecordBatchValidator.ValidateHeaderAt(batch.AsSpan(0, length), out var announced));
            Assert.Equal(batch.Length, announced);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(RecordBatchLayout.HeaderSize - RecordBatchLayout.LogOverhead - 1)] // 48: shorter than the fixed header
    [InlineData(int.MaxValue - RecordBatchLayout.LogOverhead + 1)] // total size would overflow int
    [InlineData(int.MaxValue)]
    public void InvalidLength(int batchLength)
    {
        var batch = WithInt32(ThreeRecords(), RecordBatchLayout.BatchLengthOffset, batchLength);
        Assert.Equal(BatchError.InvalidLength, RecordBatchValidator.ValidateAt(batch, BatchOrigin.Client, out var size));
        Assert.Equal(0, size);
        Assert.Equal(BatchError.InvalidLength, RecordBatchValidator.ValidateHeaderAt(batch, out _));
    }

    [Fact]
    public void LargestRepresentableLengthIsTruncatedNotInvalid()
    {
        var batch = WithInt32(ThreeRecords(), RecordBatchLayout.BatchLengthOffset, int.MaxValue - RecordBatchLayout.LogOverhead);
        Assert.Equal(BatchError.None, RecordBatchValidator.ValidateHeaderAt(batch, out var size));
        Assert.Equal(int.MaxValue, size);
        Assert.Equal(BatchError.Truncated, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
    }

    [Fact]
    public void InvalidLengthWhenTheBatchDoesNotFillTheSpan()
    {
        byte[] batch = [.. ThreeRecords(), 0x00];
        Assert.Equal(BatchError.InvalidLength, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(batch, BatchOrigin.Client, out var size));
        Assert.Equal(batch.Length - 1, size);
    }

    [Fact]
    public void ShortestPossibleBatchLengthIsAccepted()
    {
        var empty = Reseal(ThreeRecords()[..RecordBatchLayout.HeaderSize]);
        var withoutRecords = WithInt32(WithInt32(empty, RecordBatchLayout.RecordsCountOffset, 0), RecordBatchLayout.LastOffsetDeltaOffset, 0);
        RecordBatch.WriteCrc(withoutRecords);
        Assert.Equal(49, RecordBatch.BatchLength(withoutRecords));
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(withoutRecords, BatchOrigin.Internal));
        Assert.Empty(ReadAll(withoutRecords));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(0xFF)]
    public void UnsupportedMagic(byte magic)
    {
        var batch = ThreeRecords();
        batch[RecordBatchLayout.MagicOffset] = magic;
        Assert.Equal(BatchError.UnsupportedMagic, RecordBatchValidator.ValidateAt(batch, BatchOrigin.Client, out var size));
        Assert.Equal(0, size);
        Assert.Equal(BatchError.UnsupportedMagic, RecordBatchValidator.ValidateHeaderAt(batch, out _));
    }

    [Fact]
    public void CrcMismatchForAnyBitFlipInTheCoveredBytes()
    {
        var batch = ThreeRecords();
        for (var i = RecordBatchLayout.CrcOffset; i < batch.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = batch.ToArray();
                copy[i] ^= (byte)(1 << bit);
                Assert.Equal(BatchError.CrcMismatch, RecordBatchValidator.Validate(copy, BatchOrigin.Client));
            }
        }
    }

    [Fact]
    public void BaseOffsetAndPartitionLeaderEpochAreNotCovered()
    {
        var batch = ThreeRecords();
        for (var i = 0; i < RecordBatchLayout.BatchLengthOffset; i++)
        {
            batch[i] ^= 0x5A;
        }
        for (var i = RecordBatchLayout.PartitionLeaderEpochOffset; i < RecordBatchLayout.MagicOffset; i++)
        {
            batch[i] ^= 0xA5;
        }
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
    }

    [Fact]
    public void CrcMismatchWhenOnlyTheStoredCrcIsWrong()
    {
        var batch = ThreeRecords();
        var crc = RecordBatch.Crc(batch);
        var wrong = WithInt32(batch, RecordBatchLayout.CrcOffset, (int)(crc + 1));
        Assert.Equal(BatchError.CrcMismatch, RecordBatchValidator.ValidateAt(wrong, BatchOrigin.Internal, out var size));
        Assert.Equal(0, size);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(int.MaxValue, int.MaxValue - 1)]
    public void ClientCountMustEqualLastOffsetDeltaPlusOne(int count, int lastOffsetDelta)
    {
        Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(WithCounts(count, lastOffsetDelta), BatchOrigin.Client, out _));
    }

    [Theory]
    [InlineData(2, 2)] // fewer records than offsets (only compaction does that)
    [InlineData(4, 2)]
    [InlineData(0, -1)] // empty
    [InlineData(0, 0)]
    [InlineData(-1, -2)]
    [InlineData(-3, 2)]
    [InlineData(3, -1)]
    [InlineData(int.MinValue, int.MaxValue)] // int.MaxValue + 1 wraps to int.MinValue in 32 bits
    [InlineData(int.MinValue, -1)]
    public void ClientRecordCountMismatch(int count, int lastOffsetDelta)
    {
        var batch = WithCounts(count, lastOffsetDelta);
        Assert.Equal(BatchError.RecordCountMismatch, RecordBatchValidator.ValidateAt(batch, BatchOrigin.Client, out var size));
        Assert.Equal(0, size);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(0, int.MaxValue)]
    [InlineData(int.MaxValue, int.MaxValue)]
    public void InternalAllowsFewerRecordsThanOffsets(int count, int lastOffsetDelta)
    {
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(WithCounts(count, lastOffsetDelta), BatchOrigin.Internal));
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(-1, 2)]
    [InlineData(0, -1)]
    [InlineData(-1, -2)]
    [InlineData(int.MinValue, int.MaxValue)]
    [InlineData(1, int.MinValue)]
    public void InternalRecordCountMismatch(int count, int lastOffsetDelta)
    {
        Assert.Equal(BatchError.RecordCountMismatch, RecordBatchValidator.Validate(WithCounts(count, lastOffsetDelta), BatchOrigin.Internal));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void UnsupportedCompression(short codecBits)
    {
        foreach (var flags in new short[] { 0, RecordBatchLayout.TransactionalFlag | RecordBatchLayout.TimestampTypeFlag })
        {
            var batch = WithInt16(ThreeRecords(), RecordBatchLayout.AttributesOffset, (short)(flags | codecBits));
            Assert.Equal(BatchError.CrcMismatch, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
            RecordBatch.WriteCrc(batch);
            Assert.Equal(BatchError.UnsupportedCompression, RecordBatchValidator.ValidateAt(batch, BatchOrigin.Client, out var size));
            Assert.Equal(0, size);
            Assert.Equal(BatchError.UnsupportedCompression, RecordBatchValidator.Validate(batch, BatchOrigin.Internal));
        }
    }

    [Fact]
    public void UnusedAttributeBitsAreNotAnError()
    {
        // Bits 7-15 are unused; Kafka ignores them and so does the validator.
        var batch = WithInt16(ThreeRecords(), RecordBatchLayout.AttributesOffset, unchecked((short)0xFF80));
        RecordBatch.WriteCrc(batch);
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(CompressionCodec.None, RecordBatch.Codec(batch));
    }

    [Fact]
    public void ValidateAtWalksBatchesBackToBack()
    {
        var first = ThreeRecords(CompressionCodec.None, baseOffset: 0);
        var second = ThreeRecords(CompressionCodec.Zstd, baseOffset: 3);
        byte[] buffer = [.. first, .. second];

        var offsets = new List<long>();
        var position = 0;
        while (position < buffer.Length)
        {
            var span = buffer.AsSpan(position);
            Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(span, BatchOrigin.Client, out var size));
            offsets.Add(RecordBatch.BaseOffset(span));
            Assert.Equal(3, ReadAll(span[..size]).Count);
            position += size;
        }
        Assert.Equal(buffer.Length, position);
        Assert.Equal(new long[] { 0, 3 }, offsets);

        // The whole buffer is not one batch.
        Assert.Equal(BatchError.InvalidLength, RecordBatchValidator.Validate(buffer, BatchOrigin.Client));

        // A partial second batch is reported as truncated once the walk reaches it.
        Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(buffer.AsSpan(0, buffer.Length - 1), BatchOrigin.Client, out var firstSize));
        Assert.Equal(BatchError.Truncated, RecordBatchValidator.ValidateAt(buffer.AsSpan(firstSize, second.Length - 1), BatchOrigin.Client, out _));

        // Corruption in the second batch does not affect the first.
        buffer[^1] ^= 1;
        Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(buffer, BatchOrigin.Client, out firstSize));
        Assert.Equal(BatchError.CrcMismatch, RecordBatchValidator.ValidateAt(buffer.AsSpan(firstSize), BatchOrigin.Client, out _));
    }

    [Fact]
    public void ChecksRunInOrderLengthMagicCrcCountCodec()
    {
        // Bad in every way: the first check wins.
        var batch = WithInt16(WithCounts(9, 0), RecordBatchLayout.AttributesOffset, 7);
        Assert.Equal(BatchError.CrcMismatch, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        RecordBatch.WriteCrc(batch);
        Assert.Equal(BatchError.RecordCountMismatch, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        batch[RecordBatchLayout.MagicOffset] = 1;
        Assert.Equal(BatchError.UnsupportedMagic, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        Assert.Equal(BatchError.InvalidLength, RecordBatchValidator.Validate(WithInt32(batch, RecordBatchLayout.BatchLengthOffset, 1), BatchOrigin.Client));
        Assert.Equal(BatchError.Truncated, RecordBatchValidator.Validate(batch.AsSpan(0, 16), BatchOrigin.Client));
    }

    [Fact]
    public void EveryBatchErrorIsProducedByAMatchingInput()
    {
        var valid = ThreeRecords();
        var unsupportedCompression = WithInt16(valid, RecordBatchLayout.AttributesOffset, 5);
        RecordBatch.WriteCrc(unsupportedCompression);
        var magic = valid.ToArray();
        magic[RecordBatchLayout.MagicOffset] = 1;
        var crc = valid.ToArray();
        crc[^1] ^= 0x80;
        var produced = new Dictionary<BatchError, byte[]>
        {
            [BatchError.None] = valid,
            [BatchError.Truncated] = valid[..^1],
            [BatchError.InvalidLength] = WithInt32(valid, RecordBatchLayout.BatchLengthOffset, 48),
            [BatchError.UnsupportedMagic] = magic,
            [BatchError.CrcMismatch] = crc,
            [BatchError.RecordCountMismatch] = WithCounts(2, 2),
            [BatchError.UnsupportedCompression] = unsupportedCompression,
        };
        Assert.Equal(Enum.GetValues<BatchError>().Order(), produced.Keys.Order());
        foreach (var (error, input) in produced)
        {
            Assert.Equal(error, RecordBatchValidator.Validate(input, BatchOrigin.Client));
        }
    }
}
