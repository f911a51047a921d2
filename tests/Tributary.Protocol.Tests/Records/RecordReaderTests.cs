using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;
using static Tributary.Protocol.Tests.Records.RecordTestSupport;

namespace Tributary.Protocol.Tests.Records;

public class RecordReaderTests
{
    /// <summary>Reads every record of a records section; returns how many there were.</summary>
    private static int ReadCount(byte[] records, int count)
    {
        var reader = new RecordReader(records, count);
        var read = 0;
        while (reader.TryReadNext(out _))
        {
            read++;
        }
        return read;
    }

    [Theory]
    // length 6 | attributes 0 | timestampDelta 0 | offsetDelta 0 | key null | value null | 0 headers
    [InlineData("0C000000010100", 1)]
    [InlineData("0C0000000101000C000002010100", 2)]
    [InlineData("", 0)]
    [InlineData("", -1)] // a negative count reads nothing (the validator refuses such batches)
    // one header with key "a" and a null value
    [InlineData("120000000101020261" + "01", 1)]
    public void WellFormedRecordsAreRead(string hex, int count)
    {
        Assert.Equal(Math.Max(count, 0), ReadCount(Convert.FromHexString(hex), count));
    }

    [Theory]
    [InlineData("0C00000001010000", 1, "trailing bytes after the last record")]
    [InlineData("0C000000010100", 2, "bad varint for record length")]
    [InlineData("01", 1, "record length outside the batch")] // length -1
    [InlineData("0E000000010100", 1, "record length outside the batch")] // length 7, 6 bytes follow
    [InlineData("FFFFFFFF0F", 1, "record length outside the batch")] // length int.MinValue
    [InlineData("FFFFFFFF1F", 1, "bad varint for record length")] // needs 33 bits
    [InlineData("80", 1, "bad varint for record length")]
    [InlineData("00", 1, "empty record")]
    [InlineData("040080", 1, "bad varlong for timestamp delta")]
    [InlineData("06000080", 1, "bad varint for offset delta")]
    [InlineData("0C000000030100", 1, "key length outside the record")] // key length -2
    [InlineData("0C0000000A0100", 1, "key length outside the record")] // key length 5, nothing follows
    [InlineData("0C000000010300", 1, "value length outside the record")] // value length -2
    [InlineData("0A0000000101", 1, "bad varint for header count")]
    [InlineData("0C000000010101", 1, "negative header count")]
    [InlineData("1400000001" + "01FEFFFFFF0F", 1, "bad varint for header key length")] // int.MaxValue headers, no bytes: no hang
    [InlineData("0E00000001010201", 1, "header key outside the record")] // header key length -1
    [InlineData("0E00000001010204", 1, "header key outside the record")] // header key length 2, nothing follows
    [InlineData("1000000001010202" + "61", 1, "bad varint for header value")]
    [InlineData("1200000001010202" + "6103", 1, "header value length outside the record")] // header value length -2
    [InlineData("0E000000010100FF", 1, "trailing bytes inside a record")]
    public void MalformedRecordsThrowCorruptRecordException(string hex, int count, string reason)
    {
        var records = Convert.FromHexString(hex);
        var e = Assert.Throws<CorruptRecordException>(() => ReadCount(records, count));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void TimestampDeltaOverflowingSixtyFourBitsIsCorrupt()
    {
        // Regression: a tenth varlong byte above 1 used to be accepted with its high bits silently dropped,
        // so this record read as timestampDelta = long.MinValue.
        var records = Convert.FromHexString("1E" + "00" + "FFFFFFFFFFFFFFFFFF03" + "00" + "01" + "01" + "00");
        var e = Assert.Throws<CorruptRecordException>(() => ReadCount(records, 1));
        Assert.Contains("bad varlong for timestamp delta", e.Message);

        // The largest legal tenth byte (1) still reads.
        records[11] = 0x01;
        var reader = new RecordReader(records, 1);
        Assert.True(reader.TryReadNext(out var record));
        Assert.Equal(long.MinValue, record.TimestampDelta);
    }

    [Fact]
    public void UncompressedDecodeIsAViewOfTheBatch()
    {
        using var builder = new RecordBatchBuilder(0);
        builder.Append(0, "k"u8, "v"u8);
        var batch = builder.ToArray(new BatchOptions());
        using var scratch = new PooledBufferWriter();
        scratch.Write([1, 2, 3]);
        var decoded = BatchRecords.Decode(batch, scratch);
        Assert.True(decoded.Overlaps(batch.AsSpan(RecordBatchLayout.RecordsOffset), out var elementOffset));
        Assert.Equal(0, elementOffset);
        Assert.Equal(batch.Length - RecordBatchLayout.RecordsOffset, decoded.Length);
        Assert.Equal(3, scratch.WrittenCount); // untouched
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Lz4)]
    [InlineData(CompressionCodec.Zstd)]
    public void PayloadThatDoesNotDecompressIsCorrupt(CompressionCodec codec)
    {
        using var builder = new RecordBatchBuilder(0);
        builder.Append(0, "k"u8, new byte[1000]);
        var batch = builder.ToArray(new BatchOptions { Codec = codec, BaseOffset = 1234 });

        // Over the output limit.
        using var scratch = new PooledBufferWriter();
        var limited = Assert.Throws<CorruptRecordException>(() => BatchRecords.Decode(batch, scratch, maxDecompressedBytes: 100).Length);
        Assert.IsType<CompressionException>(limited.InnerException);
        Assert.Contains("1234", limited.Message);

        // Garbage where the compressed payload should be, with a valid CRC.
        var garbage = Reseal([.. batch[..RecordBatchLayout.RecordsOffset], 0xDE, 0xAD, 0xBE, 0xEF]);
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(garbage, BatchOrigin.Client));
        var e = Assert.Throws<CorruptRecordException>(() => ReadAll(garbage));
        Assert.IsType<CompressionException>(e.InnerException);

        // An empty payload does not decompress either.
        var empty = Reseal(batch[..RecordBatchLayout.RecordsOffset]);
        Assert.Throws<CorruptRecordException>(() => ReadAll(empty));
    }

    [Fact]
    public void UnknownCodecIsCorruptWhenReadWithoutValidation()
    {
        using var builder = new RecordBatchBuilder(0);
        builder.Append(0, "k"u8, "v"u8);
        var batch = WithInt16(builder.ToArray(new BatchOptions()), RecordBatchLayout.AttributesOffset, 6);
        var e = Assert.Throws<CorruptRecordException>(() => ReadAll(batch));
        Assert.IsType<CompressionException>(e.InnerException);
    }
}
