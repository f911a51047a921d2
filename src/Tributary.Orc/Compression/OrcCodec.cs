using System.IO.Compression;
using K4os.Compression.LZ4;
using Snappier;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Compression;

/// <summary>
/// ORC's compression framing: a compressed stream (and the footer and metadata) is a sequence of chunks, each with a
/// 3-byte little-endian header <c>length * 2 + isOriginal</c> followed by <c>length</c> bytes, either the codec's
/// output or, when compressing did not make the chunk smaller, the original bytes. A chunk holds at most
/// <c>compressionBlockSize</c> uncompressed bytes. ZLIB is raw deflate (no zlib header), SNAPPY and LZ4 raw blocks,
/// ZSTD a zstd frame. With compression NONE streams are not chunked at all. One instance per reader or writer: the
/// codec contexts it keeps are not thread-safe.
/// </summary>
internal sealed class OrcCodec : IDisposable
{
    /// <summary>The largest chunk the 23-bit length of a chunk header can describe.</summary>
    public const int MaxChunkLength = (1 << 23) - 1;

    private readonly ZstdSharp.Decompressor? _zstdDecompressor;
    private readonly ZstdSharp.Compressor? _zstdCompressor;

    public OrcCodec(OrcCompression kind, int blockSize, int level = -1)
    {
        Kind = kind;
        BlockSize = blockSize;
        if (kind is not (OrcCompression.None or OrcCompression.Zlib or OrcCompression.Snappy or OrcCompression.Lz4 or OrcCompression.Zstd or OrcCompression.Lzo))
        {
            throw new OrcFormatException($"Unknown ORC compression kind {(int)kind}.");
        }
        if (kind != OrcCompression.None && (blockSize <= 0 || blockSize > MaxChunkLength))
        {
            throw new OrcFormatException($"ORC compression block size {blockSize} is out of range (1..{MaxChunkLength}).");
        }
        if (kind == OrcCompression.Zstd)
        {
            _zstdDecompressor = new ZstdSharp.Decompressor();
            _zstdCompressor = new ZstdSharp.Compressor(level < 0 ? 3 : level);
        }
        Level = level;
    }

    public OrcCompression Kind { get; }

    public int BlockSize { get; }

    public int Level { get; }

    /// <summary>
    /// The whole uncompressed content of a stream (or the footer, or the metadata). <paramref name="what"/> names it
    /// in errors.
    /// </summary>
    public byte[] Decompress(ReadOnlySpan<byte> data, string what)
    {
        if (Kind == OrcCompression.None)
        {
            return data.ToArray();
        }
        var output = new MemoryStream(Math.Min(Math.Max(data.Length * 3, 64), 1 << 24));
        var chunk = new byte[BlockSize];
        var position = 0;
        while (position < data.Length)
        {
            if (data.Length - position < 3)
            {
                throw new OrcFormatException($"ORC {what}: a compression chunk header is truncated at byte {position}.");
            }
            var header = data[position] | (data[position + 1] << 8) | (data[position + 2] << 16);
            position += 3;
            var isOriginal = (header & 1) == 1;
            var length = header >> 1;
            if (length > data.Length - position)
            {
                throw new OrcFormatException($"ORC {what}: a compression chunk of {length} bytes runs past the end of the stream ({data.Length - position} left).");
            }
            var body = data.Slice(position, length);
            position += length;
            if (isOriginal)
            {
                output.Write(body);
                continue;
            }
            var written = DecompressChunk(body, chunk, what);
            output.Write(chunk, 0, written);
        }
        return output.ToArray();
    }

