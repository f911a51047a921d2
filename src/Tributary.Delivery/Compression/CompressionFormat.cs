namespace Tributary.Delivery.Compression;

/// <summary>
/// The object codecs of <see cref="ObjectCompression"/>. Dialects store these as numbers in their persisted
/// definitions (delivery streams' <c>streams.json</c> does): never reorder or renumber.
/// </summary>
public enum CompressionFormat
{
    Uncompressed,
    Gzip,
    Zip,
    Snappy,
    HadoopSnappy,
}
