using System.IO.Compression;

namespace Tributary.Delivery.Compression;

/// <summary>Choices for <see cref="ObjectCompression.CreateWriter"/>.</summary>
public sealed record ObjectCompressionOptions
{
    /// <summary>Leave the destination open when the writer is disposed (default: the writer owns it).</summary>
    public bool LeaveOpen { get; init; }

    /// <summary>GZIP and ZIP: the deflate level; Optimal is zlib's default (6).</summary>
    public CompressionLevel Level { get; init; } = CompressionLevel.Optimal;

    /// <summary>ZIP: the name of the archive's one entry; <see cref="ObjectCompression.ZipEntryName"/> derives it from the key.</summary>
    public string ZipEntryName { get; init; } = "data";

    /// <summary>
    /// ZIP: the entry's modification time. Pass the object's instant so that rewriting an object after a crash produces
    /// the same bytes (the default, the current time, would not).
    /// </summary>
    public DateTimeOffset ZipEntryTime { get; init; } = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// Streaming writers for the object codecs (<see cref="CompressionFormat"/>): an encoder writes an object's records to the returned stream and
/// disposes it, which writes the trailer (and closes the destination unless <see cref="ObjectCompressionOptions.LeaveOpen"/>).
/// The writers are write-only and not seekable, buffer at most one block (64 KiB Snappy, about 213 KiB Hadoop-Snappy),
/// allocate nothing per write after the first block, and are not thread-safe (one writer per object).
/// <list type="bullet">
/// <item>UNCOMPRESSED: the bytes as written.</item>
/// <item>GZIP: one gzip member (RFC 1952) from System.IO.Compression (mtime 0, so output is deterministic).</item>
/// <item>ZIP: a zip archive with one deflated entry named <see cref="ObjectCompressionOptions.ZipEntryName"/>.</item>
/// <item>Snappy: the snappy framing format (google/snappy framing_format.txt: stream identifier, then chunks of at most
/// 64 KiB of input, each with the masked CRC-32C of its uncompressed bytes), the format of <c>.snappy</c> streams
/// (python-snappy, snzip's default).</item>
/// <item>HADOOP_SNAPPY: Hadoop's BlockCompressorStream framing (see <see cref="HadoopSnappyWriteStream"/>).</item>
/// </list>
/// </summary>
public static class ObjectCompression
{
    public static Stream CreateWriter(CompressionFormat format, Stream destination, ObjectCompressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new ObjectCompressionOptions();
        return format switch
        {
            CompressionFormat.Uncompressed => new PassThroughWriteStream(destination, options.LeaveOpen),
            CompressionFormat.Gzip => new GzipWriteStream(destination, options),
            CompressionFormat.Zip => new ZipEntryWriteStream(destination, options),
            CompressionFormat.Snappy => new SnappyFramedWriteStream(destination, options.LeaveOpen),
            CompressionFormat.HadoopSnappy => new HadoopSnappyWriteStream(destination, options.LeaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown compression format"),
        };
    }

    /// <summary>
    /// The entry name Tributary gives the one file in a ZIP object: the key's last segment without a trailing
    /// <c>.zip</c> (what unzipping "name.zip" leads people to expect).
    /// </summary>
    public static string ZipEntryName(string objectKey)
    {
        ArgumentNullException.ThrowIfNull(objectKey);
        var name = objectKey[(objectKey.LastIndexOf('/') + 1)..];
        if (name.EndsWith(".zip", StringComparison.Ordinal) && name.Length > 4)
        {
            name = name[..^4];
        }
        return name.Length == 0 ? "data" : name;
    }
}
