using System.Text;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Records;

namespace Tributary.Storage.Tests;

public static class Batches
{
    /// <summary>A batch of <paramref name="count"/> records "key-i" → "value-i-…" starting at timestamp.</summary>
    public static byte[] Make(int count, long timestamp = 1_700_000_000_000, int valueSize = 20, string keyPrefix = "key", CompressionCodec codec = CompressionCodec.None, int seed = 0)
    {
        using var builder = new RecordBatchBuilder(timestamp);
        for (var i = 0; i < count; i++)
        {
            var value = new byte[valueSize];
            for (var j = 0; j < valueSize; j++)
            {
                value[j] = (byte)(seed + i + j);
            }
            builder.Append(timestamp + i, Encoding.UTF8.GetBytes($"{keyPrefix}-{i}"), value);
        }
        return builder.ToArray(new BatchOptions { Codec = codec });
    }

    /// <summary>A batch of the given key/value pairs (null value = tombstone) with one timestamp each.</summary>
    public static byte[] Keyed(IEnumerable<(string Key, string? Value)> records, long timestamp, CompressionCodec codec = CompressionCodec.None)
    {
        using var builder = new RecordBatchBuilder(timestamp);
        foreach (var (key, value) in records)
        {
            builder.Append(timestamp, Encoding.UTF8.GetBytes(key), value is null ? default : Encoding.UTF8.GetBytes(value), hasValue: value is not null);
        }
        return builder.ToArray(new BatchOptions { Codec = codec });
    }

    /// <summary>Splits a read region into batches, validating each one.</summary>
    public static List<byte[]> Split(byte[] region)
    {
        var batches = new List<byte[]>();
        var position = 0;
        while (position < region.Length)
        {
            var error = RecordBatchValidator.ValidateAt(region.AsSpan(position), BatchOrigin.Internal, out var size);
            Assert.Equal(BatchError.None, error);
            batches.Add(region.AsSpan(position, size).ToArray());
            position += size;
        }
        return batches;
    }

    /// <summary>Every record in the log from the log start to the high watermark: (offset, key, value, timestamp).</summary>
    public static List<(long Offset, string? Key, string? Value, long Timestamp)> ReadAll(PartitionLog log)
    {
        var records = new List<(long, string?, string?, long)>();
        var offset = log.LogStartOffset;
        using var scratch = new Tributary.Foundation.Buffers.PooledBufferWriter();
        while (offset < log.HighWatermark)
        {
            using var read = log.Read(offset, 64 * 1024);
            if (read.IsEmpty)
            {
                break;
            }
            foreach (var batch in Split(read.ToArray()))
            {
                var baseOffset = RecordBatch.BaseOffset(batch);
                var reader = BatchRecords.Read(batch, scratch);
                while (reader.TryReadNext(out var record))
                {
                    var recordOffset = baseOffset + record.OffsetDelta;
                    if (recordOffset >= offset)
                    {
                        records.Add((recordOffset, record.HasKey ? Encoding.UTF8.GetString(record.Key) : null, record.HasValue ? Encoding.UTF8.GetString(record.Value) : null, RecordBatch.BaseTimestamp(batch) + record.TimestampDelta));
                    }
                }
                offset = Math.Max(offset, RecordBatch.NextOffset(batch));
            }
        }
        return records;
    }
}
