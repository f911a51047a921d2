using Tributary.Cdc.MySql.Protocol;

namespace Tributary.Cdc.MySql.Binlog;

/// <summary>
/// MySQL's TRANSACTION_PAYLOAD_EVENT (40, <c>binlog_transaction_compression=ON</c>, MySQL 8.0.20+): a transaction's
/// events (BEGIN, TABLE_MAP, rows events, XID — its GTID event stays outside) in one compressed block. Body: fields,
/// each a length-encoded type, a length-encoded byte length and the value (a length-encoded integer) — 1 payload size,
/// 2 compression type (0 zstd, 255 none), 3 uncompressed size — ended by type 0; then the payload. Inside, events are
/// laid end to end with their 19-byte headers and without CRC32 trailers (the outer event's covers them).
/// </summary>
internal static class TransactionPayload
{
    private const ulong EndMark = 0;
    private const ulong SizeField = 1;
    private const ulong CompressionField = 2;
    private const ulong UncompressedSizeField = 3;
    private const ulong Zstd = 0;
    private const ulong Uncompressed = 255;

    /// <summary>
    /// A transaction decompressed in memory is refused above this size (the server's own limit on a transaction is
    /// max_binlog_cache_size; Debezium's users met out-of-memory failures on huge payloads instead of an error).
    /// </summary>
    public const long MaxUncompressedBytes = 1L << 30;

    /// <summary>The events of the transaction, uncompressed; the body spans [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="buffer"/>.</summary>
    public static byte[] Decompress(byte[] buffer, int start, int end)
    {
        var reader = new PacketReader(buffer, start);
        ulong? size = null;
        ulong compression = Zstd;
        ulong? uncompressedSize = null;
        while (true)
        {
            if (reader.Position >= end)
            {
                throw new BinlogProtocolException("TRANSACTION_PAYLOAD event ends inside its header fields");
            }
            var type = reader.ReadLengthEncoded();
            if (type == EndMark)
            {
                break;
            }
            var length = (int)reader.ReadLengthEncoded();
            var valueEnd = reader.Position + length;
            if (valueEnd > end)
            {
                throw new BinlogProtocolException($"TRANSACTION_PAYLOAD field {type} of {length} bytes runs past the event");
            }
            switch (type)
            {
                case SizeField:
                    size = reader.ReadLengthEncoded();
                    break;
                case CompressionField:
                    compression = reader.ReadLengthEncoded();
                    break;
                case UncompressedSizeField:
                    uncompressedSize = reader.ReadLengthEncoded();
                    break;
            }
            reader.Position = valueEnd; // fields of later versions are skipped by their length
        }
        var payloadLength = (long)(size ?? (ulong)(end - reader.Position));
        if (payloadLength > end - reader.Position)
        {
            throw new BinlogProtocolException($"TRANSACTION_PAYLOAD announces {payloadLength} payload bytes but holds {end - reader.Position}");
        }
        var payload = buffer.AsSpan(reader.Position, (int)payloadLength);
        switch (compression)
        {
            case Uncompressed:
                return payload.ToArray();
            case Zstd:
                try
                {
                    var expected = uncompressedSize ?? ZstdSharp.Decompressor.GetDecompressedSize(payload);
                    if (expected > MaxUncompressedBytes)
                    {
                        throw new BinlogProtocolException($"A compressed transaction of {expected} bytes exceeds the {MaxUncompressedBytes}-byte limit for decompressing it in memory");
                    }
                    var output = new byte[expected];
                    using var decompressor = new ZstdSharp.Decompressor();
                    var written = decompressor.Unwrap(payload, output);
                    return written == output.Length ? output : output[..written];
                }
                catch (Exception error) when (error is ZstdSharp.ZstdException or ArgumentException or InvalidOperationException)
                {
                    throw new BinlogProtocolException($"TRANSACTION_PAYLOAD's zstd data cannot be decompressed: {error.Message}");
                }
            default:
                throw new BinlogProtocolException($"TRANSACTION_PAYLOAD uses compression type {compression}, which is not supported (0 zstd and 255 none are)");
        }
    }
}
