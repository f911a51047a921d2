using System.Buffers;

namespace Tributary.Protocol.Compression;

/// <summary>
/// Compresses and decompresses the records section of a magic-v2 record batch, for every codec
/// Kafka defines. Stateless and thread-safe.
/// </summary>
public static class BatchCompression
{
    /// <summary>Default output limit of <see cref="Decompress"/>: 64 MiB.</summary>
    public const int DefaultMaxDecompressedBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Appends the compressed form of <paramref name="source"/> to <paramref name="destination"/>.
    /// Output is what the Java client writes, so every Kafka client can read it: one gzip member,
    /// xerial-framed Snappy in 64 KiB blocks (unless <paramref name="snappyFraming"/> is
    /// <see cref="SnappyFraming.Raw"/>), one LZ4 frame of 64 KiB independent blocks, one zstd frame.
    /// </summary>
    /// <param name="level">
    /// -1 for the codec library's default; otherwise gzip 0-9, lz4 0-17 (3 and up is LZ4HC),
    /// zstd ZSTD_minCLevel()..ZSTD_maxCLevel() (-131072..22). Ignored for None and Snappy.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">Unknown codec or framing, or a level out of range.</exception>
    public static void Compress(
        CompressionCodec codec,
        ReadOnlySpan<byte> source,
        IBufferWriter<byte> destination,
        SnappyFraming snappyFraming = SnappyFraming.Xerial,
        int level = -1)
    {
        ArgumentNullException.ThrowIfNull(destination);
        switch (codec)
        {
            case CompressionCodec.None:
                destination.Write(source);
                break;
            case CompressionCodec.Gzip:
                GzipCodec.Compress(source, destination, level);
                break;
            case CompressionCodec.Snappy when snappyFraming == SnappyFraming.Xerial:
                SnappyXerialFraming.Compress(source, destination);
                break;
            case CompressionCodec.Snappy when snappyFraming == SnappyFraming.Raw:
                SnappyCodec.CompressBlock(source, destination);
                break;
            case CompressionCodec.Snappy:
                throw new ArgumentOutOfRangeException(nameof(snappyFraming), snappyFraming, "Unknown Snappy framing.");
            case CompressionCodec.Lz4:
                Lz4FrameCodec.Compress(source, destination, level);
                break;
            case CompressionCodec.Zstd:
                ZstdCodec.Compress(source, destination, level);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "Unknown compression codec.");
        }
    }

    /// <summary>
    /// Appends the decompressed bytes of <paramref name="source"/> to <paramref name="destination"/>.
    /// Snappy input may be raw or xerial-framed (detected by the xerial magic); gzip, LZ4 and zstd
    /// input may hold several concatenated members/frames. Empty input is invalid for every codec
    /// except None.
    /// </summary>
    /// <param name="maxDecompressedBytes">
    /// Output limit: input that would decode to more throws. Decoders stream into the destination
    /// in chunks of at most 64 KiB and Snappy blocks are checked against the limit before any
    /// space is reserved, so a hostile input cannot make the destination grow past the limit.
    /// </param>
    /// <exception cref="CompressionException">
    /// Any bad input: malformed, truncated, corrupt, trailing garbage, an unknown codec id (the
    /// batch attributes can carry 5-7), or output over the limit. On
    /// failure part of the output may already have been appended to the destination.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDecompressedBytes"/> is negative.</exception>
    public static void Decompress(
        CompressionCodec codec,
        ReadOnlySpan<byte> source,
        IBufferWriter<byte> destination,
        int maxDecompressedBytes = DefaultMaxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedBytes);
        var output = new BoundedOutput(destination, maxDecompressedBytes, codec);
        switch (codec)
        {
            case CompressionCodec.None:
                output.EnsureRoom(source.Length);
                destination.Write(source);
                break;
            case CompressionCodec.Gzip:
                GzipCodec.Decompress(source, ref output);
                break;
            case CompressionCodec.Snappy when SnappyXerialFraming.HasHeader(source):
                SnappyXerialFraming.Decompress(source, ref output);
                break;
            case CompressionCodec.Snappy:
                SnappyCodec.DecompressBlock(source, ref output);
                break;
            case CompressionCodec.Lz4:
                Lz4FrameCodec.Decompress(source, ref output);
                break;
            case CompressionCodec.Zstd:
                ZstdCodec.Decompress(source, ref output);
                break;
            default:
                throw new CompressionException(codec, "unknown compression codec id");
        }
    }

    /// <summary>
    /// True for every codec Kafka defines. Every codec is managed code, so none can be missing at run time; kept so
    /// a server can still ask before it offers a codec.
    /// </summary>
    public static bool IsAvailable(CompressionCodec codec) =>
        codec is CompressionCodec.None or CompressionCodec.Gzip or CompressionCodec.Snappy or CompressionCodec.Lz4 or CompressionCodec.Zstd;
}
