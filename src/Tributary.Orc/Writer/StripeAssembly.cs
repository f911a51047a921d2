using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;
using Tributary.Orc.Protobuf;

namespace Tributary.Orc.Writer;

/// <summary>
/// Collects a stripe as its columns finish: data streams compressed in column order, each column's encoding, row
/// index and statistics; then lays the stripe out as index streams, data streams, footer.
/// </summary>
internal sealed class StripeAssembly
{
    private readonly ByteBuffer _data = new(1 << 16);
    private readonly List<OrcStream> _dataStreams = [];
    private readonly SortedDictionary<int, (ColumnEncoding Encoding, List<RowIndexEntry> Index, ColumnStatistics Statistics)> _columns = [];
    private readonly List<StreamBuffer> _pendingClears = [];

    public void AddDataStream(int column, OrcStreamKind kind, StreamBuffer buffer, OrcCodec codec)
    {
        var before = _data.Length;
        buffer.CompressInto(codec, _data);
        _dataStreams.Add(new OrcStream { Kind = kind, Column = (uint)column, Length = (ulong)(_data.Length - before) });
        _pendingClears.Add(buffer);
    }

    public void AddColumn(int column, ColumnEncoding encoding, List<RowIndexEntry> index, ColumnStatistics statistics) =>
        _columns[column] = (encoding, index, statistics);

    /// <summary>Writes the stripe to <paramref name="output"/> and describes it; returns the stripe statistics.</summary>
    public List<ColumnStatistics> Write(ByteBuffer output, OrcCodec codec, bool writeIndex, long rows, out StripeInformation information, long offset)
    {
        var streams = new List<OrcStream>();
        var index = new ByteBuffer(1024);
        var proto = new ProtoWriter();
        if (writeIndex)
        {
            foreach (var (column, (_, entries, _)) in _columns)
            {
                proto.Clear();
                MetadataCodec.WriteRowIndex(proto, entries);
                var before = index.Length;
                Compress(codec, proto.Written, index);
                streams.Add(new OrcStream { Kind = OrcStreamKind.RowIndex, Column = (uint)column, Length = (ulong)(index.Length - before) });
            }
        }
        streams.AddRange(_dataStreams);
        var footer = new StripeFooter
        {
            Streams = streams,
            Columns = [.. _columns.Values.Select(c => c.Encoding)],
            WriterTimezone = "UTC",
        };
        proto.Clear();
        MetadataCodec.WriteStripeFooter(proto, footer);
        var footerBytes = new ByteBuffer(proto.Length + 16);
        Compress(codec, proto.Written, footerBytes);
        output.Write(index.Written);
        output.Write(_data.Written);
        output.Write(footerBytes.Written);
        information = new StripeInformation
        {
            Offset = (ulong)offset,
            IndexLength = (ulong)index.Length,
            DataLength = (ulong)_data.Length,
            FooterLength = (ulong)footerBytes.Length,
            NumberOfRows = (ulong)rows,
        };
        var statistics = _columns.Values.Select(c => c.Statistics).ToList();
        foreach (var buffer in _pendingClears)
        {
            buffer.Clear();
        }
        _pendingClears.Clear();
        _data.Clear();
        _dataStreams.Clear();
        _columns.Clear();
        return statistics;
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
