using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Tributary.Cdc.MySql.Gtids;

/// <summary>
/// MySQL's GTID set: for each source server UUID, the transaction numbers committed, as sorted disjoint closed
/// intervals. Text (<c>@@gtid_executed</c>, the offset's <c>gtids</c>): <c>uuid:1-100:105,uuid2:1-7</c>, UUIDs
/// lowercase in order, a one-number interval written as the number. Binary (the PREVIOUS_GTIDS event body and the
/// data of COM_BINLOG_DUMP_GTID, MySQL's <c>Gtid_set::encode</c>): n_sids(8), then per UUID its 16 bytes in text
/// order, n_intervals(8) and per interval start(8) and end(8, exclusive), all little-endian.
/// </summary>
public sealed class MySqlGtidSet : GtidSet
{
    /// <summary>By UUID text (lowercase with dashes, which sorts like the bytes): the intervals, inclusive, ascending and not touching.</summary>
    private readonly SortedDictionary<string, List<(long Start, long End)>> _sources = new(StringComparer.Ordinal);

    public IEnumerable<(string Uuid, IReadOnlyList<(long Start, long End)> Intervals)> Sources =>
        _sources.Select(s => (s.Key, (IReadOnlyList<(long, long)>)s.Value));

    public static new MySqlGtidSet Parse(string text)
    {
        var set = new MySqlGtidSet();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split(':', StringSplitOptions.TrimEntries);
            var uuid = NormalizeUuid(fields[0]) ?? throw new FormatException($"'{fields[0]}' is not a server UUID in the GTID set '{text}'");
            for (var i = 1; i < fields.Length; i++)
            {
                var dash = fields[i].IndexOf('-', StringComparison.Ordinal);
                var startText = dash < 0 ? fields[i] : fields[i][..dash];
                var endText = dash < 0 ? fields[i] : fields[i][(dash + 1)..];
                if (!long.TryParse(startText, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ||
                    !long.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out var end) || start < 1 || end < start)
                {
                    throw new FormatException($"'{fields[i]}' is not a transaction interval (n or n-m, from 1) in the GTID set '{text}'");
                }
                set.AddInterval(uuid, start, end);
            }
            if (fields.Length == 1)
            {
                throw new FormatException($"'{part}' names no transactions in the GTID set '{text}'");
            }
        }
        return set;
    }

    /// <summary>Reads the binary encoding; throws <see cref="FormatException"/> when it is cut short or inconsistent.</summary>
    public static MySqlGtidSet Decode(ReadOnlySpan<byte> data)
    {
        var set = new MySqlGtidSet();
        var reader = new SpanCursor(data);
        var sources = reader.Int64();
        for (long s = 0; s < sources; s++)
        {
            var uuid = FormatUuid(reader.Bytes(16));
            var intervals = reader.Int64();
            for (long i = 0; i < intervals; i++)
            {
                var start = reader.Int64();
                var endExclusive = reader.Int64();
                if (start < 1 || endExclusive <= start)
                {
                    throw new FormatException($"GTID interval [{start}, {endExclusive}) of {uuid} is empty or starts below 1");
                }
                set.AddInterval(uuid, start, endExclusive - 1);
            }
        }
        return set;
    }

    /// <summary>The binary encoding (see the class summary).</summary>
    public byte[] Encode()
    {
        var size = 8 + _sources.Sum(s => 16 + 8 + (s.Value.Count * 16));
        var data = new byte[size];
        var span = data.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, _sources.Count);
        var position = 8;
        foreach (var (uuid, intervals) in _sources)
        {
            Convert.FromHexString(uuid.Replace("-", "", StringComparison.Ordinal)).CopyTo(span[position..]);
            position += 16;
            BinaryPrimitives.WriteInt64LittleEndian(span[position..], intervals.Count);
            position += 8;
            foreach (var (start, end) in intervals)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[position..], start);
                BinaryPrimitives.WriteInt64LittleEndian(span[(position + 8)..], end + 1);
                position += 16;
            }
        }
        return data;
    }

    /// <summary>Records one transaction (<c>uuid:number</c>).</summary>
    public void Add(string uuid, long transaction) => AddInterval(uuid, transaction, transaction);

    private void AddInterval(string uuid, long start, long end)
    {
        if (!_sources.TryGetValue(uuid, out var intervals))
        {
            _sources[uuid] = [(start, end)];
            return;
        }
        // Transactions mostly arrive in order: the common case extends the last interval by one.
        if (intervals[^1].End + 1 == start)
        {
            intervals[^1] = (intervals[^1].Start, end);
            return;
        }
        intervals.Add((start, end));
        intervals.Sort();
        var merged = 0;
        for (var i = 1; i < intervals.Count; i++)
        {
            if (intervals[i].Start <= intervals[merged].End + 1)
            {
                intervals[merged] = (intervals[merged].Start, Math.Max(intervals[merged].End, intervals[i].End));
            }
            else
            {
                intervals[++merged] = intervals[i];
            }
        }
        intervals.RemoveRange(merged + 1, intervals.Count - merged - 1);
    }

    public override bool IsContainedIn(GtidSet other)
    {
        if (other is not MySqlGtidSet set)
        {
            return _sources.Count == 0;
        }
        foreach (var (uuid, intervals) in _sources)
        {
            if (!set._sources.TryGetValue(uuid, out var there))
            {
                return false;
            }
            foreach (var (start, end) in intervals)
            {
                if (!there.Exists(t => t.Start <= start && end <= t.End))
                {
                    return false;
                }
            }
        }
        return true;
    }

    public override void UnionWith(GtidSet other)
    {
        if (other is not MySqlGtidSet set)
        {
            throw new ArgumentException($"A MariaDB GTID position ({other}) cannot be merged into a MySQL GTID set ({this})", nameof(other));
        }
        foreach (var (uuid, intervals) in set._sources)
        {
            foreach (var (start, end) in intervals)
            {
                AddInterval(uuid, start, end);
            }
        }
    }

    public override GtidSet Copy()
    {
        var copy = new MySqlGtidSet();
        copy.UnionWith(this);
        return copy;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (uuid, intervals) in _sources)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(uuid);
            foreach (var (start, end) in intervals)
            {
                text.Append(':').Append(start.ToString(CultureInfo.InvariantCulture));
                if (end != start)
                {
                    text.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        return text.ToString();
    }

    /// <summary>16 bytes as MySQL writes a server UUID: lowercase hex, dashes after the 4th, 6th, 8th and 10th byte.</summary>
    public static string FormatUuid(ReadOnlySpan<byte> bytes)
    {
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static string? NormalizeUuid(string text)
    {
        var hex = text.Replace("-", "", StringComparison.Ordinal);
        if (hex.Length != 32 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }
        return FormatUuid(Convert.FromHexString(hex));
    }

    /// <summary>Little-endian reads over the encoding, failing with <see cref="FormatException"/> past its end.</summary>
    private ref struct SpanCursor(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (_position + count > _data.Length)
            {
                throw new FormatException($"The GTID set encoding ends at byte {_data.Length}, {count} more bytes were expected at {_position}");
            }
            var slice = _data.Slice(_position, count);
            _position += count;
            return slice;
        }
    }
}
