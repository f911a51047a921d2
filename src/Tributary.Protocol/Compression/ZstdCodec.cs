using System.Buffers;
using Tributary.Protocol.Compression.Native;

namespace Tributary.Protocol.Compression;

/// <summary>
/// Zstandard, Kafka codec 4, through libzstd.
/// </summary>
internal static class ZstdCodec
{
    /// <param name="level">
    /// -1 for libzstd's default (3), otherwise ZSTD_minCLevel()..ZSTD_maxCLevel(). Because -1
    /// means "default" here, zstd's own negative level -1 cannot be requested.
    /// </param>
    public static unsafe void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level)
    {
        if (level != -1 && (level < ZstdNative.MinCompressionLevel() || level > ZstdNative.MaxCompressionLevel()))
        {
            throw new ArgumentOutOfRangeException(
                nameof(level),
                level,
                $"zstd levels are -1 (default) or {ZstdNative.MinCompressionLevel()} to {ZstdNative.MaxCompressionLevel()}.");
        }

        var bound = ZstdNative.CompressBound((nuint)source.Length);
        if (ZstdNative.IsError(bound) != 0 || bound > int.MaxValue)
        {
            throw new ArgumentException($"{source.Length} bytes are too many for one zstd frame.", nameof(source));
        }

        var output = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* input = source)
        fixed (byte* target = output)
        {
            // ZSTD_compress treats level 0 as its default level.
            written = ZstdNative.Compress(target, (nuint)output.Length, input, (nuint)source.Length, level == -1 ? 0 : level);
        }

        if (ZstdNative.IsError(written) != 0)
        {
            throw new CompressionException(CompressionCodec.Zstd, $"compression failed: {ZstdNative.ErrorName(written)}");
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
            stream = ZstdNative.CreateDStream();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw Error($"native library {ZstdNative.Library} is not available", e);
        }

        if (stream == 0)
        {
            throw Error("cannot create a decompression stream");
        }

        try
        {
            var initialized = ZstdNative.InitDStream(stream);
            if (ZstdNative.IsError(initialized) != 0)
            {
                throw Error($"cannot initialise the decompression stream: {ZstdNative.ErrorName(initialized)}");
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
                        result = ZstdNative.DecompressStream(stream, &outBuffer, &inBuffer);
                        produced = (int)outBuffer.Position;
                    }

                    if (ZstdNative.IsError(result) != 0)
                    {
                        throw Error(ZstdNative.ErrorName(result));
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
            ZstdNative.FreeDStream(stream);
        }
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Zstd, message);

    private static CompressionException Error(string message, Exception inner) => new(CompressionCodec.Zstd, message, inner);
}
