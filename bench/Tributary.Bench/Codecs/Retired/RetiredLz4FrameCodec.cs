// Retired from src/ by the codec re-check (issue 12): Tributary's own implementation as it was at e269ddc, kept
// unchanged but for names so that `Tributary.Bench codecs` can keep measuring it against its replacement.
using System.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Bench.Codecs.Retired;

/// <summary>
/// LZ4 frame format (magic 0x184D2204), Kafka codec 3 for magic-v2 batches, through liblz4.
/// </summary>
internal static class RetiredLz4FrameCodec
{
    /// <summary>LZ4HC's highest level; liblz4 treats anything above it as 12. Kafka accepts up to 17.</summary>
    private const int MaxLevel = 17;

    /// <summary>
    /// Writes one frame shaped like the Java client's: 64 KiB blocks, no content size, no block or
    /// content checksums (the record batch's own CRC-32C already covers the payload). Blocks must
    /// be independent: the Java client's reader decodes each block on its own, with no previous
    /// block as dictionary, so linked blocks (liblz4's default) would corrupt Java consumers.
    /// </summary>
    /// <param name="level">-1 for liblz4's default (fast mode), otherwise 0-17; 3 and above use LZ4HC.</param>
    public static unsafe void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level)
    {
        if (level is < -1 or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "lz4 levels are -1 (default) or 0-17.");
        }

        var preferences = new Lz4Preferences
        {
            FrameInfo = new Lz4FrameInfo
            {
                BlockSizeId = RetiredLz4Native.BlockSize64KiB,
                BlockMode = RetiredLz4Native.BlockIndependent,
            },
            CompressionLevel = level == -1 ? 0 : level,
        };

        var bound = RetiredLz4Native.CompressFrameBound((nuint)source.Length, &preferences);
        if (RetiredLz4Native.IsError(bound) != 0 || bound > int.MaxValue)
        {
            throw new ArgumentException($"{source.Length} bytes are too many for one LZ4 frame.", nameof(source));
        }

        var output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* input = source)
        fixed (byte* target = output)
        {
            written = RetiredLz4Native.CompressFrame(target, (nuint)output.Length, input, (nuint)source.Length, &preferences);
        }

        if (RetiredLz4Native.IsError(written) != 0)
        {
            throw new CompressionException(CompressionCodec.Lz4, $"compression failed: {RetiredLz4Native.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    /// <summary>
    /// Decodes one or more concatenated frames. Truncation is detected by liblz4 still wanting
    /// input (a non-zero hint) when all input has been given and it has output room left.
    /// </summary>
    public static unsafe void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        nint context;
        try
        {
            var created = RetiredLz4Native.CreateDecompressionContext(&context, RetiredLz4Native.FrameVersion);
            if (RetiredLz4Native.IsError(created) != 0)
            {
                throw Error($"cannot create a decompression context: {RetiredLz4Native.ErrorName(created)}");
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw Error($"native library {RetiredLz4Native.Library} is not available", e);
        }

        try
        {
            fixed (byte* input = source)
            {
                var consumed = 0;
                while (true)
                {
                    var chunk = output.GetChunk();
                    var sourceSize = (nuint)(source.Length - consumed);
                    var produced = (nuint)chunk.Length;
                    nuint hint;
                    fixed (byte* target = chunk)
                    {
                        hint = RetiredLz4Native.Decompress(context, target, &produced, input + consumed, &sourceSize, null);
                    }

                    if (RetiredLz4Native.IsError(hint) != 0)
                    {
                        throw Error(RetiredLz4Native.ErrorName(hint));
                    }

                    consumed += (int)sourceSize;
                    if (produced != 0)
                    {
                        output.Advance((int)produced);
                    }

                    var inputDone = consumed == source.Length;
                    if (hint == 0)
                    {
                        if (inputDone)
                        {
                            return;
                        }

                        continue;
                    }

                    if (inputDone && (int)produced < chunk.Length)
                    {
                        throw Error(source.IsEmpty ? "input is empty" : "frame is truncated");
                    }

                    if (sourceSize == 0 && produced == 0)
                    {
                        throw Error("decoder made no progress");
                    }
                }
            }
        }
        finally
        {
            RetiredLz4Native.FreeDecompressionContext(context);
        }
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Lz4, message);

    private static CompressionException Error(string message, Exception inner) => new(CompressionCodec.Lz4, message, inner);
}
