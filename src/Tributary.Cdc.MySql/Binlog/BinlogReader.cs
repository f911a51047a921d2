using Tributary.Cdc.MySql.Protocol;

namespace Tributary.Cdc.MySql.Binlog;

/// <summary>One decoded event: its header and body (<see cref="QueryEvent"/>, <see cref="RotateEvent"/>,
/// <see cref="TableMapEvent"/>, <see cref="RowsEvent"/>, <see cref="MariaDbGtidEvent"/>, <see cref="MySqlGtidEvent"/>,
/// <see cref="GtidListEvent"/>, an XID as <see cref="ulong"/>,
/// or null for events a CDC reader passes over).</summary>
public readonly record struct BinlogEvent(BinlogEventHeader Header, object? Body);

/// <summary>
/// Reads the binlog stream of a replication session after COM_BINLOG_DUMP: each packet is 0x00 + event (0xFE end of
/// stream, 0xFF the server's error, e.g. 1236 for a purged position). Tracks FORMAT_DESCRIPTION's checksum algorithm
/// (CRC32 adds a 4-byte trailer to every event, which is checked) and the TABLE_MAP events rows events refer to.
/// Not thread-safe.
/// </summary>
/// <param name="checksummed">Whether events carry a CRC32 trailer (the server's binlog_checksum, read before the dump:
/// the fake ROTATE that opens the stream comes before any FORMAT_DESCRIPTION could tell).</param>
internal sealed class BinlogReader(MySqlSession session, bool checksummed)
{
    private readonly Dictionary<ulong, TableMapEvent> _tables = [];
    private bool _checksummed = checksummed;

    /// <summary>The TABLE_MAP of a table id seen in this stream, or null.</summary>
    public TableMapEvent? Table(ulong tableId) => _tables.GetValueOrDefault(tableId);

    /// <summary>The next event; null at the end of the stream (only with a non-blocking dump).</summary>
    public async ValueTask<BinlogEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        var packet = await session.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        switch (packet[0])
        {
            case 0xFF:
                throw BinlogProtocolException.FromErrorPacket(packet);
            case 0xFE when packet.Length < 9:
                return null;
            case 0x00:
                break;
            default:
                throw new BinlogProtocolException($"Unexpected packet 0x{packet[0]:X2} in the binlog stream");
        }
        var reader = new PacketReader(packet, 1);
        var header = BinlogEventHeader.Read(ref reader);
        var end = packet.Length;
        if (header.Type == BinlogEventType.FormatDescription)
        {
            // The checksum algorithm byte sits before the FDE's own 4-byte checksum (servers since 5.6.1 / MariaDB 5.3).
            _checksummed = packet[end - 5] == 1;
        }
        if (_checksummed)
        {
            end -= 4;
            var expected = BitConverter.ToUInt32(packet, end);
            var actual = System.IO.Hashing.Crc32.HashToUInt32(packet.AsSpan(1, end - 1));
            if (expected != actual)
            {
                throw new BinlogProtocolException($"Binlog event at {header.Position} fails its CRC32 checksum");
            }
        }
        object? body = header.Type switch
        {
            BinlogEventType.Query => QueryEvent.Read(ref reader, end),
            BinlogEventType.Rotate => ReadRotateEvent(packet, end),
            BinlogEventType.TableMap => Remember(TableMapEvent.Read(ref reader)),
            BinlogEventType.WriteRowsV1 or BinlogEventType.UpdateRowsV1 or BinlogEventType.DeleteRowsV1 or
                BinlogEventType.WriteRowsV2 or BinlogEventType.UpdateRowsV2 or BinlogEventType.DeleteRowsV2 =>
                RowDecoder.Read(ref reader, end, header.Type, Table),
            BinlogEventType.Xid => reader.ReadUInt64(),
            BinlogEventType.MariaDbAnnotateRows => new RowsQueryEvent(reader.ReadString(end - reader.Position)),
            BinlogEventType.RowsQuery => new RowsQueryEvent(SkipThenRead(ref reader, 1, end)),
            BinlogEventType.MariaDbGtid => new MariaDbGtidEvent(reader.ReadUInt64(), reader.ReadUInt32(), reader.ReadByte()),
            BinlogEventType.MariaDbGtidList => GtidListEvent.ReadMariaDb(ref reader, end),
            BinlogEventType.Gtid => MySqlGtidEvent.Read(ref reader, end),
            BinlogEventType.PreviousGtids => GtidListEvent.ReadMySql(ref reader, end),
            BinlogEventType.MariaDbWriteRowsCompressedV1 or BinlogEventType.MariaDbUpdateRowsCompressedV1 or
                BinlogEventType.MariaDbDeleteRowsCompressedV1 or BinlogEventType.MariaDbQueryCompressed or BinlogEventType.TransactionPayload =>
                throw new BinlogProtocolException($"Compressed binlog events ({header.Type}) are not supported; turn off log_bin_compress / binlog_transaction_compression"),
            BinlogEventType.GtidTagged =>
                throw new BinlogProtocolException("Tagged GTIDs (MySQL 8.4 GTID_TAGGED_LOG_EVENT, from SET gtid_next with a tag) are not supported"),
            _ => null,
        };
        return new BinlogEvent(header, body);
    }

    private static string SkipThenRead(ref PacketReader reader, int skip, int end)
    {
        reader.Skip(skip);
        return reader.ReadString(end - reader.Position);
    }

    private static RotateEvent ReadRotateEvent(byte[] packet, int end)
    {
        var reader = new PacketReader(packet, 1 + BinlogEventHeader.Size);
        var position = (long)reader.ReadUInt64();
        return new RotateEvent(reader.ReadString(end - reader.Position), position);
    }

    private TableMapEvent Remember(TableMapEvent map)
    {
        _tables[map.TableId] = map;
        return map;
    }
}