    private int DecompressChunk(ReadOnlySpan<byte> body, byte[] chunk, string what)
    {
        try
        {
            switch (Kind)
            {
                case OrcCompression.Zlib:
                    {
                        unsafe
                        {
                            fixed (byte* pointer = body)
                            {
                                using var input = new UnmanagedMemoryStream(pointer, body.Length);
                                using var deflate = new DeflateStream(input, CompressionMode.Decompress);
                                var total = 0;
                                while (total < chunk.Length)
                                {
                                    var read = deflate.Read(chunk, total, chunk.Length - total);
                                    if (read == 0)
                                    {
                                        return total;
                                    }
                                    total += read;
                                }
                                if (deflate.ReadByte() >= 0)
                                {
                                    throw TooLarge(what);
                                }
                                return total;
                            }
                        }
                    }
                case OrcCompression.Snappy:
                    {
                        var length = Snappy.GetUncompressedLength(body);
                        if (length > chunk.Length)
                        {
                            throw TooLarge(what);
                        }
                        return Snappy.Decompress(body, chunk);
                    }
                case OrcCompression.Lz4:
                    {
                        var written = LZ4Codec.Decode(body, chunk);
                        if (written < 0)
                        {
                            throw new OrcFormatException($"ORC {what}: an LZ4 chunk is corrupt or larger than the compression block size {BlockSize}.");
                        }
                        return written;
                    }
                case OrcCompression.Zstd:
                    return _zstdDecompressor!.Unwrap(body, chunk);
                case OrcCompression.Lzo:
                    return Lzo.Decompress(body, chunk, what);
                default:
                    throw new OrcFormatException($"ORC {what}: unknown compression {Kind}.");
            }
        }
        catch (OrcFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or ZstdSharp.ZstdException)
        {
            throw new OrcFormatException($"ORC {what}: a {Kind.ToString().ToUpperInvariant()} chunk is corrupt ({e.Message})", e);
        }
    }

    private OrcFormatException TooLarge(string what) =>
        new($"ORC {what}: a compression chunk decompresses to more than the compression block size {BlockSize}.");

    /// <summary>
    /// Appends one chunk (header and body) for <paramref name="source"/> (at most <see cref="BlockSize"/> bytes) to
    /// <paramref name="output"/>; the original bytes are kept when the codec does not make them smaller.
    /// </summary>
    public void CompressChunk(ReadOnlySpan<byte> source, ByteBuffer output)
    {
        var headerAt = output.Length;
        output.Reserve(3);
        var bound = Kind switch
        {
            OrcCompression.Snappy => Snappy.GetMaxCompressedLength(source.Length),
            OrcCompression.Lz4 => LZ4Codec.MaximumOutputSize(source.Length),
            OrcCompression.Zstd => ZstdSharp.Compressor.GetCompressBound(source.Length),
            _ => source.Length + (source.Length >> 3) + 64,
        };
        var target = output.GetSpan(bound);
        int written;
        switch (Kind)
        {
            case OrcCompression.Snappy:
                written = Snappy.Compress(source, target);
                break;
            case OrcCompression.Lz4:
                written = LZ4Codec.Encode(source, target, Level >= 3 ? LZ4Level.L09_HC : LZ4Level.L00_FAST);
                break;
            case OrcCompression.Zstd:
                written = _zstdCompressor!.Wrap(source, target);
                break;
            case OrcCompression.Zlib:
                written = Deflate(source, target);
                break;
            default:
                throw new OrcFormatException($"The ORC writer does not compress with {Kind}.");
        }
        int header;
        if (written <= 0 || written >= source.Length)
        {
            source.CopyTo(output.GetSpan(source.Length));
            output.Advance(source.Length);
            header = (source.Length << 1) | 1;
        }
        else
        {
            output.Advance(written);
            header = written << 1;
        }
        var h = output.Span(headerAt, 3);
        h[0] = (byte)header;
        h[1] = (byte)(header >> 8);
        h[2] = (byte)(header >> 16);
    }

    private int Deflate(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var level = Level switch
        {
            < 0 => CompressionLevel.Optimal,
            0 => CompressionLevel.NoCompression,
            <= 3 => CompressionLevel.Fastest,
            >= 9 => CompressionLevel.SmallestSize,
            _ => CompressionLevel.Optimal,
        };
        _deflateBuffer ??= new MemoryStream();
        _deflateBuffer.SetLength(0);
        using (var deflate = new DeflateStream(_deflateBuffer, level, leaveOpen: true))
        {
            deflate.Write(source);
        }
        var length = (int)_deflateBuffer.Length;
        if (length > target.Length)
        {
            return -1;
        }
        _deflateBuffer.GetBuffer().AsSpan(0, length).CopyTo(target);
        return length;
    }

    private MemoryStream? _deflateBuffer;

    public void Dispose()
    {
        _zstdDecompressor?.Dispose();
        _zstdCompressor?.Dispose();
    }
}
