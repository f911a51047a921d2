using Tributary.Foundation.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Records;

/// <summary>Access to the records inside a batch, decompressing when the batch is compressed.</summary>
public static class BatchRecords
{
    /// <summary>
    /// Returns the decoded records section of a validated batch: a view of the batch itself when it is
    /// uncompressed, otherwise the payload decompressed into <paramref name="scratch"/> (which is reset first).
    /// Throws <see cref="CorruptRecordException"/> when the payload does not decompress.
    /// </summary>
    public static ReadOnlySpan<byte> Decode(ReadOnlySpan<byte> batch, PooledBufferWriter scratch, int maxDecompressedBytes = 64 * 1024 * 1024)
    {
        var codec = RecordBatch.Codec(batch);
        var payload = batch[RecordBatchLayout.RecordsOffset..];
        if (codec == CompressionCodec.None)
        {
            return payload;
        }
        scratch.Reset();
        try
        {
            BatchCompression.Decompress(codec, payload, scratch, maxDecompressedBytes);
        }
        catch (CompressionException e)
        {
            throw new CorruptRecordException($"Batch at offset {RecordBatch.BaseOffset(batch)} does not decompress ({codec}): {e.Message}", e);
        }
        return scratch.WrittenSpan;
    }

    /// <summary>A reader over the records of a validated batch (see <see cref="Decode"/>).</summary>
    public static RecordReader Read(ReadOnlySpan<byte> batch, PooledBufferWriter scratch) =>
        new(Decode(batch, scratch), RecordBatch.RecordsCount(batch));
}
