using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;
using Tributary.Orc.Protobuf;

namespace Tributary.Orc.Writer;

/// <summary>
/// Collects a stripe as its columns finish: data streams (already compressed, in column order), each column's encoding,
/// row index and statistics; then lays the stripe out as index streams, data streams, footer. The data streams are not
/// copied: <see cref="DataStreams"/> hands them to the writer, which emits them after <see cref="Index"/> and before
/// <see cref="Footer"/>, then calls <see cref="Reset"/>.
/// </summary>
internal sealed class StripeAssembly
{
    private readonly List<OrcStream> _dataStreams = [];
    private readonly List<StreamBuffer> _buffers = [];
    private readonly SortedDictionary<int, (ColumnEncoding Encoding, List<RowIndexEntry> Index, ColumnStatistics Statistics, List<BloomFilter>? Blooms)> _columns = [];
    private readonly ByteBuffer _index = new(1024);
    private readonly ByteBuffer _footer = new(256);
    private readonly ProtoWriter _proto = new();
    private long _dataLength;

    public void AddDataStream(int column, OrcStreamKind kind, StreamBuffer buffer)
    {
        var length = buffer.Output.Length;
        _dataStreams.Add(new OrcStream { Kind = kind, Column = (uint)column, Length = (ulong)length });
        _buffers.Add(buffer);
        _dataLength += length;
    }

    public void AddColumn(int column, ColumnEncoding encoding, List<RowIndexEntry> index, ColumnStatistics statistics, List<BloomFilter>? blooms) =>
        _columns[column] = (encoding, index, statistics, blooms);

    /// <summary>The row index streams (after <see cref="Prepare"/>).</summary>
    public ReadOnlySpan<byte> Index => _index.Written;

    /// <summary>The data streams in stripe order, each one's bytes in <see cref="StreamBuffer.Output"/>.</summary>
    public IReadOnlyList<StreamBuffer> DataStreams => _buffers;

    /// <summary>The stripe footer (after <see cref="Prepare"/>).</summary>
    public ReadOnlySpan<byte> Footer => _footer.Written;

    /// <summary>Builds the index streams and the footer and describes the stripe; returns the stripe statistics.</summary>
    public List<ColumnStatistics> Prepare(OrcCodec codec, bool writeIndex, long rows, out StripeInformation information)
    {
        var streams = new List<OrcStream>();
        _index.Clear();
        _footer.Clear();
        if (writeIndex)
        {
            // Per column: ROW_INDEX, then BLOOM_FILTER_UTF8 (the order of Apache ORC's writers).
            foreach (var (column, (_, entries, _, blooms)) in _columns)
            {
                _proto.Clear();
                MetadataCodec.WriteRowIndex(_proto, entries);
                var before = _index.Length;
                Compress(codec, _proto.Written, _index);
                streams.Add(new OrcStream { Kind = OrcStreamKind.RowIndex, Column = (uint)column, Length = (ulong)(_index.Length - before) });
                if (blooms is not null)
                {
                    _proto.Clear();
                    MetadataCodec.WriteBloomFilterIndex(_proto, blooms);
                    before = _index.Length;
                    Compress(codec, _proto.Written, _index);
                    streams.Add(new OrcStream { Kind = OrcStreamKind.BloomFilterUtf8, Column = (uint)column, Length = (ulong)(_index.Length - before) });
                }
            }
        }
        streams.AddRange(_dataStreams);
        var footer = new StripeFooter
        {
            Streams = streams,
            Columns = [.. _columns.Values.Select(c => c.Encoding)],
            WriterTimezone = "UTC",
        };
        _proto.Clear();
        MetadataCodec.WriteStripeFooter(_proto, footer);
        Compress(codec, _proto.Written, _footer);
        information = new StripeInformation
        {
            IndexLength = (ulong)_index.Length,
            DataLength = (ulong)_dataLength,
            FooterLength = (ulong)_footer.Length,
            NumberOfRows = (ulong)rows,
        };
        return [.. _columns.Values.Select(c => c.Statistics)];
    }

    /// <summary>Empties the stripe once it was written (the streams start the next stripe empty).</summary>
    public void Reset()
    {
        foreach (var buffer in _buffers)
        {
            buffer.Clear();
        }
        _buffers.Clear();
        _dataStreams.Clear();
        _columns.Clear();
        _dataLength = 0;
    }

    public void Release()
    {
        _index.Release();
        _footer.Release();
    }

    /// <summary>Metadata (footer, stripe footers, indexes) compressed in chunks like streams.</summary>
    public static void Compress(OrcCodec codec, ReadOnlySpan<byte> source, ByteBuffer output)
    {
        if (codec.Kind == OrcCompression.None)
        {
            output.Write(source);
            return;
        }
        for (var start = 0; start < source.Length; start += codec.BlockSize)
        {
            codec.CompressChunk(source.Slice(start, Math.Min(codec.BlockSize, source.Length - start)), output);
        }
    }
}
