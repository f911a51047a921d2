using Tributary.Orc.Compression;

namespace Tributary.Orc.Writer;

/// <summary>
/// One stream of the current stripe. Encoders write uncompressed bytes into <see cref="Data"/>; once it holds at least a
/// compression block and must grow, its whole blocks are compressed into the stream's output and dropped (the spill),
/// so a stream keeps at most about two blocks uncompressed and the stripe is held compressed, as Apache ORC's
/// OutStream does. Chunk k still holds uncompressed bytes [k·block, (k+1)·block), the layout compressing the whole
/// stream at the end gave, so row index positions are taken as uncompressed offsets (<see cref="Position"/>) and
/// translated at the end of the stripe: an offset maps to (compressed start of its chunk, offset in it). With
/// compression NONE the spill copies bytes as they are (ORC does not chunk uncompressed streams). Not thread-safe.
/// </summary>
internal sealed class StreamBuffer
{
    private readonly ByteBuffer _data = new(1024);
    private readonly ByteBuffer _output = new(256);
    private readonly OrcCodec _codec;
    private readonly List<long> _chunkStarts = [];
    private long _spilled;
    private bool _finished;

    public StreamBuffer(OrcCodec codec)
    {
        _codec = codec;
        _data.SetSpill(codec.BlockSize, Spill);
    }

    /// <summary>Where encoders write; bytes already spilled are no longer in it.</summary>
    public ByteBuffer Data => _data;

    /// <summary>Uncompressed bytes written to the stream in this stripe.</summary>
    public long Position => _spilled + _data.Length;

    /// <summary>The stream's bytes as stored in the file (after <see cref="Finish"/>).</summary>
    public ReadOnlySpan<byte> Output => _output.Written;

    /// <summary>Bytes this stream holds in memory, compressed and pending.</summary>
    public long MemoryBytes => _output.Length + _data.Length;

    private void Spill()
    {
        var block = _codec.BlockSize;
        var whole = _data.Length / block * block;
        Store(_data.Written[..whole]);
        _spilled += whole;
        _data.RemoveFront(whole);
    }

    private void Store(ReadOnlySpan<byte> source)
    {
        if (_codec.Kind == Metadata.OrcCompression.None)
        {
            _output.Write(source);
            return;
        }
        var block = _codec.BlockSize;
        for (var start = 0; start < source.Length; start += block)
        {
            _chunkStarts.Add(_output.Length);
            _codec.CompressChunk(source.Slice(start, Math.Min(block, source.Length - start)), _output);
        }
    }

    /// <summary>Compresses what is pending; the stream is complete in <see cref="Output"/>.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        Store(_data.Written);
        _spilled += _data.Length;
        _data.Clear();
        _chunkStarts.Add(_output.Length);
        _finished = true;
    }

    public void Clear()
    {
        _data.Clear();
        _output.Clear();
        _chunkStarts.Clear();
        _spilled = 0;
        _finished = false;
    }

    /// <summary>Gives pooled arrays back when the writer is disposed.</summary>
    public void Release()
    {
        _data.Release();
        _output.Release();
    }

    /// <summary>Appends the row index form of an uncompressed offset (after <see cref="Finish"/>).</summary>
    public void AddPosition(long offset, bool compressed, List<ulong> positions)
    {
        if (!compressed)
        {
            positions.Add((ulong)offset);
            return;
        }
        // Integer division: offsets on a chunk boundary point at the start of the next chunk (or the stream's end).
        var block = _codec.BlockSize;
        var chunk = (int)(offset / block);
        positions.Add((ulong)_chunkStarts[Math.Min(chunk, _chunkStarts.Count - 1)]);
        positions.Add((ulong)(offset - ((long)chunk * block)));
    }
}

/// <summary>
/// A recorded row index position: stream offsets (translated after compression) and plain counts, in the order the
/// specification gives for the column's streams.
/// </summary>
internal sealed class PositionRecorder
{
    private readonly List<(StreamBuffer? Stream, long Value)> _items = [];

    public void AddStream(StreamBuffer stream, long offset) => _items.Add((stream, offset));

    public void AddCount(long value) => _items.Add((null, value));

    public List<ulong> Resolve(bool compressed)
    {
        var positions = new List<ulong>(_items.Count + 4);
        foreach (var (stream, value) in _items)
        {
            if (stream is null)
            {
                positions.Add((ulong)value);
            }
            else
            {
                stream.AddPosition(value, compressed, positions);
            }
        }
        return positions;
    }
}
