using System.Text;
using Tributary.Cdc.MySql.Gtids;
using Tributary.Cdc.MySql.Protocol;

namespace Tributary.Cdc.MySql.Binlog;

/// <summary>Binlog event type codes (MySQL's log_event.h, MariaDB's additions from 160).</summary>
public enum BinlogEventType : byte
{
    Query = 2,
    Stop = 3,
    Rotate = 4,
    FormatDescription = 15,
    Xid = 16,
    TableMap = 19,
    WriteRowsV1 = 23,
    UpdateRowsV1 = 24,
    DeleteRowsV1 = 25,
    Heartbeat = 27,
    RowsQuery = 29,
    WriteRowsV2 = 30,
    UpdateRowsV2 = 31,
    DeleteRowsV2 = 32,
    Gtid = 33,
    AnonymousGtid = 34,
    PreviousGtids = 35,
    PartialUpdateRows = 39,
    TransactionPayload = 40,
    GtidTagged = 42,
    MariaDbAnnotateRows = 160,
    MariaDbBinlogCheckpoint = 161,
    MariaDbGtid = 162,
    MariaDbGtidList = 163,
    MariaDbStartEncryption = 164,
    MariaDbQueryCompressed = 165,
    MariaDbWriteRowsCompressedV1 = 169,
    MariaDbUpdateRowsCompressedV1 = 170,
    MariaDbDeleteRowsCompressedV1 = 171,
}

