namespace Tributary.Protocol.Compression;

/// <summary>
/// Thrown by <see cref="BatchCompression.Decompress"/> for any input it cannot decode: malformed,
/// truncated or corrupt data, an unknown codec id, or output beyond the caller's limit. It is the
/// only exception type Decompress throws for bad data, so a caller can map it to CORRUPT_MESSAGE
/// (or skip the batch) without a catch-all.
/// (It derives from Exception because InvalidDataException is sealed.)
/// </summary>
public sealed class CompressionException : Exception
{
    public CompressionException(CompressionCodec codec, string message)
        : base(Format(codec, message))
    {
        Codec = codec;
    }

    public CompressionException(CompressionCodec codec, string message, Exception innerException)
        : base(Format(codec, message), innerException)
    {
        Codec = codec;
    }

    /// <summary>The codec whose data failed to decode.</summary>
    public CompressionCodec Codec { get; }

    internal static string CodecName(CompressionCodec codec) => codec switch
    {
        CompressionCodec.None => "none",
        CompressionCodec.Gzip => "gzip",
        CompressionCodec.Snappy => "snappy",
        CompressionCodec.Lz4 => "lz4",
        CompressionCodec.Zstd => "zstd",
        _ => $"codec {(int)codec}",
    };

    private static string Format(CompressionCodec codec, string message) => $"{CodecName(codec)}: {message}";
}
