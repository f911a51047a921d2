using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Tributary.Formats.Parquet.Encodings;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using ParquetEncoding = Tributary.Formats.Parquet.Metadata.Encoding;
using ProtocolCodec = Tributary.Protocol.Compression.CompressionCodec;

namespace Tributary.Formats.Parquet.Writer;

/// <summary>
/// Buffers one leaf column of the current row group — levels and physical values — and encodes it
/// into a column chunk when the row group is flushed. Buffering the whole chunk lets the encoder choose
/// per page with full knowledge (dictionary or not, delta or plain) and lets a rejected record be undone
/// by truncation (<see cref="Mark"/> / <see cref="Rollback"/>). Memory is bounded by the row group size.
/// Values arrive already converted to the physical type: INT32, INT64 and BOOLEAN as <c>long</c>,
/// FLOAT and DOUBLE as <c>double</c>, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY as bytes.
/// Not thread-safe: owned by one <see cref="ParquetWriter"/>.
/// <para>The encoding methods run once per page or chunk, so tiered compilation would leave their
/// loops unoptimised for a long time; they are marked AggressiveOptimization.</para>
/// </summary>
public sealed class ColumnWriter : IDisposable
{
    private readonly ParquetWriterOptions _options;
    private readonly PrimitiveNode _node;
    private readonly int _maxDefinition;
    private readonly int _maxRepetition;
    private readonly ValueKind _kind;
    private readonly ProtocolCodec _codec;

    private byte[] _definitions = new byte[1024];
    private byte[] _repetitions = new byte[1024];
    private int _entries;
    private long[] _longs = [];
    private double[] _doubles = [];
    private int[] _binaryEnds = [];
    private readonly GrowableBuffer _binary = new(1024);
    private int _values;

    // Encoding scratch, reused across pages and row groups.
    private readonly ValueDictionary _dictionary = new();
    private readonly RleHybridEncoder _rle = new();
    private readonly DeltaBinaryPackedEncoder _delta = new();
    private readonly GrowableBuffer _levels = new();
    private readonly GrowableBuffer _pageValues = new();
    private readonly GrowableBuffer _alternative = new();
    private readonly GrowableBuffer _pageBody = new();
    private readonly GrowableBuffer _compressed = new();
    private readonly GrowableBuffer _pages = new();
    private int[] _indices = [];
    private int[] _lastPageOfEntry = [];
    private int _pageNumber;

    internal ColumnWriter(PrimitiveNode node, ParquetWriterOptions options)
    {
        _node = node;
        _options = options;
        _maxDefinition = node.DefinitionLevel;
        _maxRepetition = node.RepetitionLevel;
        _kind = KindOf(node.Type);
        _codec = options.Compression switch
        {
            CompressionCodec.Snappy => ProtocolCodec.Snappy,
            CompressionCodec.Gzip => ProtocolCodec.Gzip,
            CompressionCodec.Zstd => ProtocolCodec.Zstd,
            _ => ProtocolCodec.None,
        };
        switch (_kind)
        {
            case ValueKind.Long:
                _longs = new long[1024];
                break;
            case ValueKind.Double:
                _doubles = new double[1024];
                break;
            default:
                _binaryEnds = new int[1024];
                break;
        }
    }

    private enum ValueKind
    {
        Long,
        Double,
        Bytes,
    }

    private static ValueKind KindOf(PhysicalType type) => type switch
    {
        PhysicalType.Boolean or PhysicalType.Int32 or PhysicalType.Int64 => ValueKind.Long,
        PhysicalType.Float or PhysicalType.Double => ValueKind.Double,
        PhysicalType.ByteArray or PhysicalType.FixedLenByteArray => ValueKind.Bytes,
        _ => throw new ParquetFormatException($"Physical type {type} cannot be written (INT96 is deprecated)."),
    };

    public PrimitiveNode Node => _node;

    /// <summary>Entries (levels) buffered in the current row group.</summary>
    public int EntryCount => _entries;

    /// <summary>Approximate bytes held for the current row group (levels and values).</summary>
    public long BufferedBytes => (_entries * 2L) + (_kind switch
    {
        ValueKind.Long => _values * 8L,
        ValueKind.Double => _values * 8L,
        _ => _binary.Length + (_values * 4L),
    });

    // ---------------------------------------------------------------- appending

