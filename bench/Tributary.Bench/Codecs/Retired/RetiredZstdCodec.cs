// Retired from src/ by the codec re-check (issue 12): Tributary's own implementation as it was at e269ddc, kept
// unchanged but for names so that `Tributary.Bench codecs` can keep measuring it against its replacement.
using System.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Bench.Codecs.Retired;

/// <summary>
/// Zstandard, Kafka codec 4, through libzstd.
/// </summary>
internal static class RetiredZstdCodec
{
    /// <param name="level">
    /// -1 for libzstd's default (3), otherwise ZSTD_minCLevel()..ZSTD_maxCLevel(). Because -1
    /// means "default" here, zstd's own negative level -1 cannot be requested.
    /// </param>
    public static unsafe void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level)
    {
        if (level != -1 && (level < RetiredZstdNative.MinCompressionLevel() || level > RetiredZstdNative.MaxCompressionLevel()))
        {
            throw new ArgumentOutOfRangeException(
                nameof(level),
                level,
                $"zstd levels are -1 (default) or {RetiredZstdNative.MinCompressionLevel()} to {RetiredZstdNative.MaxCompressionLevel()}.");
        }

        var bound = RetiredZstdNative.CompressBound((nuint)source.Length);
        if (RetiredZstdNative.IsError(bound) != 0 || bound > int.MaxValue)
        {
            throw new ArgumentException($"{source.Length} bytes are too many for one zstd frame.", nameof(source));
        }

        var output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* input = source)
        fixed (byte* target = output)
        {
            // ZSTD_compress treats level 0 as its default level.
            written = RetiredZstdNative.Compress(target, (nuint)output.Length, input, (nuint)source.Length, level == -1 ? 0 : level);
        }

        if (RetiredZstdNative.IsError(written) != 0)
        {
            throw new CompressionException(CompressionCodec.Zstd, $"compression failed: {RetiredZstdNative.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    /// <summary>
    /// Decodes one or more concatenated frames (skippable frames included) with the streaming
    /// decoder, which unlike ZSTD_decompress needs no content size in the frame header (streaming
    /// producers such as zstd-jni omit it). Truncation shows as a non-zero hint once all input is
    /// consumed while output room is left. The decoder's window memory is capped by libzstd's
    /// default window limit (128 MiB), whatever the frame header claims.
    /// </summary>
    public static unsafe void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        nint stream;
        try
        {
            stream = RetiredZstdNative.CreateDStream();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw Error($"native library {RetiredZstdNative.Library} is not available", e);
        }

        if (stream == 0)
        {
            throw Error("cannot create a decompression stream");
        }

        try
        {
            var initialized = RetiredZstdNative.InitDStream(stream);
            if (RetiredZstdNative.IsError(initialized) != 0)
            {
                throw Error($"cannot initialise the decompression stream: {RetiredZstdNative.ErrorName(initialized)}");
            }

            fixed (byte* input = source)
            {
                var inBuffer = new ZstdInBuffer { Source = input, Size = (nuint)source.Length };
                while (true)
                {
                    var chunk = output.GetChunk();
                    var consumedBefore = inBuffer.Position;
                    nuint result;
                    int produced;
                    fixed (byte* target = chunk)
                    {
                        var outBuffer = new ZstdOutBuffer { Destination = target, Size = (nuint)chunk.Length };
                        result = RetiredZstdNative.DecompressStream(stream, &outBuffer, &inBuffer);
                        produced = (int)outBuffer.Position;
                    }

                    if (RetiredZstdNative.IsError(result) != 0)
                    {
                        throw Error(RetiredZstdNative.ErrorName(result));
                    }

                    if (produced != 0)
                    {
                        output.Advance(produced);
                    }

                    var inputDone = inBuffer.Position == inBuffer.Size;
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

                    if (inBuffer.Position == consumedBefore && produced == 0)
                    {
                        throw Error("decoder made no progress");
                    }
                }
            }
        }
        finally
        {
            RetiredZstdNative.FreeDStream(stream);
        }
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Zstd, message);

    private static CompressionException Error(string message, Exception inner) => new(CompressionCodec.Zstd, message, inner);
}
