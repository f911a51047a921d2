using Tributary.Formats.Parquet.Encodings;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Thrift;

namespace Tributary.Formats.Tests;

public sealed class ThriftAndEncodingTests
{
    [Fact]
    public void Compact_protocol_field_headers_varints_and_lists_follow_the_spec()
    {
        using var buffer = new GrowableBuffer();
        var w = new CompactProtocolWriter(buffer);
        w.BeginStruct();
        w.WriteI32Field(1, 2);        // short form: delta 1, type i32 (5) → 0x15, zigzag(2) = 4
        w.WriteI64Field(3, -1);       // delta 2, type i64 (6) → 0x26, zigzag(-1) = 1
        w.WriteBoolField(4, true);    // delta 1, BOOLEAN_TRUE (1) → 0x11
        w.WriteStringField(40, "hé"); // delta 36 > 15: long form 0x08, zigzag(40) = 80, length 3, UTF-8
        w.BeginListField(41, CompactType.I32, 16); // 16 elements: 0xF5 then varint 16
        for (var i = 0; i < 16; i++)
        {
            w.WriteI32(-64); // zigzag(-64) = 127
        }
        w.WriteI32Field(42, 300);     // zigzag 600 = 0xD8 0x04
        w.EndStruct();
        var expected = "1504" + "2601" + "11" + "0850" + "0368c3a9" + "19f510" + string.Concat(Enumerable.Repeat("7f", 16)) + "15d804" + "00";
        Assert.Equal(expected, Convert.ToHexStringLower(buffer.WrittenSpan));

        Span<short> stack = stackalloc short[CompactProtocolReader.MaxDepth];
        var r = new CompactProtocolReader(buffer.WrittenSpan, stack);
        r.BeginStruct();
        Assert.True(r.ReadFieldHeader(out var id, out var type));
        Assert.Equal((1, CompactType.I32, 2), (id, type, r.ReadI32()));
        Assert.True(r.ReadFieldHeader(out id, out type));
        Assert.Equal((3, CompactType.I64, -1L), (id, type, r.ReadI64()));
        Assert.True(r.ReadFieldHeader(out id, out _));
        Assert.Equal((4, true), (id, r.ReadBool()));
        Assert.True(r.ReadFieldHeader(out id, out _));
        Assert.Equal((40, "hé"), (id, r.ReadString()));
        Assert.True(r.ReadFieldHeader(out id, out type));
        Assert.Equal(41, id);
        r.Skip(type);                 // unknown fields are skipped whole
        Assert.True(r.ReadFieldHeader(out id, out _));
        Assert.Equal((42, 300), (id, r.ReadI32()));
        Assert.False(r.ReadFieldHeader(out _, out _));
    }

    [Fact]
    public void Truncated_or_hostile_thrift_fails_with_a_parquet_error()
    {
        var random = new Random(1);
        using var buffer = new GrowableBuffer();
        MetadataCodec.WritePageHeader(new PageHeader { Type = PageType.DataPage, UncompressedPageSize = 10, CompressedPageSize = 10, DataPageHeader = new DataPageHeader { NumValues = 3, Statistics = new Statistics { NullCount = 1, MinValue = [1], MaxValue = [2] } } }, buffer);
        var bytes = buffer.WrittenSpan.ToArray();
        var header = MetadataCodec.ReadPageHeader(bytes, out var length);
        Assert.Equal(bytes.Length, length);
        Assert.Equal(3, header.DataPageHeader!.NumValues);
        Assert.Equal([2], header.DataPageHeader.Statistics!.MaxValue);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Throws<ParquetFormatException>(() => MetadataCodec.ReadPageHeader(bytes[..cut], out _));
        }
        for (var trial = 0; trial < 2000; trial++)
        {
            var junk = AllTypes.RandomBytes(random, random.Next(1, 64));
            try
            {
                MetadataCodec.ReadFileMetadata(junk);
            }
            catch (ParquetFormatException)
            {
            }
        }
        // Deep nesting is refused, not a stack overflow.
        var deep = Enumerable.Repeat((byte)0x1C, 10_000).ToArray();
        Assert.Throws<ParquetFormatException>(() => MetadataCodec.ReadFileMetadata(deep));
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(3, 17)]
    [InlineData(8, 5000)]
    [InlineData(20, 999)]
    public void Rle_hybrid_round_trips_runs_and_noise(int bitWidth, int count)
    {
        var random = new Random(bitWidth * count);
        var values = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.Next(3) == 0 ? 1UL : (ulong)random.NextInt64(0, 1L << bitWidth);
            if (i > 0 && random.Next(4) == 0)
            {
                values[i] = values[i - 1];
            }
        }
        using var buffer = new GrowableBuffer();
        var encoder = new RleHybridEncoder();
        encoder.Begin(buffer, bitWidth);
        foreach (var value in values)
        {
            encoder.Add(value);
        }
        encoder.End();
        var decoded = new ulong[count];
        new RleHybridDecoder(buffer.WrittenSpan, bitWidth).Read(decoded);
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Delta_binary_packed_round_trips_extremes_in_both_widths()
    {
        var random = new Random(4);
        var int64 = new long[] { long.MinValue, long.MaxValue, 0, -1, 1, long.MaxValue, long.MinValue }.Concat(Enumerable.Range(0, 500).Select(_ => random.NextInt64())).ToArray();
        var int32 = new long[] { int.MinValue, int.MaxValue, 0, int.MinValue }.Concat(Enumerable.Range(0, 300).Select(i => (long)(i * 7))).ToArray();
        var encoder = new DeltaBinaryPackedEncoder();
        foreach (var (values, is32) in new[] { (int64, false), (int32, true), (new long[] { 5 }, false), (Array.Empty<long>(), true) })
        {
            using var buffer = new GrowableBuffer();
            encoder.Encode(values, is32, buffer);
            var decoded = DeltaBinaryPackedDecoder.Decode(buffer.WrittenSpan, is32, out var consumed);
            Assert.Equal(values, decoded);
            Assert.Equal(buffer.Length, consumed);
        }
    }

    [Fact]
    public void Enumerations_written_into_files_keep_their_values()
    {
        // These numbers are parquet.thrift's; files written today must read the same tomorrow.
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Enum.GetValues<PhysicalType>().Select(v => (int)v));
        Assert.Equal([0, 2, 3, 4, 5, 6, 7, 8, 9], Enum.GetValues<Encoding>().Select(v => (int)v));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], Enum.GetValues<CompressionCodec>().Select(v => (int)v));
        Assert.Equal([0, 1, 2, 3], Enum.GetValues<PageType>().Select(v => (int)v));
        Assert.Equal([0, 1, 2], Enum.GetValues<Repetition>().Select(v => (int)v));
        Assert.Equal(Enumerable.Range(0, 22), Enum.GetValues<ConvertedType>().Select(v => (int)v));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15], Enum.GetValues<LogicalTypeKind>().Select(v => (int)v));
        Assert.Equal([1, 2, 3], Enum.GetValues<TimeUnit>().Select(v => (int)v));
    }
}
