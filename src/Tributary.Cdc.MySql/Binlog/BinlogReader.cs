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
internal sealed class BinlogReader(Func<CancellationToken, ValueTask<byte[]>> nextPacket, bool checksummed)
{
    private readonly Dictionary<ulong, TableMapEvent> _tables = [];
    private bool _checksummed = checksummed;

    /// <summary>The events of a TRANSACTION_PAYLOAD still to hand out, from <see cref="_payloadPosition"/>; null when none.</summary>
    private byte[]? _payload;

    private int _payloadPosition;

    /// <summary>The TRANSACTION_PAYLOAD event's header: the events inside take its position (their own say nothing of the file).</summary>
    private BinlogEventHeader _payloadHeader;

    public BinlogReader(MySqlSession session, bool checksummed)
        : this(session.ReadPacketAsync, checksummed)
    {
    }

    /// <summary>The TABLE_MAP of a table id seen in this stream, or null.</summary>
    public TableMapEvent? Table(ulong tableId) => _tables.GetValueOrDefault(tableId);

    /// <summary>The next event; null at the end of the stream (only with a non-blocking dump).</summary>
    public async ValueTask<BinlogEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_payload is not null)
        {
            return NextPayloadEvent();
        }
        var packet = await nextPacket(cancellationToken).ConfigureAwait(false);
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
        if (header.Type == BinlogEventType.TransactionPayload)
        {
            _payload = TransactionPayload.Decompress(packet, reader.Position, end);
            _payloadPosition = 0;
            _payloadHeader = header;
            if (_payload.Length > 0)
            {
                return NextPayloadEvent();
            }
            _payload = null;
            return new BinlogEvent(header, null);
        }
        return new BinlogEvent(header, ReadBody(header, ref reader, end));
    }

    /// <summary>
    /// The next event of the TRANSACTION_PAYLOAD being handed out, with the payload event's position and next position
    /// (so a commit inside it moves the restart position past the whole payload, and source.pos names the payload event).
    /// </summary>
    private BinlogEvent NextPayloadEvent()
    {
        var payload = _payload!;
        if (payload.Length - _payloadPosition < BinlogEventHeader.Size)
        {
            throw new BinlogProtocolException($"TRANSACTION_PAYLOAD at {_payloadHeader.Position} ends inside an event header");
        }
        var reader = new PacketReader(payload, _payloadPosition);
        var inner = BinlogEventHeader.Read(ref reader);
        var end = _payloadPosition + (int)inner.EventLength;
        if (inner.EventLength < BinlogEventHeader.Size || end > payload.Length)
        {
            throw new BinlogProtocolException($"An event of {inner.EventLength} bytes inside the TRANSACTION_PAYLOAD at {_payloadHeader.Position} runs past its end");
        }
        if (inner.Type == BinlogEventType.TransactionPayload)
        {
            throw new BinlogProtocolException($"A TRANSACTION_PAYLOAD nested in the one at {_payloadHeader.Position}");
        }
        var header = inner with { EventLength = _payloadHeader.EventLength, NextPosition = _payloadHeader.NextPosition };
        var body = ReadBody(header, ref reader, end);
        _payloadPosition = end;
        if (_payloadPosition == payload.Length)
        {
            _payload = null;
        }
        return new BinlogEvent(header, body);
    }

    /// <summary>The body of an event of <paramref name="header"/>'s type, from the reader's position to <paramref name="end"/> (checksum excluded).</summary>
    private object? ReadBody(BinlogEventHeader header, ref PacketReader reader, int end)
    {
        return header.Type switch
        {
            BinlogEventType.Query => QueryEvent.Read(ref reader, end),
            BinlogEventType.Rotate => ReadRotateEvent(ref reader, end),
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
                BinlogEventType.MariaDbDeleteRowsCompressedV1 or BinlogEventType.MariaDbQueryCompressed =>
                throw new BinlogProtocolException($"MariaDB's compressed binlog events ({header.Type}) are not supported; turn off log_bin_compress"),
            BinlogEventType.PartialUpdateRows =>
                throw new BinlogProtocolException("PARTIAL_UPDATE_ROWS events (binlog_row_value_options=PARTIAL_JSON) are not supported; set binlog_row_value_options='' so updates log full JSON values"),
            BinlogEventType.GtidTagged =>
                throw new BinlogProtocolException("Tagged GTIDs (MySQL 8.4 GTID_TAGGED_LOG_EVENT, from SET gtid_next with a tag) are not supported"),
            _ => null,
        };
    }

    private static string SkipThenRead(ref PacketReader reader, int skip, int end)
    {
        reader.Skip(skip);
        return reader.ReadString(end - reader.Position);
    }

    private static RotateEvent ReadRotateEvent(ref PacketReader reader, int end)
    {
        var position = (long)reader.ReadUInt64();
        return new RotateEvent(reader.ReadString(end - reader.Position), position);
    }

    private TableMapEvent Remember(TableMapEvent map)
    {
        _tables[map.TableId] = map;
        return map;
    }
}
