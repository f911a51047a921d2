namespace Tributary.Protocol.Compression;

/// <summary>
/// How <see cref="BatchCompression.Compress"/> lays out Snappy output. Decompression detects the
/// framing by itself, so this choice only matters for which clients can read what we write.
/// </summary>
public enum SnappyFraming
{
    /// <summary>
    /// snappy-java's stream format (magic header, then length-prefixed blocks). The Java client
    /// writes and expects this; librdkafka reads it too, so it is the safe default.
    /// </summary>
    Xerial,

    /// <summary>One bare Snappy block, as librdkafka writes.</summary>
    Raw,
}
