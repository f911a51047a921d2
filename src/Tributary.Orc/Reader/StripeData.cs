using Tributary.Orc.Metadata;

namespace Tributary.Orc.Reader;

/// <summary>
/// One stripe: its footer, where each stream lies, the column encodings, and column readers over them. Streams are
/// laid out in footer order from the stripe's offset (index streams first); every stream must lie inside the stripe.
/// Not thread-safe.
/// </summary>
public sealed class StripeData
{
    private readonly OrcReader _reader;
    private readonly Dictionary<(int Column, OrcStreamKind Kind), (int Offset, int Length)> _streams = [];

    internal StripeData(OrcReader reader, int index, StripeInformation information, StripeFooter footer)
    {
        _reader = reader;
        Index = index;
        Information = information;
        Footer = footer;
        if (footer.Columns.Count != reader.Columns.Count)
        {
            throw new OrcFormatException($"Malformed ORC stripe {index} footer: {footer.Columns.Count} column encodings for {reader.Columns.Count} columns.");
        }
        var offset = information.Offset;
        var end = information.Offset + information.IndexLength + information.DataLength;
        foreach (var stream in footer.Streams)
        {
            if (stream.Length > end - offset)
            {
                throw new OrcFormatException($"Malformed ORC stripe {index} footer: the {stream.Kind} stream of column {stream.Column} ({stream.Length} bytes) runs past the stripe's data.");
            }
            if (stream.Column >= reader.Columns.Count)
            {
                throw new OrcFormatException($"Malformed ORC stripe {index} footer: a {stream.Kind} stream names column {stream.Column} of {reader.Columns.Count}.");
            }
            _streams[((int)stream.Column, stream.Kind)] = ((int)offset, (int)stream.Length);
            offset += stream.Length;
        }
        WriterTimezone = ResolveZone(footer.WriterTimezone, index);
    }

    public int Index { get; }

    public StripeInformation Information { get; }

    public StripeFooter Footer { get; }

    internal TimeZoneInfo WriterTimezone { get; }

    internal OrcReader Reader => _reader;

    public bool HasStream(int column, OrcStreamKind kind) => _streams.ContainsKey((column, kind));

    /// <summary>The decompressed bytes of a stream from a compressed offset (0: the whole stream), or null if absent.</summary>
    internal byte[]? Stream(int column, OrcStreamKind kind, long compressedOffset = 0)
    {
        if (!_streams.TryGetValue((column, kind), out var location))
        {
            return null;
        }
        if (compressedOffset < 0 || compressedOffset > location.Length)
        {
            throw new OrcFormatException($"ORC stripe {Index}: a row index position {compressedOffset} is outside the {kind} stream of column {column}.");
        }
        return _reader.Codec.Decompress(_reader.File.AsSpan(location.Offset + (int)compressedOffset, location.Length - (int)compressedOffset), $"stripe {Index} column {column} {kind} stream");
    }

    /// <summary>The row index of a column (one entry per row group), or null without one.</summary>
    public List<RowIndexEntry>? RowIndex(int column) =>
        Stream(column, OrcStreamKind.RowIndex) is { } data ? MetadataCodec.ReadRowIndex(data) : null;

    /// <summary>The bloom filters of a column, or null without them.</summary>
    public List<BloomFilter>? BloomFilters(int column) =>
        (Stream(column, OrcStreamKind.BloomFilterUtf8) ?? Stream(column, OrcStreamKind.BloomFilter)) is { } data ? MetadataCodec.ReadBloomFilterIndex(data) : null;

    /// <summary>Every row of the stripe.</summary>
    public object?[] ReadAll()
    {
        var root = ColumnReader.Create(this, _reader.Schema, null);
        return root.Read(checked((int)Information.NumberOfRows));
    }

    /// <summary>
    /// The rows of one row group, read after seeking every stream to the positions its row index gives — what a reader
    /// skipping row groups does, so this checks that the writer's indexes point where the values are.
    /// </summary>
    public object?[] ReadRowGroup(int group)
    {
        var stride = (int)_reader.Footer.RowIndexStride;
        if (stride == 0)
        {
            throw new OrcFormatException("The file has no row index.");
        }
        var indexes = new List<RowIndexEntry>[_reader.Columns.Count];
        for (var c = 0; c < indexes.Length; c++)
        {
            indexes[c] = RowIndex(c) ?? throw new OrcFormatException($"ORC stripe {Index}: column {c} has no row index.");
            if (group >= indexes[c].Count)
            {
                throw new OrcFormatException($"ORC stripe {Index}: column {c}'s row index has {indexes[c].Count} entries, not {group + 1}.");
            }
        }
        var root = ColumnReader.Create(this, _reader.Schema, c => new PositionCursor(indexes[c][group].Positions));
        var rows = (int)Math.Min(stride, (long)Information.NumberOfRows - ((long)group * stride));
        return root.Read(rows);
    }

    private static TimeZoneInfo ResolveZone(string? name, int stripe)
    {
        if (string.IsNullOrEmpty(name) || name is "UTC" or "GMT" or "Etc/UTC" or "Z")
        {
            return TimeZoneInfo.Utc;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new OrcFormatException($"ORC stripe {stripe}: unknown writer time zone '{name}'.");
        }
    }
}

/// <summary>The positions of one row index entry, consumed stream by stream in the order the specification gives.</summary>
internal sealed class PositionCursor(List<ulong> positions)
{
    private int _next;

    public long Next() => _next < positions.Count
        ? (long)Math.Min(positions[_next++], long.MaxValue)
        : throw new OrcFormatException("An ORC row index entry has fewer positions than the column's streams need.");
}
