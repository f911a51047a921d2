using Tributary.Protocol.Records;

namespace Tributary.Protocol.Tests.Records;

/// <summary>
/// The numbers below are part of the wire/disk format (layout) or are logged and mapped to Kafka error
/// codes (BatchError). Changing one is a format break, not a refactoring.
/// </summary>
public class RecordFormatStabilityTests
{
    [Fact]
    public void BatchErrorValuesAreFrozen()
    {
        Assert.Equal(0, (int)BatchError.None);
        Assert.Equal(1, (int)BatchError.Truncated);
        Assert.Equal(2, (int)BatchError.InvalidLength);
        Assert.Equal(3, (int)BatchError.UnsupportedMagic);
        Assert.Equal(4, (int)BatchError.CrcMismatch);
        Assert.Equal(5, (int)BatchError.RecordCountMismatch);
        Assert.Equal(6, (int)BatchError.UnsupportedCompression);
        Assert.Equal(7, Enum.GetValues<BatchError>().Length);
    }

    [Fact]
    public void BatchOriginValuesAreFrozen()
    {
        Assert.Equal(0, (int)BatchOrigin.Client);
        Assert.Equal(1, (int)BatchOrigin.Internal);
        Assert.Equal(2, Enum.GetValues<BatchOrigin>().Length);
    }

    [Fact]
    public void LayoutOffsetsAreFrozen()
    {
        Assert.Equal(0, RecordBatchLayout.BaseOffsetOffset);
        Assert.Equal(8, RecordBatchLayout.BatchLengthOffset);
        Assert.Equal(12, RecordBatchLayout.PartitionLeaderEpochOffset);
        Assert.Equal(16, RecordBatchLayout.MagicOffset);
        Assert.Equal(17, RecordBatchLayout.CrcOffset);
        Assert.Equal(21, RecordBatchLayout.AttributesOffset);
        Assert.Equal(23, RecordBatchLayout.LastOffsetDeltaOffset);
        Assert.Equal(27, RecordBatchLayout.BaseTimestampOffset);
        Assert.Equal(35, RecordBatchLayout.MaxTimestampOffset);
        Assert.Equal(43, RecordBatchLayout.ProducerIdOffset);
        Assert.Equal(51, RecordBatchLayout.ProducerEpochOffset);
        Assert.Equal(53, RecordBatchLayout.BaseSequenceOffset);
        Assert.Equal(57, RecordBatchLayout.RecordsCountOffset);
        Assert.Equal(61, RecordBatchLayout.RecordsOffset);
    }

    [Fact]
    public void LayoutOffsetsFollowFromTheFieldSizes()
    {
        // Each field starts where the previous one ends: int64, int32, int32, int8, uint32, int16, int32,
        // int64, int64, int64, int16, int32, int32.
        (int Offset, int Size)[] fields =
        [
            (RecordBatchLayout.BaseOffsetOffset, 8),
            (RecordBatchLayout.BatchLengthOffset, 4),
            (RecordBatchLayout.PartitionLeaderEpochOffset, 4),
            (RecordBatchLayout.MagicOffset, 1),
            (RecordBatchLayout.CrcOffset, 4),
            (RecordBatchLayout.AttributesOffset, 2),
            (RecordBatchLayout.LastOffsetDeltaOffset, 4),
            (RecordBatchLayout.BaseTimestampOffset, 8),
            (RecordBatchLayout.MaxTimestampOffset, 8),
            (RecordBatchLayout.ProducerIdOffset, 8),
            (RecordBatchLayout.ProducerEpochOffset, 2),
            (RecordBatchLayout.BaseSequenceOffset, 4),
            (RecordBatchLayout.RecordsCountOffset, 4),
        ];
        var expected = 0;
        foreach (var (offset, size) in fields)
        {
            Assert.Equal(expected, offset);
            expected += size;
        }
        Assert.Equal(RecordBatchLayout.RecordsOffset, expected);
        Assert.Equal(RecordBatchLayout.HeaderSize, expected);
    }

    [Fact]
    public void LayoutConstantsAreFrozen()
    {
        Assert.Equal(61, RecordBatchLayout.HeaderSize);
        Assert.Equal(12, RecordBatchLayout.LogOverhead);
        Assert.Equal(2, RecordBatchLayout.CurrentMagic);
        Assert.Equal(0x07, RecordBatchLayout.CompressionCodecMask);
        Assert.Equal(0x08, RecordBatchLayout.TimestampTypeFlag);
        Assert.Equal(0x10, RecordBatchLayout.TransactionalFlag);
        Assert.Equal(0x20, RecordBatchLayout.ControlFlag);
        Assert.Equal(0x40, RecordBatchLayout.DeleteHorizonFlag);
    }
}
