using System.Buffers.Binary;
using Tributary.Formats.Parquet.Encodings;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using ParquetCodec = Tributary.Formats.Parquet.Metadata.CompressionCodec;
using ParquetEncoding = Tributary.Formats.Parquet.Metadata.Encoding;
using ProtocolCodec = Tributary.Protocol.Compression.CompressionCodec;

namespace Tributary.Formats.Parquet.Reader;

/// <summary>The decoded entries of one column chunk: levels per entry and the defined values (physical types, boxed).</summary>
public sealed class ColumnData
{
    public required PrimitiveNode Column { get; init; }
    public required byte[] Repetitions { get; init; }
    public required byte[] Definitions { get; init; }
    /// <summary>Defined values in order: bool, int, long, float, double or byte[].</summary>
    public required List<object> Values { get; init; }
    /// <summary>Encodings met in the chunk's data pages, and the page types, in order.</summary>
    public required List<(PageType Type, ParquetEncoding Encoding)> Pages { get; init; }
}

/// <summary>
/// Reads Parquet files: the footer, the schema, column chunks (every encoding and codec Tributary
/// writes, plus PLAIN_DICTIONARY, BYTE_STREAM_SPLIT, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY, which
/// other writers such as DuckDB use) and whole rows assembled from the levels. Meant for tests and the
/// <c>tributary parquet</c> command, not for bulk scans: values are boxed.
/// Not thread-safe (one stream position).
/// </summary>
public sealed class ParquetReader : IDisposable
{
    /// <summary>A footer larger than this is refused as corrupt (real footers are kilobytes to a few megabytes).</summary>
    public const int MaxFooterBytes = 256 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public ParquetReader(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        if (!stream.CanSeek)
        {
            throw new ArgumentException("A Parquet reader needs a seekable stream.", nameof(stream));
        }
        if (stream.Length < 12)
        {
            throw new ParquetFormatException("Not a Parquet file: shorter than 12 bytes.");
        }
        Span<byte> head = stackalloc byte[4];
        stream.Position = 0;
        stream.ReadExactly(head);
        Span<byte> tail = stackalloc byte[8];
        stream.Position = stream.Length - 8;
        stream.ReadExactly(tail);
        if (!head.SequenceEqual("PAR1"u8) || !tail[4..].SequenceEqual("PAR1"u8))
        {
            throw new ParquetFormatException("Not a Parquet file: the PAR1 magic is missing at the start or the end (an incomplete write leaves no footer).");
        }
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > stream.Length - 12 || footerLength > MaxFooterBytes)
        {
            throw new ParquetFormatException($"Invalid footer length {footerLength}.");
        }
        var footer = new byte[footerLength];
        stream.Position = stream.Length - 8 - footerLength;
        stream.ReadExactly(footer);
        Metadata = MetadataCodec.ReadFileMetadata(footer);
        Schema = ParquetSchema.FromElements(Metadata.Schema);
        foreach (var rowGroup in Metadata.RowGroups)
        {
            if (rowGroup.Columns.Count != Schema.Columns.Count)
            {
                throw new ParquetFormatException($"A row group has {rowGroup.Columns.Count} column chunks; the schema has {Schema.Columns.Count} columns.");
            }
        }
    }

    public static ParquetReader Open(string path) => new(File.OpenRead(path));

    public FileMetadata Metadata { get; }

    public ParquetSchema Schema { get; }

    /// <summary>Every row of the file, assembled into nested values (see <see cref="RowAssembler"/>).</summary>
    public IEnumerable<Dictionary<string, object?>> ReadRows()
    {
        for (var g = 0; g < Metadata.RowGroups.Count; g++)
        {
            var columns = new ColumnData[Schema.Columns.Count];
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c] = ReadColumn(g, c);
            }
            var assembler = new RowAssembler(Schema, columns);
            for (var r = 0; r < Metadata.RowGroups[g].NumRows; r++)
            {
                yield return assembler.NextRow();
            }
        }
    }

    /// <summary>Decodes one column chunk. Corrupt data of any kind surfaces as <see cref="ParquetFormatException"/> naming the column.</summary>
    public ColumnData ReadColumn(int rowGroup, int columnIndex)
    {
        try
        {
            return ReadColumnUnchecked(rowGroup, columnIndex);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidCastException or OverflowException or OutOfMemoryException or EndOfStreamException)
        {
            throw new ParquetFormatException($"Column '{Schema.Columns[columnIndex].Path}' in row group {rowGroup} is corrupt ({e.Message}).", e);
        }
    }

    private ColumnData ReadColumnUnchecked(int rowGroup, int columnIndex)
    {
        var node = Schema.Columns[columnIndex];
        var meta = Metadata.RowGroups[rowGroup].Columns[columnIndex].MetaData;
        var path = node.Path;
        var start = meta.DictionaryPageOffset is { } d && d > 0 ? Math.Min(d, meta.DataPageOffset) : meta.DataPageOffset;
        if (start < 4 || meta.TotalCompressedSize < 0 || start + meta.TotalCompressedSize > _stream.Length - 8 || meta.TotalCompressedSize > int.MaxValue)
        {
            throw new ParquetFormatException($"Column '{path}': chunk range is outside the file.");
        }
        var chunk = new byte[meta.TotalCompressedSize];
        _stream.Position = start;
        _stream.ReadExactly(chunk);
        var codec = meta.Codec switch
        {
            ParquetCodec.Uncompressed => ProtocolCodec.None,
            ParquetCodec.Snappy => ProtocolCodec.Snappy,
            ParquetCodec.Gzip => ProtocolCodec.Gzip,
            ParquetCodec.Zstd => ProtocolCodec.Zstd,
            _ => throw new ParquetFormatException($"Column '{path}': codec {meta.Codec} is not supported."),
        };
        var repetitions = new List<byte>();
        var definitions = new List<byte>();
        var values = new List<object>();
        var pages = new List<(PageType, ParquetEncoding)>();
        List<object>? dictionary = null;
        var position = 0;
        long entries = 0;
        while (entries < meta.NumValues)
        {
            if (position >= chunk.Length)
            {
                throw new ParquetFormatException($"Column '{path}': chunk ends after {entries} of {meta.NumValues} values.");
            }
            var header = MetadataCodec.ReadPageHeader(chunk.AsSpan(position), out var headerLength);
            position += headerLength;
            if (header.CompressedPageSize < 0 || header.CompressedPageSize > chunk.Length - position || header.UncompressedPageSize < 0)
            {
                throw new ParquetFormatException($"Column '{path}': page runs past the chunk.");
            }
            var body = chunk.AsSpan(position, header.CompressedPageSize);
            position += header.CompressedPageSize;
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    {
                        var dictionaryHeader = header.DictionaryPageHeader ?? throw new ParquetFormatException($"Column '{path}': dictionary page without its header.");
                        var data = Decompress(codec, body, header.UncompressedPageSize, path);
                        dictionary = [];
                        var offset = 0;
                        DecodePlain(node, data, ref offset, dictionaryHeader.NumValues, dictionary);
                        pages.Add((PageType.DictionaryPage, dictionaryHeader.Encoding));
                        break;
                    }
                case PageType.DataPage:
                    {
                        var v1 = header.DataPageHeader ?? throw new ParquetFormatException($"Column '{path}': data page without its header.");
                        var data = Decompress(codec, body, header.UncompressedPageSize, path);
                        var offset = 0;
                        var count = v1.NumValues;
                        ReadLevels(data, ref offset, count, node.RepetitionLevel, repetitions, prefixed: true, path);
                        var defined = ReadLevels(data, ref offset, count, node.DefinitionLevel, definitions, prefixed: true, path, countDefined: true);
                        DecodeValues(node, v1.Encoding, data[offset..], defined, dictionary, values);
                        pages.Add((PageType.DataPage, v1.Encoding));
                        entries += count;
                        break;
                    }
                case PageType.DataPageV2:
                    {
                        var v2 = header.DataPageHeaderV2 ?? throw new ParquetFormatException($"Column '{path}': data page v2 without its header.");
                        var levelsLength = v2.RepetitionLevelsByteLength + v2.DefinitionLevelsByteLength;
                        if (v2.RepetitionLevelsByteLength < 0 || v2.DefinitionLevelsByteLength < 0 || levelsLength > body.Length)
                        {
                            throw new ParquetFormatException($"Column '{path}': level lengths exceed the page.");
                        }
                        var count = v2.NumValues;
                        var offset = 0;
                        ReadLevels(body[..v2.RepetitionLevelsByteLength], ref offset, count, node.RepetitionLevel, repetitions, prefixed: false, path);
                        offset = 0;
                        var defined = ReadLevels(body.Slice(v2.RepetitionLevelsByteLength, v2.DefinitionLevelsByteLength), ref offset, count, node.DefinitionLevel, definitions, prefixed: false, path, countDefined: true);
                        var valueBytes = body[levelsLength..];
                        var data = v2.IsCompressed && codec != ProtocolCodec.None
                            ? Decompress(codec, valueBytes, header.UncompressedPageSize - levelsLength, path)
                            : valueBytes.ToArray();
                        DecodeValues(node, v2.Encoding, data, defined, dictionary, values);
                        pages.Add((PageType.DataPageV2, v2.Encoding));
                        entries += count;
                        break;
                    }
                default:
                    break;
            }
        }
        return new ColumnData
        {
            Column = node,
            Repetitions = [.. repetitions],
            Definitions = [.. definitions],
            Values = values,
            Pages = pages,
        };
    }

    private static byte[] Decompress(ProtocolCodec codec, ReadOnlySpan<byte> data, int uncompressedSize, string path)
    {
        if (codec == ProtocolCodec.None)
        {
            return data.ToArray();
        }
        using var output = new GrowableBuffer(Math.Max(16, uncompressedSize));
        try
        {
            Protocol.Compression.BatchCompression.Decompress(codec, data, output, Math.Max(uncompressedSize, 0));
        }
        catch (Protocol.Compression.CompressionException e)
        {
            throw new ParquetFormatException($"Column '{path}': page does not decompress ({e.Message}).", e);
        }
        if (output.Length != uncompressedSize)
        {
            throw new ParquetFormatException($"Column '{path}': page decompresses to {output.Length} bytes, header says {uncompressedSize}.");
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads <paramref name="count"/> levels (all zero when the max level is 0); returns how many equal the max.</summary>
    private static int ReadLevels(ReadOnlySpan<byte> data, ref int offset, int count, int maxLevel, List<byte> output, bool prefixed, string path, bool countDefined = false)
    {
        if (maxLevel == 0)
        {
            for (var i = 0; i < count; i++)
            {
                output.Add(0);
            }
            return count;
        }
        var length = data.Length - offset;
        if (prefixed)
        {
            if (data.Length - offset < 4)
            {
                throw new ParquetFormatException($"Column '{path}': levels are truncated.");
            }
            length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            offset += 4;
            if (length < 0 || length > data.Length - offset)
            {
                throw new ParquetFormatException($"Column '{path}': level length runs past the page.");
            }
        }
        var decoder = new RleHybridDecoder(data.Slice(offset, length), BitPacking.BitWidth((ulong)maxLevel));
        var defined = 0;
        for (var i = 0; i < count; i++)
        {
            var level = decoder.Next();
            if (level > (ulong)maxLevel)
            {
                throw new ParquetFormatException($"Column '{path}': level {level} exceeds the maximum {maxLevel}.");
            }
            output.Add((byte)level);
            if (level == (ulong)maxLevel)
            {
                defined++;
            }
        }
        offset += length;
        return countDefined ? defined : count;
    }

    private static void DecodeValues(PrimitiveNode node, ParquetEncoding encoding, ReadOnlySpan<byte> data, int count, List<object>? dictionary, List<object> output)
    {
        var path = node.Path;
        switch (encoding)
        {
            case ParquetEncoding.Plain:
                {
                    var offset = 0;
                    DecodePlain(node, data, ref offset, count, output);
                    break;
                }
            case ParquetEncoding.RleDictionary or ParquetEncoding.PlainDictionary:
                {
                    if (dictionary is null)
                    {
                        throw new ParquetFormatException($"Column '{path}': dictionary-encoded page without a dictionary page.");
                    }
                    if (count == 0)
                    {
                        break;
                    }
                    if (data.Length < 1)
                    {
                        throw new ParquetFormatException($"Column '{path}': dictionary indices are missing.");
                    }
                    var decoder = new RleHybridDecoder(data[1..], data[0]);
                    for (var i = 0; i < count; i++)
                    {
                        var index = decoder.Next();
                        if (index >= (ulong)dictionary.Count)
                        {
                            throw new ParquetFormatException($"Column '{path}': dictionary index {index} is out of range ({dictionary.Count} entries).");
                        }
                        output.Add(dictionary[(int)index]);
                    }
                    break;
                }
            case ParquetEncoding.Rle when node.Type == PhysicalType.Boolean:
                {
                    if (data.Length < 4)
                    {
                        throw new ParquetFormatException($"Column '{path}': RLE booleans are truncated.");
                    }
                    var length = BinaryPrimitives.ReadInt32LittleEndian(data);
                    if (length < 0 || length > data.Length - 4)
                    {
                        throw new ParquetFormatException($"Column '{path}': RLE boolean length runs past the page.");
                    }
                    var decoder = new RleHybridDecoder(data.Slice(4, length), 1);
                    for (var i = 0; i < count; i++)
                    {
                        output.Add(decoder.Next() != 0);
                    }
                    break;
                }
            case ParquetEncoding.DeltaBinaryPacked when node.Type is PhysicalType.Int32 or PhysicalType.Int64:
                {
                    var decoded = DeltaBinaryPackedDecoder.Decode(data, node.Type == PhysicalType.Int32, out _);
                    if (decoded.Length < count)
                    {
                        throw new ParquetFormatException($"Column '{path}': delta encoding holds {decoded.Length} values, page needs {count}.");
                    }
                    for (var i = 0; i < count; i++)
                    {
                        output.Add(node.Type == PhysicalType.Int32 ? (object)(int)decoded[i] : decoded[i]);
                    }
                    break;
                }
            case ParquetEncoding.ByteStreamSplit when node.Type is PhysicalType.Float or PhysicalType.Double or PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.FixedLenByteArray:
                {
                    // K byte streams of N bytes: byte j of value i is at j * N + i.
                    var width = node.Type switch
                    {
                        PhysicalType.Float or PhysicalType.Int32 => 4,
                        PhysicalType.Double or PhysicalType.Int64 => 8,
                        _ => node.TypeLength,
                    };
                    if ((long)width * count > data.Length)
                    {
                        throw new ParquetFormatException($"Column '{path}': BYTE_STREAM_SPLIT data is truncated.");
                    }
                    var gathered = new byte[width * count];
                    for (var i = 0; i < count; i++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            gathered[(i * width) + j] = data[(j * count) + i];
                        }
                    }
                    var offset = 0;
                    DecodePlain(node, gathered, ref offset, count, output);
                    break;
                }
            case ParquetEncoding.DeltaLengthByteArray when node.Type == PhysicalType.ByteArray:
                {
                    var lengths = DeltaBinaryPackedDecoder.Decode(data, is32Bit: true, out var consumed);
                    ReadConcatenated(path, lengths, data[consumed..], count, output, prefixes: null);
                    break;
                }
            case ParquetEncoding.DeltaByteArray when node.Type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray:
                {
                    // Prefix lengths (shared with the previous value), then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
                    var prefixes = DeltaBinaryPackedDecoder.Decode(data, is32Bit: true, out var consumed);
                    var suffixLengths = DeltaBinaryPackedDecoder.Decode(data[consumed..], is32Bit: true, out var consumedLengths);
                    ReadConcatenated(path, suffixLengths, data[(consumed + consumedLengths)..], count, output, prefixes);
                    break;
                }
            default:
                throw new ParquetFormatException($"Column '{path}': encoding {encoding} is not supported for {node.Type}.");
        }
    }

    private static void ReadConcatenated(string path, long[] lengths, ReadOnlySpan<byte> data, int count, List<object> output, long[]? prefixes)
    {
        if (lengths.Length < count || (prefixes is not null && prefixes.Length < count))
        {
            throw new ParquetFormatException($"Column '{path}': delta byte array holds fewer values than the page.");
        }
        var offset = 0;
        byte[] previous = [];
        for (var i = 0; i < count; i++)
        {
            var length = lengths[i];
            var prefix = prefixes?[i] ?? 0;
            if (length < 0 || length > data.Length - offset || prefix < 0 || prefix > previous.Length)
            {
                throw new ParquetFormatException($"Column '{path}': delta byte array lengths run past the page.");
            }
            var value = new byte[prefix + length];
            previous.AsSpan(0, (int)prefix).CopyTo(value);
            data.Slice(offset, (int)length).CopyTo(value.AsSpan((int)prefix));
            offset += (int)length;
            output.Add(value);
            previous = value;
        }
    }

    private static void DecodePlain(PrimitiveNode node, ReadOnlySpan<byte> data, ref int offset, int count, List<object> output)
    {
        var path = node.Path;
        var length = data.Length;
        void Need(int bytes, int offset)
        {
            if (bytes > length - offset)
            {
                throw new ParquetFormatException($"Column '{path}': PLAIN values are truncated.");
            }
        }
        switch (node.Type)
        {
            case PhysicalType.Boolean:
                Need((count + 7) / 8, offset);
                for (var i = 0; i < count; i++)
                {
                    output.Add((data[offset + (i >> 3)] & (1 << (i & 7))) != 0);
                }
                offset += (count + 7) / 8;
                break;
            case PhysicalType.Int32:
                Need(count * 4, offset);
                for (var i = 0; i < count; i++, offset += 4)
                {
                    output.Add(BinaryPrimitives.ReadInt32LittleEndian(data[offset..]));
                }
                break;
            case PhysicalType.Int64:
                Need(count * 8, offset);
                for (var i = 0; i < count; i++, offset += 8)
                {
                    output.Add(BinaryPrimitives.ReadInt64LittleEndian(data[offset..]));
                }
                break;
            case PhysicalType.Float:
                Need(count * 4, offset);
                for (var i = 0; i < count; i++, offset += 4)
                {
                    output.Add(BinaryPrimitives.ReadSingleLittleEndian(data[offset..]));
                }
                break;
            case PhysicalType.Double:
                Need(count * 8, offset);
                for (var i = 0; i < count; i++, offset += 8)
                {
                    output.Add(BinaryPrimitives.ReadDoubleLittleEndian(data[offset..]));
                }
                break;
            case PhysicalType.ByteArray:
                for (var i = 0; i < count; i++)
                {
                    Need(4, offset);
                    var itemLength = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
                    offset += 4;
                    if (itemLength < 0)
                    {
                        throw new ParquetFormatException($"Column '{path}': negative byte array length.");
                    }
                    Need(itemLength, offset);
                    output.Add(data.Slice(offset, itemLength).ToArray());
                    offset += itemLength;
                }
                break;
            case PhysicalType.FixedLenByteArray:
                Need(count * node.TypeLength, offset);
                for (var i = 0; i < count; i++, offset += node.TypeLength)
                {
                    output.Add(data.Slice(offset, node.TypeLength).ToArray());
                }
                break;
            default:
                throw new ParquetFormatException($"Column '{path}': physical type {node.Type} is not supported.");
        }
    }

    /// <summary>Decodes a statistics min/max value of <paramref name="column"/> to its logical .NET value.</summary>
    public static object? DecodeStatistic(PrimitiveNode column, byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }
        object physical = column.Type switch
        {
            PhysicalType.Boolean => bytes[0] != 0,
            PhysicalType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            PhysicalType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            PhysicalType.Float => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            PhysicalType.Double => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            _ => bytes,
        };
        return RowAssembler.ToLogical(column, physical);
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    internal static string Utf8(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
