using System.Buffers;
using System.Runtime.InteropServices;
using Tributary.Protocol.Compression.Native;

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
    /// zstd ZSTD_minCLevel()..ZSTD_maxCLevel(). Ignored for None and Snappy.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">Unknown codec or framing, or a level out of range.</exception>
    /// <exception cref="DllNotFoundException">liblz4.so.1 or libzstd.so.1 is not installed.</exception>
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
    /// batch attributes can carry 5-7), output over the limit, or a missing native library. On
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
    /// False when the codec needs a native library that cannot be loaded (liblz4.so.1 for Lz4,
    /// libzstd.so.1 for Zstd), so a server can report that at startup rather than per batch.
    /// </summary>
    public static bool IsAvailable(CompressionCodec codec) => codec switch
    {
        CompressionCodec.None or CompressionCodec.Gzip or CompressionCodec.Snappy => true,
        CompressionCodec.Lz4 => CanLoad(Lz4Native.Library),
        CompressionCodec.Zstd => CanLoad(ZstdNative.Library),
        _ => false,
    };

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
