using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Writer;

/// <summary>
/// string, varchar and char. A stripe's values are kept as ids into a dictionary of distinct values; at the end of the
/// stripe the column is dictionary-encoded (DATA ids, DICTIONARY_DATA, LENGTH of the entries) when distinct values are
/// at most <see cref="OrcWriterOptions.DictionaryKeyThreshold"/> of the non-null values, and direct-encoded (DATA
/// bytes, LENGTH) otherwise. Because the encoding is chosen late, the data streams are written then, and the row
/// index positions with them, at the value counts where each row group began.
/// </summary>
public sealed class StringColumnWriter : ColumnWriter
{
    private readonly StreamBuffer _data;
    private readonly StreamBuffer _length;
    private readonly StreamBuffer _dictionaryData;
    private readonly ByteBuffer _blob = new(4096);
    private readonly List<int> _entryStarts = [];
    private readonly List<int> _entryLengths = [];
    private int[] _table = new int[1024];
    private int[] _ids = new int[1024];
    private int _count;
    private readonly List<int> _groupStarts = [];
    private bool _dictionary;

    internal StringColumnWriter(TypeDescription type, WriterContext context) : base(type, context)
    {
        _data = NewStream();
        _length = NewStream();
        _dictionaryData = NewStream();
        Array.Fill(_table, -1);
    }

    /// <summary>A UTF-8 value.</summary>
    public void Write(ReadOnlySpan<byte> utf8)
    {
        Present();
        RowGroup.AddBytes(utf8, isString: true);
        Bloom?.AddBytes(utf8);
        if (_count == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
        }
        _ids[_count++] = _abandoned ? Append(utf8) : Intern(utf8);
        if (_count == EarlyCheck && Context.Options.DictionaryKeyThreshold < 1 && _entryStarts.Count > Context.Options.DictionaryKeyThreshold * _count)
        {
            // Like Apache ORC's early dictionary check: a column this distinct will be direct-encoded, so stop hashing.
            _abandoned = true;
        }
    }

    /// <summary>Values after which a column too distinct for a dictionary stops building one for the stripe.</summary>
    private const int EarlyCheck = 5000;

    private bool _abandoned;

    private int Append(ReadOnlySpan<byte> value)
    {
        var id = _entryStarts.Count;
        _entryStarts.Add(_blob.Length);
        _entryLengths.Add(value.Length);
        _blob.Write(value);
        return id;
    }

    private int Intern(ReadOnlySpan<byte> value)
    {
        var hash = Hash(value);
        var mask = _table.Length - 1;
        var slot = hash & mask;
        while (true)
        {
            var id = _table[slot];
            if (id < 0)
            {
                break;
            }
            if (_blob.Written.Slice(_entryStarts[id], _entryLengths[id]).SequenceEqual(value))
            {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        var newId = _entryStarts.Count;
        _entryStarts.Add(_blob.Length);
        _entryLengths.Add(value.Length);
        _blob.Write(value);
        _table[slot] = newId;
        if (_entryStarts.Count * 2 > _table.Length)
        {
            Rehash();
        }
        return newId;
    }

    private static int Hash(ReadOnlySpan<byte> value)
    {
        // FNV-1a over the bytes, folded: cheap for the short strings JSON records carry.
        var h = 2166136261u;
        foreach (var b in value)
        {
            h = (h ^ b) * 16777619u;
        }
        return (int)(h ^ (h >> 15)) & int.MaxValue;
    }

    private void Rehash()
    {
        _table = new int[_table.Length * 2];
        Array.Fill(_table, -1);
        var mask = _table.Length - 1;
        for (var id = 0; id < _entryStarts.Count; id++)
        {
            var slot = Hash(_blob.Written.Slice(_entryStarts[id], _entryLengths[id])) & mask;
            while (_table[slot] >= 0)
            {
                slot = (slot + 1) & mask;
            }
            _table[slot] = id;
        }
    }

    internal override long BufferedBytes => base.BufferedBytes + _blob.Length + (_count * 4L) + (_entryStarts.Count * 12L);

    private protected override void RecordDataPositions(PositionRecorder recorder) => _groupStarts.Add(_count);

    private protected override void FlushData()
    {
        var threshold = Context.Options.DictionaryKeyThreshold;
        _dictionary = !_abandoned && _count > 0 && _entryStarts.Count <= threshold * _count;
        var positions = DataPositions;
        if (_dictionary)
        {
            var ids = Context.Integers(_data, signed: false);
            var group = 0;
            for (var i = 0; i <= _count; i++)
            {
                while (group < _groupStarts.Count && _groupStarts[group] == i)
                {
                    ids.RecordPosition(positions[group++]);
                }
                if (i < _count)
                {
                    ids.Write(_ids[i]);
                }
            }
            ids.Flush();
            var lengths = Context.Integers(_length, signed: false);
            for (var id = 0; id < _entryStarts.Count; id++)
            {
                lengths.Write(_entryLengths[id]);
            }
            lengths.Flush();
            _dictionaryData.Data.Write(_blob.Written);
        }
        else
        {
            var lengths = Context.Integers(_length, signed: false);
            var group = 0;
            for (var i = 0; i <= _count; i++)
            {
                while (group < _groupStarts.Count && _groupStarts[group] == i)
                {
                    positions[group].AddStream(_data, _data.Position);
                    lengths.RecordPosition(positions[group++]);
                }
                if (i < _count)
                {
                    var id = _ids[i];
                    _data.Data.Write(_blob.Written.Slice(_entryStarts[id], _entryLengths[id]));
                    lengths.Write(_entryLengths[id]);
                }
            }
            lengths.Flush();
        }
    }

    private protected override IEnumerable<(OrcStreamKind, StreamBuffer)> DataStreams()
    {
        IEnumerable<(OrcStreamKind, StreamBuffer)> streams = _dictionary
            ? [(OrcStreamKind.Data, _data), (OrcStreamKind.DictionaryData, _dictionaryData), (OrcStreamKind.Length, _length)]
            : [(OrcStreamKind.Data, _data), (OrcStreamKind.Length, _length)];
        return streams;
    }

    private protected override ColumnEncoding Encoding() => _dictionary
        ? new() { Kind = Context.V2 ? OrcColumnEncodingKind.DictionaryV2 : OrcColumnEncodingKind.Dictionary, DictionarySize = (uint)_entryStarts.Count }
        : new() { Kind = Context.V2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct };

    /// <summary>The next stripe starts with an empty dictionary (the streams are cleared once compressed).</summary>
    private protected override void AfterStripe()
    {
        _blob.Clear();
        _entryStarts.Clear();
        _entryLengths.Clear();
        Array.Fill(_table, -1);
        _count = 0;
        _groupStarts.Clear();
        _abandoned = false;
    }
}
