namespace Tributary.Protocol.Records;

/// <summary>Why a record batch was refused. Values are stable (logged and mapped to Kafka error codes).</summary>
public enum BatchError
{
    None = 0,
    /// <summary>Fewer bytes than the 61-byte header, or fewer than BatchLength announces.</summary>
    Truncated = 1,
    /// <summary>BatchLength is below the header size or disagrees with the bytes given.</summary>
    InvalidLength = 2,
    /// <summary>Magic is not 2 (Tributary stores only record batch v2).</summary>
    UnsupportedMagic = 3,
    /// <summary>The CRC-32C over attributes..end does not match.</summary>
    CrcMismatch = 4,
    /// <summary>RecordsCount disagrees with LastOffsetDelta (or either is negative).</summary>
    RecordCountMismatch = 5,
    /// <summary>Attributes name a compression codec that does not exist.</summary>
    UnsupportedCompression = 6,
}

/// <summary>Who produced a batch: clients are held to stricter rules than the broker's own writers.</summary>
public enum BatchOrigin
{
    /// <summary>
    /// A producer. RecordsCount must equal LastOffsetDelta + 1 and be positive, as Kafka's broker requires
    /// ("Inconsistent batch offset range and record count").
    /// </summary>
    Client,

    /// <summary>
    /// The log itself (recovery, compaction, replication): compaction removes records but keeps
    /// LastOffsetDelta, so 0 &lt;= RecordsCount &lt;= LastOffsetDelta + 1.
    /// </summary>
    Internal,
}

/// <summary>Validates the framing and checksum of magic-v2 record batches. Thread-safe, allocation-free.</summary>
public static class RecordBatchValidator
{
    /// <summary>
    /// Validates one batch that must fill <paramref name="batch"/> exactly (use <see cref="ValidateAt"/> to walk a
    /// buffer of several batches).
    /// </summary>
    public static BatchError Validate(ReadOnlySpan<byte> batch, BatchOrigin origin)
    {
        var error = ValidateAt(batch, origin, out var size);
        if (error != BatchError.None)
        {
            return error;
        }
        return size == batch.Length ? BatchError.None : BatchError.InvalidLength;
    }

    /// <summary>
    /// Validates the batch at the start of <paramref name="buffer"/>, which may hold more bytes after it.
    /// On success <paramref name="batchSize"/> is the batch's total size.
    /// </summary>
    public static BatchError ValidateAt(ReadOnlySpan<byte> buffer, BatchOrigin origin, out int batchSize)
    {
        batchSize = 0;
        var error = ValidateHeaderAt(buffer, out var size);
        if (error != BatchError.None)
        {
            return error;
        }
        if (size > buffer.Length)
        {
            return BatchError.Truncated;
        }
        var batch = buffer[..size];
        if (RecordBatch.ComputeCrc(batch) != RecordBatch.Crc(batch))
        {
            return BatchError.CrcMismatch;
        }
        var count = RecordBatch.RecordsCount(batch);
        var lastOffsetDelta = RecordBatch.LastOffsetDelta(batch);
        var countFromOffsets = (long)lastOffsetDelta + 1;
        var countOk = origin == BatchOrigin.Client
            ? count > 0 && count == countFromOffsets
            : lastOffsetDelta >= 0 && count >= 0 && count <= countFromOffsets;
        if (!countOk)
        {
            return BatchError.RecordCountMismatch;
        }
        if ((RecordBatch.Attributes(batch) & RecordBatchLayout.CompressionCodecMask) > 4)
        {
            return BatchError.UnsupportedCompression;
        }
        batchSize = size;
        return BatchError.None;
    }

    /// <summary>
    /// Checks only what the first 17 bytes say (length and magic): enough to know how many bytes to read
    /// before the CRC can be checked. <paramref name="batchSize"/> is the total size the header announces.
    /// </summary>
    public static BatchError ValidateHeaderAt(ReadOnlySpan<byte> buffer, out int batchSize)
    {
        batchSize = 0;
        if (buffer.Length < RecordBatchLayout.MagicOffset + 1)
        {
            return BatchError.Truncated;
        }
        var length = RecordBatch.BatchLength(buffer);
        if (length < RecordBatchLayout.HeaderSize - RecordBatchLayout.LogOverhead || length > int.MaxValue - RecordBatchLayout.LogOverhead)
        {
            return BatchError.InvalidLength;
        }
        if (RecordBatch.Magic(buffer) != RecordBatchLayout.CurrentMagic)
        {
            return BatchError.UnsupportedMagic;
        }
        batchSize = length + RecordBatchLayout.LogOverhead;
        return BatchError.None;
    }
}
