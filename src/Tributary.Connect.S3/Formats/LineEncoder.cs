using System.IO.Compression;
using Tributary.Connect.S3.Sink;
using Tributary.Delivery.Compression;
using Tributary.Delivery.Dialect;

namespace Tributary.Connect.S3.Formats;

/// <summary>
/// Writes the records' prepared bytes, each followed by a separator, through the object codec of
/// <c>s3.compression.type</c> (none or gzip; gzip output is deterministic: mtime 0). Stateless and thread-safe.
/// </summary>
internal sealed class LineEncoder(byte[] separator, bool gzip, int level) : IObjectEncoder<S3Record>
{
    public EncodedObject<S3Record> Write(Stream output, string key, IReadOnlyList<S3Record> records)
    {
        long bytes = 0;
        using (var writer = ObjectCompression.CreateWriter(gzip ? CompressionFormat.Gzip : CompressionFormat.Uncompressed, output,
            new ObjectCompressionOptions { LeaveOpen = true, Level = DeflateLevel(level) }))
        {
            foreach (var record in records)
            {
                var line = record.Sink.Data.Span;
                writer.Write(line);
                writer.Write(separator);
                bytes += line.Length;
            }
        }
        return new(records.Count, bytes, []);
    }

    /// <summary><c>s3.compression.level</c> (Java's Deflater levels, -1 for its default) as .NET's nearest level.</summary>
    public static CompressionLevel DeflateLevel(int level) => level switch
    {
        0 => CompressionLevel.NoCompression,
        1 or 2 or 3 => CompressionLevel.Fastest,
        9 => CompressionLevel.SmallestSize,
        _ => CompressionLevel.Optimal,
    };
}