    /// <summary>A null (or absent ancestor) at definition level <paramref name="definition"/> &lt; max.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddNull(int repetition, int definition)
    {
        AddLevels(repetition, definition);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLong(int repetition, long value)
    {
        AddLevels(repetition, _maxDefinition);
        if (_values == _longs.Length)
        {
            Array.Resize(ref _longs, _values * 2);
        }
        _longs[_values++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddDouble(int repetition, double value)
    {
        AddLevels(repetition, _maxDefinition);
        if (_values == _doubles.Length)
        {
            Array.Resize(ref _doubles, _values * 2);
        }
        _doubles[_values++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddBytes(int repetition, ReadOnlySpan<byte> value)
    {
        AddLevels(repetition, _maxDefinition);
        if (_values == _binaryEnds.Length)
        {
            Array.Resize(ref _binaryEnds, _values * 2);
        }
        _binary.Write(value);
        _binaryEnds[_values++] = _binary.Length;
    }

    /// <summary>Reserves <paramref name="maxLength"/> bytes for a value written in place; finish with <see cref="CommitBytes"/>.</summary>
    public Span<byte> BeginBytes(int maxLength) => _binary.GetSpan(maxLength);

    /// <summary>Completes a value of <paramref name="length"/> bytes written into the span from <see cref="BeginBytes"/>.</summary>
    public void CommitBytes(int repetition, int length)
    {
        AddLevels(repetition, _maxDefinition);
        if (_values == _binaryEnds.Length)
        {
            Array.Resize(ref _binaryEnds, _values * 2);
        }
        _binary.Advance(length);
        _binaryEnds[_values++] = _binary.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddLevels(int repetition, int definition)
    {
        if (_entries == _definitions.Length)
        {
            Array.Resize(ref _definitions, _entries * 2);
            Array.Resize(ref _repetitions, _entries * 2);
        }
        _definitions[_entries] = (byte)definition;
        _repetitions[_entries] = (byte)repetition;
        _entries++;
    }

    /// <summary>Where the column stands; <see cref="Rollback"/> returns to it (undoing a rejected record).</summary>
    public (int Entries, int Values, int BinaryLength) Mark() => (_entries, _values, _binary.Length);

    public void Rollback((int Entries, int Values, int BinaryLength) mark)
    {
        _entries = mark.Entries;
        _values = mark.Values;
        _binary.Truncate(mark.BinaryLength);
    }

    // ---------------------------------------------------------------- encoding

    private ReadOnlySpan<byte> BinaryValue(int index)
    {
        var start = index == 0 ? 0 : _binaryEnds[index - 1];
        return _binary.WrittenSpan[start.._binaryEnds[index]];
    }

    private int PlainSize(int index) => _kind switch
    {
        ValueKind.Bytes => _node.Type == PhysicalType.FixedLenByteArray ? _node.TypeLength : _binaryEnds[index] - (index == 0 ? 0 : _binaryEnds[index - 1]) + 4,
        _ => _node.Type switch
        {
            PhysicalType.Boolean => 1,
            PhysicalType.Int32 or PhysicalType.Float => 4,
            _ => 8,
        },
    };

    /// <summary>
    /// Encodes the buffered row group as one column chunk appended to <paramref name="output"/> (which is at
    /// file offset <paramref name="fileOffset"/>), returns its metadata and clears the buffers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal ColumnChunk Flush(GrowableBuffer output, long fileOffset)
    {
        var metadata = new ColumnMetaData
        {
            Type = _node.Type,
            Codec = _options.Compression,
            NumValues = _entries,
        };
        foreach (var name in _node.Path.Split('.'))
        {
            metadata.PathInSchema.Add(name);
        }
        var encodings = new SortedSet<ParquetEncoding>();
        var encodingCounts = new Dictionary<(PageType, ParquetEncoding), int>();
        var chunkStats = new StatsAccumulator(this);
        _pages.Clear();
        _dictionary.Clear();
        var useDictionary = _options.EnableDictionary && _node.Type != PhysicalType.Boolean && _values > 0;
        var dictionaryUsed = false;
        long uncompressedTotal = 0;
        var entry = 0;
        var value = 0;
        var firstPage = true;
        while (entry < _entries || firstPage)
        {
            // Cut a page at a row boundary once its values reach the page size.
            var pageEntryStart = entry;
            var pageValueStart = value;
            long bytes = 0;
            var rows = 0;
            while (entry < _entries)
            {
                if (_repetitions[entry] == 0)
                {
                    if (bytes >= _options.PageSizeBytes && entry > pageEntryStart)
                    {
                        break;
                    }
                    rows++;
                }
                if (_definitions[entry] == _maxDefinition)
                {
                    bytes += PlainSize(value);
                    value++;
                }
                bytes += 1;
                entry++;
            }
            firstPage = false;
            var pageValues = value - pageValueStart;
            var pageEntries = entry - pageEntryStart;

            // Values: dictionary indices while the dictionary pays and fits, else plain / delta / RLE.
            _pageValues.Clear();
            ParquetEncoding encoding;
            if (useDictionary && TryDictionaryPage(pageValueStart, pageValues, bytes, isFirst: pageValueStart == 0))
            {
                encoding = ParquetEncoding.RleDictionary;
                dictionaryUsed = true;
            }
            else
            {
                useDictionary = false;
                encoding = EncodePlainOrAlternative(pageValueStart, pageValues);
            }
            var pageStats = new StatsAccumulator(this);
            if (encoding == ParquetEncoding.RleDictionary)
            {
                // Min/max over the distinct dictionary entries the page uses: one comparison per distinct value.
                pageStats.AddDistinct(pageValueStart, pageValues, pageEntries - pageValues, _indices, _dictionary.Count, ++_pageNumber, ref _lastPageOfEntry);
            }
            else
            {
                pageStats.Add(pageValueStart, pageValues, pageEntries - pageValues);
            }
            chunkStats.Merge(pageStats);
            uncompressedTotal += WriteDataPage(encoding, pageEntryStart, pageEntries, pageValues, rows, pageStats.ToStatistics());
            encodings.Add(encoding);
            encodingCounts[(_options.DataPageVersion == 2 ? PageType.DataPageV2 : PageType.DataPage, encoding)] =
                encodingCounts.GetValueOrDefault((_options.DataPageVersion == 2 ? PageType.DataPageV2 : PageType.DataPage, encoding)) + 1;
        }
        if (_maxDefinition > 0 || _maxRepetition > 0)
        {
            encodings.Add(ParquetEncoding.Rle);
        }

        var chunkStart = output.Length;
        if (dictionaryUsed)
        {
            metadata.DictionaryPageOffset = fileOffset;
            uncompressedTotal += WriteDictionaryPage(output);
            encodings.Add(ParquetEncoding.Plain);
            encodingCounts[(PageType.DictionaryPage, ParquetEncoding.Plain)] = 1;
        }
        metadata.DataPageOffset = fileOffset + (output.Length - chunkStart);
        output.Write(_pages.WrittenSpan);
        metadata.TotalCompressedSize = output.Length - chunkStart;
        metadata.TotalUncompressedSize = uncompressedTotal;
        metadata.Encodings.AddRange(encodings);
        metadata.Statistics = chunkStats.ToStatistics();
        metadata.EncodingStats = [];
        foreach (var ((pageType, pageEncoding), count) in encodingCounts)
        {
            metadata.EncodingStats.Add(new PageEncodingStats { PageType = pageType, Encoding = pageEncoding, Count = count });
        }
        metadata.EncodingStats.Sort((a, b) => a.PageType != b.PageType ? b.PageType.CompareTo(a.PageType) : a.Encoding.CompareTo(b.Encoding));

        _entries = 0;
        _values = 0;
        _binary.Clear();
        return new ColumnChunk { FileOffset = fileOffset, MetaData = metadata };
    }

    /// <summary>
    /// Maps a page's values to dictionary indices and RLE-encodes them into <see cref="_pageValues"/>.
    /// Returns false (undoing this page's dictionary additions) when the dictionary would pass its size
    /// limit, or when on the first page the dictionary and indices are no smaller than PLAIN would be:
    /// the column then falls back to non-dictionary pages for the rest of the chunk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryDictionaryPage(int start, int count, long plainBytes, bool isFirst)
    {
        var before = _dictionary.Count;
        if (_indices.Length < count)
        {
            _indices = new int[Math.Max(count, _indices.Length * 2)];
        }
        for (var i = 0; i < count; i++)
        {
            var index = start + i;
            int id;
            switch (_kind)
            {
                case ValueKind.Long:
                    id = _dictionary.GetOrAdd(_longs[index]);
                    break;
                case ValueKind.Double:
                    id = _dictionary.GetOrAdd(BitConverter.DoubleToInt64Bits(_doubles[index]));
                    break;
                default:
                    id = _dictionary.GetOrAdd(BinaryValue(index));
                    break;
            }
            _indices[i] = id;
            if (_dictionary.DataBytes > _options.DictionaryPageSizeLimit)
            {
                _dictionary.Truncate(before);
                return false;
            }
        }
        var bitWidth = BitPacking.BitWidth((ulong)Math.Max(0, _dictionary.Count - 1));
        _pageValues.WriteByte((byte)bitWidth);
        _rle.Begin(_pageValues, bitWidth);
        for (var i = 0; i < count; i++)
        {
            _rle.Add((ulong)_indices[i]);
        }
        _rle.End();
        if (isFirst && count > 0)
        {
            var dictionaryBytes = _dictionary.DataBytes + (_node.Type == PhysicalType.ByteArray ? 4L * _dictionary.Count : 0);
            if (dictionaryBytes + _pageValues.Length >= plainBytes - count)
            {
                _dictionary.Truncate(before);
                _pageValues.Clear();
                return false;
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ParquetEncoding EncodePlainOrAlternative(int start, int count)
    {
        switch (_node.Type)
        {
            case PhysicalType.Boolean when _options.DataPageVersion == 2:
                {
                    // RLE with a 4-byte length prefix (the boolean RLE encoding of data page v2).
                    var lengthAt = _pageValues.Length;
                    _pageValues.WriteInt32(0);
                    _rle.Begin(_pageValues, 1);
                    for (var i = 0; i < count; i++)
                    {
                        _rle.Add((ulong)_longs[start + i]);
                    }
                    _rle.End();
                    BinaryPrimitives.WriteInt32LittleEndian(_pageValues.WrittenSpan[lengthAt..], _pageValues.Length - lengthAt - 4);
                    return ParquetEncoding.Rle;
                }
            case PhysicalType.Boolean:
                {
                    var bytes = (count + 7) / 8;
                    var span = _pageValues.GetSpan(bytes)[..bytes];
                    span.Clear();
                    for (var i = 0; i < count; i++)
                    {
                        if (_longs[start + i] != 0)
                        {
                            span[i >> 3] |= (byte)(1 << (i & 7));
                        }
                    }
                    _pageValues.Advance(bytes);
                    return ParquetEncoding.Plain;
                }
            case PhysicalType.Int32 or PhysicalType.Int64 when _options.DeltaEncoding != DeltaEncodingPolicy.Never && count > 0:
                {
                    var is32 = _node.Type == PhysicalType.Int32;
                    _alternative.Clear();
                    _delta.Encode(_longs.AsSpan(start, count), is32, _alternative);
                    var plainBytes = count * (is32 ? 4 : 8);
                    if (_options.DeltaEncoding == DeltaEncodingPolicy.Always || _alternative.Length < plainBytes)
                    {
                        _pageValues.Write(_alternative.WrittenSpan);
                        return ParquetEncoding.DeltaBinaryPacked;
                    }
                    WritePlain(start, count, _pageValues);
                    return ParquetEncoding.Plain;
                }
            default:
                WritePlain(start, count, _pageValues);
                return ParquetEncoding.Plain;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WritePlain(int start, int count, GrowableBuffer output)
    {
        switch (_node.Type)
        {
            case PhysicalType.Int32:
                {
                    var span = output.GetSpan(count * 4);
                    for (var i = 0; i < count; i++)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(span[(i * 4)..], (int)_longs[start + i]);
                    }
                    output.Advance(count * 4);
                    break;
                }
            case PhysicalType.Int64:
                output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_longs.AsSpan(start, count)));
                break;
            case PhysicalType.Float:
                {
                    var span = output.GetSpan(count * 4);
                    for (var i = 0; i < count; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], (float)_doubles[start + i]);
                    }
                    output.Advance(count * 4);
                    break;
                }
            case PhysicalType.Double:
                output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_doubles.AsSpan(start, count)));
                break;
            case PhysicalType.ByteArray:
                for (var i = start; i < start + count; i++)
                {
                    var bytes = BinaryValue(i);
                    output.WriteInt32(bytes.Length);
                    output.Write(bytes);
                }
                break;
            default:
                {
                    // FIXED_LEN_BYTE_ARRAY values are contiguous in the buffer.
                    var from = start == 0 ? 0 : _binaryEnds[start - 1];
                    var to = count == 0 ? from : _binaryEnds[start + count - 1];
                    output.Write(_binary.WrittenSpan[from..to]);
                    break;
                }
        }
    }

    private long WriteDictionaryPage(GrowableBuffer output)
    {
        _pageBody.Clear();
        for (var i = 0; i < _dictionary.Count; i++)
        {
            var entry = _dictionary[i];
            switch (_node.Type)
            {
                case PhysicalType.Int32:
                    _pageBody.WriteInt32((int)BinaryPrimitives.ReadInt64LittleEndian(entry));
                    break;
                case PhysicalType.Int64 or PhysicalType.Double:
                    _pageBody.Write(entry);
                    break;
                case PhysicalType.Float:
                    _pageBody.WriteInt32(BitConverter.SingleToInt32Bits((float)BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(entry))));
                    break;
                case PhysicalType.ByteArray:
                    _pageBody.WriteInt32(entry.Length);
                    _pageBody.Write(entry);
                    break;
                default:
                    _pageBody.Write(entry);
                    break;
            }
        }
        var compressed = Compress(_pageBody.WrittenSpan);
        var header = new PageHeader
        {
            Type = PageType.DictionaryPage,
            UncompressedPageSize = _pageBody.Length,
            CompressedPageSize = compressed.Length,
            DictionaryPageHeader = new DictionaryPageHeader { NumValues = _dictionary.Count, Encoding = ParquetEncoding.Plain },
        };
        var headerStart = output.Length;
        MetadataCodec.WritePageHeader(header, output);
        var headerLength = output.Length - headerStart;
        output.Write(compressed);
        return headerLength + _pageBody.Length;
    }

    private ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> data)
    {
        if (_codec == ProtocolCodec.None)
        {
            return data;
        }
        _compressed.Clear();
        Protocol.Compression.BatchCompression.Compress(_codec, data, _compressed, Protocol.Compression.SnappyFraming.Raw, _options.CompressionLevel);
        return _compressed.WrittenSpan;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeLevels(byte[] levels, int start, int count, int maxLevel, GrowableBuffer output)
    {
        _rle.Begin(output, BitPacking.BitWidth((ulong)maxLevel));
        var i = start;
        var end = start + count;
        while (i < end)
        {
            var level = levels[i];
            var run = i + 1;
            while (run < end && levels[run] == level)
            {
                run++;
            }
            _rle.AddRepeated(level, run - i);
            i = run;
        }
        _rle.End();
    }

    /// <summary>Writes one data page (header and body) into <see cref="_pages"/>; returns its uncompressed size with header.</summary>
    private long WriteDataPage(ParquetEncoding encoding, int entryStart, int entries, int values, int rows, Statistics statistics)
    {
        PageHeader header;
        _pageBody.Clear();
        if (_options.DataPageVersion == 1)
        {
            if (_maxRepetition > 0)
            {
                var at = _pageBody.Length;
                _pageBody.WriteInt32(0);
                EncodeLevels(_repetitions, entryStart, entries, _maxRepetition, _pageBody);
                BinaryPrimitives.WriteInt32LittleEndian(_pageBody.WrittenSpan[at..], _pageBody.Length - at - 4);
            }
            if (_maxDefinition > 0)
            {
                var at = _pageBody.Length;
                _pageBody.WriteInt32(0);
                EncodeLevels(_definitions, entryStart, entries, _maxDefinition, _pageBody);
                BinaryPrimitives.WriteInt32LittleEndian(_pageBody.WrittenSpan[at..], _pageBody.Length - at - 4);
            }
            _pageBody.Write(_pageValues.WrittenSpan);
            var compressed = Compress(_pageBody.WrittenSpan);
            header = new PageHeader
            {
                Type = PageType.DataPage,
                UncompressedPageSize = _pageBody.Length,
                CompressedPageSize = compressed.Length,
                DataPageHeader = new DataPageHeader { NumValues = entries, Encoding = encoding, Statistics = statistics },
            };
            var headerStart = _pages.Length;
            MetadataCodec.WritePageHeader(header, _pages);
            var headerLength = _pages.Length - headerStart;
            _pages.Write(compressed);
            return headerLength + _pageBody.Length;
        }
        else
        {
            var repetitionLength = 0;
            var definitionLength = 0;
            if (_maxRepetition > 0)
            {
                EncodeLevels(_repetitions, entryStart, entries, _maxRepetition, _pageBody);
                repetitionLength = _pageBody.Length;
            }
            if (_maxDefinition > 0)
            {
                EncodeLevels(_definitions, entryStart, entries, _maxDefinition, _pageBody);
                definitionLength = _pageBody.Length - repetitionLength;
            }
            var compressedValues = Compress(_pageValues.WrittenSpan);
            header = new PageHeader
            {
                Type = PageType.DataPageV2,
                UncompressedPageSize = _pageBody.Length + _pageValues.Length,
                CompressedPageSize = _pageBody.Length + compressedValues.Length,
                DataPageHeaderV2 = new DataPageHeaderV2
                {
                    NumValues = entries,
                    NumNulls = entries - values,
                    NumRows = rows,
                    Encoding = encoding,
                    DefinitionLevelsByteLength = definitionLength,
                    RepetitionLevelsByteLength = repetitionLength,
                    IsCompressed = _codec != ProtocolCodec.None,
                    Statistics = statistics,
                },
            };
            var headerStart = _pages.Length;
            MetadataCodec.WritePageHeader(header, _pages);
            var headerLength = _pages.Length - headerStart;
            _pages.Write(_pageBody.WrittenSpan);
            _pages.Write(compressedValues);
            return headerLength + header.UncompressedPageSize;
        }
    }

    // ---------------------------------------------------------------- statistics

    /// <summary>Min/max/null count of a page or chunk under the column's sort order.</summary>
    private struct StatsAccumulator
    {
        private readonly ColumnWriter _column;
        private bool _hasValue;
        private long _minLong;
        private long _maxLong;
        private double _minDouble;
        private double _maxDouble;
        private byte[]? _minBytes;
        private byte[]? _maxBytes;
        private long _nulls;
        private bool _bytesTooLong;

        public StatsAccumulator(ColumnWriter column)
        {
            _column = column;
        }

        /// <summary>Like <see cref="Add"/> for a dictionary page: visits the first value of each distinct index only.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddDistinct(int start, int count, int nulls, int[] indices, int dictionaryCount, int page, ref int[] lastPage)
        {
            if (lastPage.Length < dictionaryCount)
            {
                Array.Resize(ref lastPage, Math.Max(dictionaryCount, lastPage.Length * 2));
            }
            _nulls += nulls;
            var c = _column;
            var order = c._node.SortOrder;
            for (var i = 0; i < count; i++)
            {
                var index = indices[i];
                if (lastPage[index] == page)
                {
                    continue;
                }
                lastPage[index] = page;
                switch (c._kind)
                {
                    case ValueKind.Long:
                        AddLong(c._longs[start + i], order == SortOrder.Unsigned);
                        break;
                    case ValueKind.Double:
                        AddDouble(c._doubles[start + i]);
                        break;
                    default:
                        AddBytes(c.BinaryValue(start + i), order);
                        break;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(int start, int count, int nulls)
        {
            _nulls += nulls;
            var c = _column;
            var order = c._node.SortOrder;
            for (var i = start; i < start + count; i++)
            {
                switch (c._kind)
                {
                    case ValueKind.Long:
                        AddLong(c._longs[i], order == SortOrder.Unsigned);
                        break;
                    case ValueKind.Double:
                        AddDouble(c._doubles[i]);
                        break;
                    default:
                        AddBytes(c.BinaryValue(i), order);
                        break;
                }
            }
        }

        private void AddLong(long value, bool unsigned)
        {
            if (!_hasValue)
            {
                _minLong = _maxLong = value;
                _hasValue = true;
                return;
            }
            if (unsigned)
            {
                if ((ulong)value < (ulong)_minLong)
                {
                    _minLong = value;
                }
                if ((ulong)value > (ulong)_maxLong)
                {
                    _maxLong = value;
                }
            }
            else
            {
                _minLong = Math.Min(_minLong, value);
                _maxLong = Math.Max(_maxLong, value);
            }
        }

        private void AddDouble(double value)
        {
            // NaN is left out of min/max (the specification's rule for floating point statistics).
            if (double.IsNaN(value))
            {
                return;
            }
            if (!_hasValue)
            {
                _minDouble = _maxDouble = value;
                _hasValue = true;
                return;
            }
            if (value < _minDouble || (value == 0 && _minDouble == 0 && double.IsNegative(value)))
            {
                _minDouble = value;
            }
            if (value > _maxDouble || (value == 0 && _maxDouble == 0 && !double.IsNegative(value)))
            {
                _maxDouble = value;
            }
        }

        private void AddBytes(ReadOnlySpan<byte> value, SortOrder order)
        {
            if (value.Length > _column._options.MaxStatisticsValueBytes)
            {
                _bytesTooLong = true;
                return;
            }
            if (!_hasValue)
            {
                _minBytes = value.ToArray();
                _maxBytes = _minBytes;
                _hasValue = true;
                return;
            }
            if (Compare(value, _minBytes, order) < 0)
            {
                _minBytes = value.ToArray();
            }
            if (Compare(value, _maxBytes, order) > 0)
            {
                _maxBytes = value.ToArray();
            }
        }

        public void Merge(StatsAccumulator other)
        {
            _nulls += other._nulls;
            _bytesTooLong |= other._bytesTooLong;
            if (!other._hasValue)
            {
                return;
            }
            switch (_column._kind)
            {
                case ValueKind.Long:
                    AddLong(other._minLong, _column._node.SortOrder == SortOrder.Unsigned);
                    AddLong(other._maxLong, _column._node.SortOrder == SortOrder.Unsigned);
                    break;
                case ValueKind.Double:
                    AddDouble(other._minDouble);
                    AddDouble(other._maxDouble);
                    break;
                default:
                    AddBytes(other._minBytes, _column._node.SortOrder);
                    AddBytes(other._maxBytes, _column._node.SortOrder);
                    break;
            }
        }

        public readonly Statistics ToStatistics()
        {
            var statistics = new Statistics { NullCount = _nulls };
            if (!_hasValue || _bytesTooLong)
            {
                return statistics;
            }
            switch (_column._node.Type)
            {
                case PhysicalType.Boolean:
                    statistics.MinValue = [(byte)_minLong];
                    statistics.MaxValue = [(byte)_maxLong];
                    break;
                case PhysicalType.Int32:
                    statistics.MinValue = BitConverter.GetBytes((int)_minLong);
                    statistics.MaxValue = BitConverter.GetBytes((int)_maxLong);
                    break;
                case PhysicalType.Int64:
                    statistics.MinValue = BitConverter.GetBytes(_minLong);
                    statistics.MaxValue = BitConverter.GetBytes(_maxLong);
                    break;
                case PhysicalType.Float:
                    statistics.MinValue = BitConverter.GetBytes((float)_minDouble);
                    statistics.MaxValue = BitConverter.GetBytes((float)_maxDouble);
                    break;
                case PhysicalType.Double:
                    statistics.MinValue = BitConverter.GetBytes(_minDouble);
                    statistics.MaxValue = BitConverter.GetBytes(_maxDouble);
                    break;
                default:
                    statistics.MinValue = _minBytes;
                    statistics.MaxValue = _maxBytes;
                    break;
            }
            return statistics;
        }
    }

    /// <summary>Compares byte values: unsigned lexicographic, or as big-endian two's complement integers of equal width (decimals).</summary>
    internal static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, SortOrder order)
    {
        if (order != SortOrder.SignedBigEndian)
        {
            return a.SequenceCompareTo(b);
        }
        var negativeA = a.Length > 0 && (a[0] & 0x80) != 0;
        var negativeB = b.Length > 0 && (b[0] & 0x80) != 0;
        if (negativeA != negativeB)
        {
            return negativeA ? -1 : 1;
        }
        if (a.Length != b.Length)
        {
            // Same sign: for positives the longer is larger, for negatives the longer is smaller (no redundant sign bytes are written).
            return (a.Length > b.Length) ^ negativeA ? 1 : -1;
        }
        return a.SequenceCompareTo(b);
    }

    public void Dispose()
    {
        _binary.Dispose();
        _dictionary.Dispose();
        _levels.Dispose();
        _pageValues.Dispose();
        _alternative.Dispose();
        _pageBody.Dispose();
        _compressed.Dispose();
        _pages.Dispose();
    }
}
