using Tributary.Delivery.Compression;
using Tributary.Delivery.Dialect;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Objects;

/// <summary>
/// Records as they are after processing, concatenated through the destination's CompressionFormat. Firehose documents
/// neither its deflate level (zlib's default is used) nor the name of a ZIP object's entry (the key's last segment
/// without <c>.zip</c>); for Snappy it names only the <c>.snappy</c> extension (the snappy framing format is written).
/// Stateless between calls.
/// </summary>
internal sealed class RawObjectEncoder(CompressionFormat compression) : IObjectEncoder<ProcessedRecord>
{
    public EncodedObject<ProcessedRecord> Write(Stream output, string key, IReadOnlyList<ProcessedRecord> records)
    {
        long bytes = 0;
        using (var writer = ObjectCompression.CreateWriter(compression, output, new ObjectCompressionOptions { LeaveOpen = true, ZipEntryName = ObjectCompression.ZipEntryName(key) }))
        {
            foreach (var record in records)
            {
                writer.Write(record.Data.Span);
                bytes += record.Data.Length;
            }
        }
        return new(records.Count, bytes, []);
    }
}
