using Tributary.Orc.Compression;

namespace Tributary.Orc.Writer;

/// <summary>
/// The uncompressed bytes of one stream of the current stripe. Row index positions are taken as uncompressed offsets
/// (<see cref="Position"/>) and translated when the stream is compressed at the end of the stripe: chunk k holds
/// uncompressed bytes [k·block, (k+1)·block), so an offset maps to (compressed start of its chunk, offset in it).
/// </summary>
internal sealed class StreamBuffer
{
    private readonly ByteBuffer _data = new(1024);
    private long[] _chunkStarts = [];

    public ByteBuffer Data => _data;

    public long Position => _data.Length;

    public void Clear()
    {
        _data.Clear();
        _chunkStarts = [];
    }

    /// <summary>Compresses the stream into <paramref name="output"/> and remembers where each chunk began.</summary>
    public void CompressInto(OrcCodec codec, ByteBuffer output)
    {
        var source = _data.Written;
        if (codec.Kind == Metadata.OrcCompression.None)
        {
            output.Write(source);
            return;
        }
        var chunks = (source.Length + codec.BlockSize - 1) / codec.BlockSize;
        _chunkStarts = new long[chunks + 1];
        var start = output.Length;
        for (var k = 0; k < chunks; k++)
        {
            _chunkStarts[k] = output.Length - start;
            var piece = source.Slice(k * codec.BlockSize, Math.Min(codec.BlockSize, source.Length - (k * codec.BlockSize)));
            codec.CompressChunk(piece, output);
        }
        _chunkStarts[chunks] = output.Length - start;
    }

    /// <summary>Appends the row index form of an uncompressed offset (after <see cref="CompressInto"/>).</summary>
    public void AddPosition(long offset, bool compressed, List<ulong> positions)
    {
        if (!compressed)
        {
            positions.Add((ulong)offset);
            return;
        }
        // Integer division: offsets on a chunk boundary point at the start of the next chunk (or the stream's end).
        var chunk = (int)(offset / _chunkBlockSize);
        positions.Add((ulong)_chunkStarts[Math.Min(chunk, _chunkStarts.Length - 1)]);
        positions.Add((ulong)(offset - ((long)chunk * _chunkBlockSize)));
    }

    private int _chunkBlockSize = 1;

    public void SetBlockSize(int blockSize) => _chunkBlockSize = blockSize;
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
