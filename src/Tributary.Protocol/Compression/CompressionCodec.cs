namespace Tributary.Protocol.Compression;

/// <summary>
/// The codec held in bits 0-2 of a record batch's attributes. The numeric values are part of the
/// Kafka wire and disk format and must never change (frozen by CompressionCodecStabilityTests).
/// </summary>
public enum CompressionCodec : byte
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}
