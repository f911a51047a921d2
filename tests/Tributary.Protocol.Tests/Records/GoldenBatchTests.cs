using System.Text;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;
using static Tributary.Protocol.Tests.Records.RecordTestSupport;

namespace Tributary.Protocol.Tests.Records;

/// <summary>
/// Byte-exact record batches checked against an independent implementation. Both literals were produced by
/// kafka-python 2.0.2's <c>DefaultRecordBatchBuilder</c> (Debian python3-kafka 2.0.2-3) with the arguments
/// given on each; the first was also decoded field by field by hand against the Kafka protocol guide.
/// </summary>
public class GoldenBatchTests
{
    private const long BaseTimestamp = 1_700_000_000_000; // 0x0000018BCFE56800

    /// <summary>
    /// <c>DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=False, producer_id=1234,
    /// producer_epoch=5, base_sequence=10, batch_size=1 &lt;&lt; 20)</c>, then
    /// <c>append(0, timestamp=1700000000000, key=b"key", value=b"value", headers=[("h", b"v")])</c> and
    /// <c>append(1, timestamp=1700000000005, key=None, value=b"world", headers=[])</c>, then <c>build()</c>.
    /// </summary>
    private static readonly byte[] Uncompressed =
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //  0 BaseOffset            int64  0
        0x00, 0x00, 0x00, 0x50,                         //  8 BatchLength           int32  80 (= 92 - 12)
        0x00, 0x00, 0x00, 0x00,                         // 12 PartitionLeaderEpoch  int32  0
        0x02,                                           // 16 Magic                 int8   2
        0xF1, 0x75, 0x29, 0xFA,                         // 17 Crc                   uint32 CRC-32C of bytes 21..91
        0x00, 0x00,                                     // 21 Attributes            int16  no codec, CreateTime, not transactional
        0x00, 0x00, 0x00, 0x01,                         // 23 LastOffsetDelta       int32  1
        0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, // 27 BaseTimestamp         int64  1700000000000
        0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x05, // 35 MaxTimestamp          int64  1700000000005
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xD2, // 43 ProducerId            int64  1234
        0x00, 0x05,                                     // 51 ProducerEpoch         int16  5
        0x00, 0x00, 0x00, 0x0A,                         // 53 BaseSequence          int32  10
        0x00, 0x00, 0x00, 0x02,                         // 57 RecordsCount          int32  2
        // record 0 (bytes 61..79)
        0x24,                                           // 61 length          varint 18
        0x00,                                           // 62 attributes      int8   0
        0x00,                                           // 63 timestampDelta  varlong 0
        0x00,                                           // 64 offsetDelta     varint 0
        0x06,                                           // 65 keyLength       varint 3
        0x6B, 0x65, 0x79,                               // 66 key             "key"
        0x0A,                                           // 69 valueLength     varint 5
        0x76, 0x61, 0x6C, 0x75, 0x65,                   // 70 value           "value"
        0x02,                                           // 75 headers count   varint 1
        0x02,                                           // 76 header keyLength   varint 1
        0x68,                                           // 77 header key         "h"
        0x02,                                           // 78 header valueLength varint 1
        0x76,                                           // 79 header value       "v"
        // record 1 (bytes 80..91)
        0x16,                                           // 80 length          varint 11
        0x00,                                           // 81 attributes      int8   0
        0x0A,                                           // 82 timestampDelta  varlong 5
        0x02,                                           // 83 offsetDelta     varint 1
        0x01,                                           // 84 keyLength       varint -1 (null key)
        0x0A,                                           // 85 valueLength     varint 5
        0x77, 0x6F, 0x72, 0x6C, 0x64,                   // 86 value           "world"
        0x00,                                           // 91 headers count   varint 0
    ];

    private static readonly TestRecord[] UncompressedRecords =
    [
        new(BaseTimestamp, "key"u8.ToArray(), "value"u8.ToArray(), [new RecordHeader("h", "v"u8.ToArray())]),
        new(BaseTimestamp + 5, null, "world"u8.ToArray(), []),
    ];

    /// <summary>
    /// <c>DefaultRecordBatchBuilder(magic=2, compression_type=1, is_transactional=False, producer_id=-1,
    /// producer_epoch=-1, base_sequence=-1, batch_size=1 &lt;&lt; 20)</c>, then for i in 0..2
    /// <c>append(i, timestamp=1700000000000 + 10 * i, key=b"k{i}", value=b"tributary " * 8,
    /// headers=[("n", bytes([i]))] if i == 1 else [])</c>, then <c>build()</c> (Python's gzip, level 9).
    /// </summary>
    private static readonly byte[] Gzipped =
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //  0 BaseOffset            0
        0x00, 0x00, 0x00, 0x77,                         //  8 BatchLength           119 (= 131 - 12)
        0x00, 0x00, 0x00, 0x00,                         // 12 PartitionLeaderEpoch  0
        0x02,                                           // 16 Magic                 2
        0x7C, 0x14, 0x7C, 0xC9,                         // 17 Crc
        0x00, 0x01,                                     // 21 Attributes            gzip
        0x00, 0x00, 0x00, 0x02,                         // 23 LastOffsetDelta       2
        0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, // 27 BaseTimestamp         1700000000000
        0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x14, // 35 MaxTimestamp          1700000000020
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // 43 ProducerId            -1
        0xFF, 0xFF,                                     // 51 ProducerEpoch         -1
        0xFF, 0xFF, 0xFF, 0xFF,                         // 53 BaseSequence          -1
        0x00, 0x00, 0x00, 0x03,                         // 57 RecordsCount          3
        // 61..130 one gzip member (header with mtime, deflate data, CRC-32, ISIZE)
        0x1F, 0x8B, 0x08, 0x00, 0x29, 0xA8, 0x02, 0x6B, 0x02, 0xFF, 0xDB, 0xC4, 0xC8, 0xC0, 0xC0, 0xC0,
        0x92, 0x6D, 0xB0, 0x80, 0xB1, 0xA4, 0x28, 0x33, 0xA9, 0xB4, 0x24, 0xB1, 0xA8, 0x52, 0x81, 0x3A,
        0x2C, 0x86, 0x5D, 0x8C, 0x0C, 0x22, 0x4C, 0x2C, 0xD9, 0x86, 0xD4, 0x37, 0x9A, 0x89, 0x29, 0x8F,
        0x89, 0x71, 0x13, 0x23, 0x83, 0x06, 0x0B, 0x4B, 0xB6, 0x11, 0x0D, 0x5C, 0x0E, 0x00, 0x8F, 0xF9,
        0x05, 0x08, 0x15, 0x01, 0x00, 0x00,
    ];

    private static readonly TestRecord[] GzippedRecords =
    [
        .. Enumerable.Range(0, 3).Select(i => new TestRecord(
            BaseTimestamp + (10 * i),
            Encoding.ASCII.GetBytes($"k{i}"),
            Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("tributary ", 8))),
            i == 1 ? [new RecordHeader("n", [(byte)i])] : [])),
    ];

    private static readonly BatchOptions UncompressedOptions = new()
    {
        PartitionLeaderEpoch = 0, // kafka-python writes 0; the broker assigns the real epoch
        ProducerId = 1234,
        ProducerEpoch = 5,
        BaseSequence = 10,
    };

    [Fact]
    public void BuilderProducesExactlyTheGoldenBytes()
    {
        var built = Build(BaseTimestamp, UncompressedRecords, UncompressedOptions);
        Assert.Equal(Convert.ToHexString(Uncompressed), Convert.ToHexString(built));
    }

    [Fact]
    public void BuilderWritesTheSameBytesThroughWriteToAndAfterClear()
    {
        using var builder = new RecordBatchBuilder(42);
        builder.Append(43, "junk"u8, "junk"u8);
        builder.Clear(BaseTimestamp);
        Assert.Equal(0, builder.Count);
        Assert.Equal(0, builder.RecordsSize);
        foreach (var record in UncompressedRecords)
        {
            builder.Append(record.Timestamp, record.Key, record.Value, record.Key is not null, record.Value is not null, record.Headers);
        }
        Assert.Equal(2, builder.Count);
        Assert.Equal(Uncompressed.Length - RecordBatchLayout.HeaderSize, builder.RecordsSize);

        using var destination = new PooledBufferWriter(16);
        destination.Write([0xEE]); // WriteTo appends after what is already there
        var written = builder.WriteTo(destination, UncompressedOptions);
        Assert.Equal(Uncompressed.Length, written);
        Assert.Equal(Uncompressed, destination.WrittenSpan[1..].ToArray());
    }

    [Fact]
    public void AccessorsReadEveryHeaderField()
    {
        ReadOnlySpan<byte> batch = Uncompressed;
        Assert.Equal(0, RecordBatch.BaseOffset(batch));
        Assert.Equal(80, RecordBatch.BatchLength(batch));
        Assert.Equal(92, RecordBatch.TotalSize(batch));
        Assert.Equal(0, RecordBatch.PartitionLeaderEpoch(batch));
        Assert.Equal(2, RecordBatch.Magic(batch));
        Assert.Equal(0xF17529FAu, RecordBatch.Crc(batch));
        Assert.Equal(0xF17529FAu, RecordBatch.ComputeCrc(batch));
        Assert.Equal(0, RecordBatch.Attributes(batch));
        Assert.Equal(CompressionCodec.None, RecordBatch.Codec(batch));
        Assert.False(RecordBatch.IsControl(batch));
        Assert.False(RecordBatch.IsTransactional(batch));
        Assert.False(RecordBatch.IsLogAppendTime(batch));
        Assert.Equal(1, RecordBatch.LastOffsetDelta(batch));
        Assert.Equal(1, RecordBatch.LastOffset(batch));
        Assert.Equal(2, RecordBatch.NextOffset(batch));
        Assert.Equal(BaseTimestamp, RecordBatch.BaseTimestamp(batch));
        Assert.Equal(BaseTimestamp + 5, RecordBatch.MaxTimestamp(batch));
        Assert.Equal(1234, RecordBatch.ProducerId(batch));
        Assert.Equal(5, RecordBatch.ProducerEpoch(batch));
        Assert.Equal(10, RecordBatch.BaseSequence(batch));
        Assert.Equal(2, RecordBatch.RecordsCount(batch));

        ReadOnlySpan<byte> gzipped = Gzipped;
        Assert.Equal(CompressionCodec.Gzip, RecordBatch.Codec(gzipped));
        Assert.Equal(131, RecordBatch.TotalSize(gzipped));
        Assert.Equal(-1, RecordBatch.ProducerId(gzipped));
        Assert.Equal(-1, RecordBatch.ProducerEpoch(gzipped));
        Assert.Equal(-1, RecordBatch.BaseSequence(gzipped));
        Assert.Equal(BaseTimestamp + 20, RecordBatch.MaxTimestamp(gzipped));
    }

    [Fact]
    public void SettersRewriteOnlyTheFieldsOutsideTheCrc()
    {
        var batch = Uncompressed.ToArray();
        RecordBatch.SetBaseOffset(batch, 1_000_000_007);
        RecordBatch.SetPartitionLeaderEpoch(batch, 17);
        Assert.Equal(1_000_000_007, RecordBatch.BaseOffset(batch));
        Assert.Equal(1_000_000_008, RecordBatch.LastOffset(batch));
        Assert.Equal(1_000_000_009, RecordBatch.NextOffset(batch));
        Assert.Equal(17, RecordBatch.PartitionLeaderEpoch(batch));
        Assert.Equal(Uncompressed[RecordBatchLayout.MagicOffset..], batch[RecordBatchLayout.MagicOffset..]);
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
        AssertRecords(UncompressedRecords, ReadAll(batch), baseOffset: 1_000_000_007);
    }

    [Fact]
    public void ReaderYieldsBothRecords()
    {
        var records = ReadAll(Uncompressed);
        AssertRecords(UncompressedRecords, records);

        Assert.Equal(Uncompressed[61..80], records[0].Raw);
        Assert.Equal(0, records[0].TimestampDelta);
        Assert.Equal("key"u8.ToArray(), records[0].Key);
        Assert.Equal("value"u8.ToArray(), records[0].Value);
        Assert.Equal("h"u8.ToArray(), Assert.Single(records[0].Headers).Key);
        Assert.Equal("v"u8.ToArray(), records[0].Headers[0].Value);

        Assert.Equal(Uncompressed[80..], records[1].Raw);
        Assert.Equal(5, records[1].TimestampDelta);
        Assert.Equal(1, records[1].OffsetDelta);
        Assert.Null(records[1].Key);
        Assert.Equal("world"u8.ToArray(), records[1].Value);
        Assert.Empty(records[1].Headers);
    }

    [Fact]
    public void ReaderExposesTheRawRecordViews()
    {
        var reader = new RecordReader(Uncompressed.AsSpan(RecordBatchLayout.RecordsOffset), 2);
        Assert.Equal(31, reader.RemainingBytes);
        Assert.True(reader.TryReadNext(out var first));
        Assert.True(first.HasKey);
        Assert.True(first.HasValue);
        Assert.Equal(1, first.HeaderCount);
        Assert.Equal(new byte[] { 0x02, 0x68, 0x02, 0x76 }, first.Headers.ToArray());
        Assert.Equal(12, reader.RemainingBytes);
        Assert.True(reader.TryReadNext(out var second));
        Assert.False(second.HasKey);
        Assert.True(second.Key.IsEmpty);
        Assert.Equal(0, second.HeaderCount);
        Assert.True(second.Headers.IsEmpty);
        Assert.Equal(0, reader.RemainingBytes);
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void ValidatorAcceptsTheGoldenBatches()
    {
        foreach (var batch in new[] { Uncompressed, Gzipped })
        {
            Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Client));
            Assert.Equal(BatchError.None, RecordBatchValidator.Validate(batch, BatchOrigin.Internal));
            Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(batch, BatchOrigin.Client, out var size));
            Assert.Equal(batch.Length, size);
        }
    }

    [Fact]
    public void KafkaPythonGzipBatchDecodes()
    {
        AssertRecords(GzippedRecords, ReadAll(Gzipped));

        // The decompressed records section is byte for byte what our builder writes uncompressed.
        using var scratch = new PooledBufferWriter();
        var decoded = BatchRecords.Decode(Gzipped, scratch).ToArray();
        var ours = Build(BaseTimestamp, GzippedRecords, new BatchOptions { PartitionLeaderEpoch = 0 });
        Assert.Equal(ours[RecordBatchLayout.RecordsOffset..], decoded);

        // And the header matches ours except for the fields that depend on the compressed bytes.
        var oursGzip = Build(BaseTimestamp, GzippedRecords, new BatchOptions { PartitionLeaderEpoch = 0, Codec = CompressionCodec.Gzip });
        Assert.Equal(Gzipped[..RecordBatchLayout.BatchLengthOffset], oursGzip[..RecordBatchLayout.BatchLengthOffset]);
        Assert.Equal(
            Gzipped[RecordBatchLayout.PartitionLeaderEpochOffset..RecordBatchLayout.CrcOffset],
            oursGzip[RecordBatchLayout.PartitionLeaderEpochOffset..RecordBatchLayout.CrcOffset]);
        Assert.Equal(
            Gzipped[RecordBatchLayout.AttributesOffset..RecordBatchLayout.RecordsOffset],
            oursGzip[RecordBatchLayout.AttributesOffset..RecordBatchLayout.RecordsOffset]);
        Assert.Equal(BatchError.None, RecordBatchValidator.Validate(oursGzip, BatchOrigin.Client));
        AssertRecords(GzippedRecords, ReadAll(oursGzip));
    }

    /// <summary>Golden inputs for other tests (fuzz seeds).</summary>
    internal static IEnumerable<byte[]> Batches => [Uncompressed.ToArray(), Gzipped.ToArray()];
}
