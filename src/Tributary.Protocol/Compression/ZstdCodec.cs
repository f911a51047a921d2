using System.Buffers;
using ZstdSharp.Unsafe;

namespace Tributary.Protocol.Compression;

/// <summary>
/// Zstandard, Kafka codec 4, through ZstdSharp: a line-by-line C# port of libzstd that keeps its C API
/// (<see cref="Methods"/>), so this is the same streaming code that ran over libzstd through P/Invoke before
/// bench/results/codecs.jsonl showed the port decoding record batches at least as fast (docs/architecture.md).
/// </summary>
internal static class ZstdCodec
{
    /// <param name="level">
    /// -1 for zstd's default (3), otherwise ZSTD_minCLevel()..ZSTD_maxCLevel(). Because -1
    /// means "default" here, zstd's own negative level -1 cannot be requested.
    /// </param>
    public static unsafe void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level)
    {
        if (level != -1 && (level < Methods.ZSTD_minCLevel() || level > Methods.ZSTD_maxCLevel()))
        {
            throw new ArgumentOutOfRangeException(
                nameof(level),
                level,
                $"zstd levels are -1 (default) or {Methods.ZSTD_minCLevel()} to {Methods.ZSTD_maxCLevel()}.");
        }

        var bound = Methods.ZSTD_compressBound((nuint)source.Length);
        if (Methods.ZSTD_isError(bound) || bound > int.MaxValue)
        {
            throw new ArgumentException($"{source.Length} bytes are too many for one zstd frame.", nameof(source));
        }

        var output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* input = source)
        fixed (byte* target = output)
        {
            // ZSTD_compress treats level 0 as its default level.
            written = Methods.ZSTD_compress(target, (nuint)output.Length, input, (nuint)source.Length, level == -1 ? 0 : level);
        }

        if (Methods.ZSTD_isError(written))
        {
            throw new CompressionException(CompressionCodec.Zstd, $"compression failed: {Methods.ZSTD_getErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    /// <summary>
    /// Decodes one or more concatenated frames (skippable frames included) with the streaming
    /// decoder, which unlike ZSTD_decompress needs no content size in the frame header (streaming
    /// producers such as zstd-jni omit it). Truncation shows as a non-zero hint once all input is
    /// consumed while output room is left. The decoder's window memory is capped by zstd's
    /// default window limit (128 MiB), whatever the frame header claims.
    /// </summary>
    public static unsafe void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        var stream = Methods.ZSTD_createDStream();
        if (stream == null)
        {
            throw Error("cannot create a decompression stream");
        }

        try
        {
            var initialized = Methods.ZSTD_initDStream(stream);
            if (Methods.ZSTD_isError(initialized))
            {
                throw Error($"cannot initialise the decompression stream: {Methods.ZSTD_getErrorName(initialized)}");
            }

            fixed (byte* input = source)
            {
                var inBuffer = new ZSTD_inBuffer_s { src = input, size = (nuint)source.Length };
                while (true)
                {
                    var chunk = output.GetChunk();
                    var consumedBefore = inBuffer.pos;
                    nuint result;
                    int produced;
                    fixed (byte* target = chunk)
                    {
                        var outBuffer = new ZSTD_outBuffer_s { dst = target, size = (nuint)chunk.Length };
                        result = Methods.ZSTD_decompressStream(stream, &outBuffer, &inBuffer);
                        produced = (int)outBuffer.pos;
                    }

                    if (Methods.ZSTD_isError(result))
                    {
                        throw Error(Methods.ZSTD_getErrorName(result));
                    }

                    if (produced != 0)
                    {
                        output.Advance(produced);
                    }

                    var inputDone = inBuffer.pos == inBuffer.size;
                    if (result == 0)
                    {
                        if (inputDone)
                        {
                            return;
                        }

                        continue;
                    }

                    if (inputDone && produced < chunk.Length)
                    {
                        throw Error(source.IsEmpty ? "input is empty" : "frame is truncated");
                    }

                    if (inBuffer.pos == consumedBefore && produced == 0)
                    {
                        throw Error("decoder made no progress");
                    }
                }
            }
        }
        finally
        {
            Methods.ZSTD_freeDStream(stream);
        }
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Zstd, message);
}
