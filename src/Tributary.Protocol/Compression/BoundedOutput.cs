using System.Buffers;

namespace Tributary.Protocol.Compression;

/// <summary>
/// The decoders' view of the caller's destination: it counts what has been appended and refuses
/// to go past the caller's limit, so a small malicious input (a "zip bomb") costs at most
/// <c>limit</c> bytes of output before it is rejected. Mutable struct: pass it by <c>ref</c>.
/// </summary>
internal struct BoundedOutput
{
    /// <summary>How much a streaming decoder is offered per call; large enough to amortise the
    /// decoder call and small enough that the destination never has to grow by much at once.</summary>
    internal const int ChunkSize = 64 * 1024;

    private readonly IBufferWriter<byte> _destination;
    private readonly int _limit;
    private readonly CompressionCodec _codec;
    private long _written;

    public BoundedOutput(IBufferWriter<byte> destination, int limit, CompressionCodec codec)
    {
        _destination = destination;
        _limit = limit;
        _codec = codec;
        _written = 0;
    }

    public readonly long Written => _written;

    /// <summary>Bytes that may still be appended.</summary>
    public readonly long Remaining => _limit - _written;

    /// <summary>
    /// A span for a streaming decoder to fill. It is one byte longer than the remaining budget
    /// (when that is below <see cref="ChunkSize"/>): a decoder that fills the extra byte has shown
    /// the output exceeds the limit, without needing a codec-specific "is more pending" query.
    /// Never empty.
    /// </summary>
    public readonly Span<byte> GetChunk()
    {
        var size = (int)Math.Min(ChunkSize, _limit - _written + 1);
        return _destination.GetSpan(size)[..size];
    }

    /// <summary>
    /// Exactly <paramref name="length"/> contiguous bytes, for decoders whose block must be
    /// whole in memory (Snappy copies refer back into the block). Throws when over budget.
    /// </summary>
    public readonly Span<byte> GetExact(int length)
    {
        EnsureRoom(length);
        return _destination.GetSpan(length)[..length];
    }

    /// <summary>Throws unless <paramref name="length"/> more bytes fit in the budget.</summary>
    public readonly void EnsureRoom(long length)
    {
        if (length > _limit - _written)
        {
            throw new CompressionException(
                _codec, $"decompressed data exceeds the limit of {_limit} bytes");
        }
    }

    /// <summary>Commits <paramref name="count"/> bytes written into the span last handed out.</summary>
    public void Advance(int count)
    {
        EnsureRoom(count);
        _destination.Advance(count);
        _written += count;
    }
}