/// <summary>
/// The v4 event header (19 bytes, little-endian): timestamp(4) type(1) server_id(4) event_length(4) next_position(4)
/// flags(2). <see cref="Position"/> is where the event starts in its file (next_position − event_length).
/// </summary>
public readonly record struct BinlogEventHeader(uint Timestamp, BinlogEventType Type, uint ServerId, uint EventLength, uint NextPosition, ushort Flags)
{
    public const int Size = 19;

    public long Position => NextPosition == 0 ? 0 : (long)NextPosition - EventLength;

    internal static BinlogEventHeader Read(ref PacketReader reader) => new(
        reader.ReadUInt32(), (BinlogEventType)reader.ReadByte(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt16());
}

/// <summary>QUERY: thread_id(4) exec_time(4) db_len(1) error(2) status_vars_len(2) status_vars db NUL sql.</summary>
public sealed record QueryEvent(uint ThreadId, string Database, string Sql)
{
    internal static QueryEvent Read(ref PacketReader reader, int end)
    {
        var thread = reader.ReadUInt32();
        reader.Skip(4);
        var dbLength = reader.ReadByte();
        reader.Skip(2);
        var statusLength = reader.ReadUInt16();
        reader.Skip(statusLength);
        var database = reader.ReadString(dbLength);
        reader.Skip(1);
        var sql = Encoding.UTF8.GetString(reader.Buffer, reader.Position, end - reader.Position);
        return new QueryEvent(thread, database, sql);
    }
}

/// <summary>ROTATE: position(8) then the next file's name.</summary>
public sealed record RotateEvent(string File, long Position);

/// <summary>
/// The statement behind the rows events that follow: MariaDB's ANNOTATE_ROWS (the whole body is the text, sent when
/// the dump asks for it and binlog_annotate_row_events is on) or MySQL's ROWS_QUERY (a length byte, then the text;
/// binlog_rows_query_log_events).
/// </summary>
public sealed record RowsQueryEvent(string Sql);

/// <summary>MariaDB GTID: seq_no(8) domain_id(4) flags(1); FL_STANDALONE (1) marks a statement without BEGIN/COMMIT (DDL).</summary>
public sealed record MariaDbGtidEvent(ulong Sequence, uint Domain, byte Flags)
{
    public bool Standalone => (Flags & 1) != 0;

    public string Text(uint serverId) => $"{Domain}-{serverId}-{Sequence}";
}

/// <summary>
/// MySQL's GTID_LOG_EVENT (33), which opens every transaction when gtid_mode is ON: flags(1) source UUID(16)
/// transaction number(8); since MySQL 8.0.1 also the logical clock — type(1) = 2, last_committed(8),
/// sequence_number(8) — and the commit timestamps in microseconds: immediate(7), whose top bit says that the
/// original (on the source where the transaction first ran) follows in 7 more bytes; without it both are the same.
/// </summary>
/// <param name="OriginalCommitMicros">The original commit time (µs since the epoch), null from servers before 8.0.1.</param>
public sealed record MySqlGtidEvent(string Uuid, long Transaction, long? OriginalCommitMicros = null)
{
    private const byte LogicalTimestampType = 2;
    private const ulong OriginalFollows = 1UL << 55;

    public string Text => $"{Uuid}:{Transaction}";

    internal static MySqlGtidEvent Read(ref PacketReader reader, int end)
    {
        if (end - reader.Position < 1 + 16 + 8)
        {
            throw new BinlogProtocolException($"A GTID event of {end - reader.Position} bytes is shorter than its 25-byte header");
        }
        reader.Skip(1);
        var uuid = MySqlGtidSet.FormatUuid(reader.Span(16));
        var transaction = (long)reader.ReadUInt64();
        long? original = null;
        if (end - reader.Position >= 1 + 8 + 8 + 7 && reader.Buffer[reader.Position] == LogicalTimestampType)
        {
            reader.Skip(1 + 8 + 8);
            var immediate = reader.ReadLittleEndian(7);
            original = (long)(immediate & ~OriginalFollows);
            if ((immediate & OriginalFollows) != 0 && end - reader.Position >= 7)
            {
                original = (long)reader.ReadLittleEndian(7);
            }
        }
        return new MySqlGtidEvent(uuid, transaction, original);
    }
}

/// <summary>
/// The GTIDs of every binlog file before this one, which opens each file: MySQL's PREVIOUS_GTIDS (35, the set's
/// binary encoding) or MariaDB's GTID_LIST (163: count(4, the low 28 bits), then per domain and server
/// domain(4) server(4) seq(8)). With it the connector learns the full GTID set when it starts reading at a file's start.
/// </summary>
public sealed record GtidListEvent(GtidSet Gtids)
{
    internal static GtidListEvent ReadMariaDb(ref PacketReader reader, int end)
    {
        var count = reader.ReadUInt32() & 0x0FFFFFFF;
        if (count * 16L > end - reader.Position)
        {
            throw new BinlogProtocolException($"A GTID_LIST event announces {count} GTIDs but holds {end - reader.Position} bytes");
        }
        var position = new MariaDbGtidPosition();
        for (var i = 0; i < count; i++)
        {
            position.Add(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt64());
        }
        return new GtidListEvent(position);
    }

    internal static GtidListEvent ReadMySql(ref PacketReader reader, int end)
    {
        try
        {
            return new GtidListEvent(MySqlGtidSet.Decode(reader.Span(end - reader.Position)));
        }
        catch (FormatException error)
        {
            throw new BinlogProtocolException($"Malformed PREVIOUS_GTIDS event: {error.Message}");
        }
    }
}

/// <summary>
/// TABLE_MAP: table_id(6) flags(2) db table column_count types[] metadata null_bitmap [optional metadata]. The
/// per-column metadata is unpacked into one integer per column (<see cref="Metadata"/>) in the layout each type
/// uses (see <see cref="RowDecoder"/>).
/// </summary>
public sealed class TableMapEvent
{
    public required ulong TableId { get; init; }

    public required string Database { get; init; }

    public required string Table { get; init; }

    public required byte[] ColumnTypes { get; init; }

    public required int[] Metadata { get; init; }

    internal static TableMapEvent Read(ref PacketReader reader)
    {
        var tableId = reader.ReadUInt48();
        reader.Skip(2);
        var dbLength = reader.ReadByte();
        var database = reader.ReadString(dbLength);
        reader.Skip(1);
        var tableLength = reader.ReadByte();
        var table = reader.ReadString(tableLength);
        reader.Skip(1);
        var count = (int)reader.ReadLengthEncoded();
        var types = reader.ReadBytes(count);
        var metadataLength = (int)reader.ReadLengthEncoded();
        var metadataEnd = reader.Position + metadataLength;
        var metadata = new int[count];
        for (var i = 0; i < count; i++)
        {
            metadata[i] = (MySqlColumnType)types[i] switch
            {
                MySqlColumnType.Float or MySqlColumnType.Double or MySqlColumnType.Blob or MySqlColumnType.Geometry or MySqlColumnType.Json or
                    MySqlColumnType.Time2 or MySqlColumnType.DateTime2 or MySqlColumnType.Timestamp2 => reader.ReadByte(),
                MySqlColumnType.VarChar or MySqlColumnType.VarString => reader.ReadUInt16(),
                MySqlColumnType.Bit or MySqlColumnType.NewDecimal or MySqlColumnType.String or MySqlColumnType.Enum or MySqlColumnType.Set =>
                    (reader.ReadByte() << 8) | reader.ReadByte(),
                _ => 0,
            };
        }
        reader.Position = metadataEnd;
        return new TableMapEvent { TableId = tableId, Database = database, Table = table, ColumnTypes = types, Metadata = metadata };
    }
}

/// <summary>MySQL's column type codes as the binlog writes them.</summary>
public enum MySqlColumnType : byte
{
    Decimal = 0,
    Tiny = 1,
    Short = 2,
    Long = 3,
    Float = 4,
    Double = 5,
    Null = 6,
    Timestamp = 7,
    LongLong = 8,
    Int24 = 9,
    Date = 10,
    Time = 11,
    DateTime = 12,
    Year = 13,
    NewDate = 14,
    VarChar = 15,
    Bit = 16,
    Timestamp2 = 17,
    DateTime2 = 18,
    Time2 = 19,
    Json = 245,
    NewDecimal = 246,
    Enum = 247,
    Set = 248,
    TinyBlob = 249,
    MediumBlob = 250,
    LongBlob = 251,
    Blob = 252,
    VarString = 253,
    String = 254,
    Geometry = 255,
}
