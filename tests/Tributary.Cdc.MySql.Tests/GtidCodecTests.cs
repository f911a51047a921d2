using Tributary.Cdc.MySql.Binlog;
using Tributary.Cdc.MySql.Gtids;
using Tributary.Cdc.MySql.Protocol;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// GTID sets and their wire forms. There is no MySQL server on this machine (Debian ships MariaDB only), so the
/// MySQL side is checked against byte layouts written out from MySQL's protocol documentation: COM_BINLOG_DUMP_GTID
/// (flags, server id, name length, name, position, data length, data) and Gtid_set::encode (n_sids(8), per UUID its
/// 16 bytes, n_intervals(8), [start(8), end(8, exclusive)]), GTID_LOG_EVENT (flags(1), uuid(16), gno(8), ...).
/// MariaDB's side is also run against a real server in <see cref="GtidRestartTests"/>.
/// </summary>
public sealed class GtidCodecTests
{
    private const string Uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    private static readonly byte[] UuidBytes = [0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62];

    private static byte[] Int64(long value) => BitConverter.GetBytes(value); // little-endian on every platform .NET runs here

    /// <summary>{3e11fa47-…:1-5:7} as MySQL encodes it.</summary>
    private static readonly byte[] EncodedSet = [.. Int64(1), .. UuidBytes, .. Int64(2), .. Int64(1), .. Int64(6), .. Int64(7), .. Int64(8)];

    [Fact]
    public void A_mysql_gtid_set_reads_and_writes_mysqls_text_with_single_transactions_as_one_number()
    {
        var set = MySqlGtidSet.Parse($"{Uuid.ToUpperInvariant()}:1-5:7,\n aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:3-4");
        Assert.Equal($"{Uuid}:1-5:7,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:3-4", set.ToString());
        Assert.Throws<FormatException>(() => MySqlGtidSet.Parse($"{Uuid}:5-3"));
        Assert.Throws<FormatException>(() => MySqlGtidSet.Parse("not-a-uuid:1-3"));
        Assert.Throws<FormatException>(() => MySqlGtidSet.Parse(Uuid));
    }

    [Fact]
    public void Adding_transactions_extends_and_merges_intervals()
    {
        var set = MySqlGtidSet.Parse($"{Uuid}:1-5:7");
        set.Add(Uuid, 6);
        Assert.Equal($"{Uuid}:1-7", set.ToString());
        set.Add(Uuid, 10);
        set.Add(Uuid, 9);
        Assert.Equal($"{Uuid}:1-7:9-10", set.ToString());
        set.Add("00000000-0000-0000-0000-000000000001", 1);
        Assert.Equal($"00000000-0000-0000-0000-000000000001:1,{Uuid}:1-7:9-10", set.ToString());
    }

    [Fact]
    public void A_mysql_gtid_set_encodes_and_decodes_mysqls_binary_layout()
    {
        Assert.Equal(EncodedSet, MySqlGtidSet.Parse($"{Uuid}:1-5:7").Encode());
        Assert.Equal($"{Uuid}:1-5:7", MySqlGtidSet.Decode(EncodedSet).ToString());
        Assert.Throws<FormatException>(() => MySqlGtidSet.Decode(EncodedSet.AsSpan(0, EncodedSet.Length - 1)));
        Assert.Equal(Int64(0), new MySqlGtidSet().Encode());
    }

    [Fact]
    public void Com_binlog_dump_gtid_carries_flags_server_id_empty_file_position_and_the_encoded_set()
    {
        var packet = MySqlSession.BinlogDumpGtidPacket(5400, "", 4, MySqlGtidSet.Parse($"{Uuid}:1-5:7"));
        byte[] expected =
        [
            0x1E,                   // COM_BINLOG_DUMP_GTID
            0x04, 0x00,             // flags: BINLOG_THROUGH_GTID
            0x18, 0x15, 0x00, 0x00, // server id 5400
            0x00, 0x00, 0x00, 0x00, // file name length 0 (the server picks the file)
            .. Int64(4),            // position
            (byte)EncodedSet.Length, 0x00, 0x00, 0x00,
            .. EncodedSet,
        ];
        Assert.Equal(expected, packet);
        var named = MySqlSession.BinlogDumpGtidPacket(1, "bin.000002", 120, new MySqlGtidSet());
        Assert.Equal(10, BitConverter.ToInt32(named, 7));
        Assert.Equal("bin.000002"u8.ToArray(), named[11..21]);
        Assert.Equal(120, BitConverter.ToInt64(named, 21));
    }

    [Fact]
    public void A_mysql_gtid_event_gives_uuid_and_transaction_number()
    {
        byte[] body = [0x01, .. UuidBytes, .. Int64(23), 0x02, .. Int64(22), .. Int64(23), 0x0F, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x00];
        var reader = new PacketReader(body, 0);
        var gtid = MySqlGtidEvent.Read(ref reader, body.Length);
        Assert.Equal($"{Uuid}:23", gtid.Text);
        Assert.Equal(0x00_0A_0B_0C_0D_0E_0FL, gtid.OriginalCommitMicros); // immediate without the top bit: the original is the same

        // The immediate timestamp's top bit set: the original commit timestamp follows.
        byte[] replicated = [0x01, .. UuidBytes, .. Int64(24), 0x02, .. Int64(23), .. Int64(24), 1, 0, 0, 0, 0, 0, 0x80, 0x40, 0x42, 0x0F, 0, 0, 0, 0];
        var second = new PacketReader(replicated, 0);
        Assert.Equal(1_000_000L, MySqlGtidEvent.Read(ref second, replicated.Length).OriginalCommitMicros);

        // A 5.7 event (no logical clock fields): no commit timestamp.
        byte[] old = [0x01, .. UuidBytes, .. Int64(25)];
        var third = new PacketReader(old, 0);
        Assert.Null(MySqlGtidEvent.Read(ref third, old.Length).OriginalCommitMicros);
        var cut = new PacketReader(body[..20], 0);
        Assert.Throws<BinlogProtocolException>(() => MySqlGtidEvent.Read(ref cut, 20));
    }

    [Fact]
    public void Previous_gtids_and_mariadb_gtid_list_give_the_sets_before_the_file()
    {
        var previous = new PacketReader(EncodedSet, 0);
        Assert.Equal($"{Uuid}:1-5:7", GtidListEvent.ReadMySql(ref previous, EncodedSet.Length).Gtids.ToString());

        byte[] list = [0x02, 0x00, 0x00, 0x00, .. BitConverter.GetBytes(1u), .. BitConverter.GetBytes(2u), .. Int64(33), .. BitConverter.GetBytes(0u), .. BitConverter.GetBytes(1u), .. Int64(10)];
        var reader = new PacketReader(list, 0);
        Assert.Equal("0-1-10,1-2-33", GtidListEvent.ReadMariaDb(ref reader, list.Length).Gtids.ToString());
        var short1 = new PacketReader(list, 0);
        Assert.Throws<BinlogProtocolException>(() => GtidListEvent.ReadMariaDb(ref short1, list.Length - 1));
    }

    [Fact]
    public void A_mariadb_position_keeps_the_last_sequence_per_domain_and_compares_by_domain()
    {
        var position = MariaDbGtidPosition.Parse("1-2-33,0-1-10");
        Assert.Equal("0-1-10,1-2-33", position.ToString());
        position.Add(0, 3, 12);
        position.Add(1, 2, 30); // behind the domain's position: ignored
        Assert.Equal("0-3-12,1-2-33", position.ToString());
        Assert.True(MariaDbGtidPosition.Parse("0-1-11").IsContainedIn(position));
        Assert.False(MariaDbGtidPosition.Parse("0-1-13").IsContainedIn(position));
        Assert.False(MariaDbGtidPosition.Parse("2-1-1").IsContainedIn(position));
        Assert.False(MySqlGtidSet.Parse($"{Uuid}:1").IsContainedIn(position));
        Assert.IsType<MariaDbGtidPosition>(GtidSet.Parse("0-1-1"));
        Assert.IsType<MySqlGtidSet>(GtidSet.Parse($"{Uuid}:1"));
        Assert.Throws<FormatException>(() => MariaDbGtidPosition.Parse("0-1"));
    }

    [Fact]
    public void A_mysql_set_contains_another_when_every_interval_is_covered()
    {
        var set = MySqlGtidSet.Parse($"{Uuid}:1-100:200-300");
        Assert.True(MySqlGtidSet.Parse($"{Uuid}:5-50:250").IsContainedIn(set));
        Assert.False(MySqlGtidSet.Parse($"{Uuid}:99-201").IsContainedIn(set));
        Assert.False(MySqlGtidSet.Parse("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1").IsContainedIn(set));
    }

    [Fact]
    public void Offsets_store_gtids_and_history_positions_compare_by_them_whatever_the_file_names()
    {
        var offset = new MySqlOffset("mysql-bin.000003", 1234, 2, 5, 100, 1, Gtids: "0-1-270");
        var map = offset.ToMap();
        Assert.Equal(["server_id", "gtids", "file", "pos", "event", "row", "ts_sec"], map.Keys);
        Assert.Equal(offset, MySqlOffset.FromMap(map));

        var earlier = new MySqlOffset("other-bin.000900", 99999, Gtids: "0-1-269");
        var later = new MySqlOffset("mysql-bin.000001", 4, Gtids: "0-1-271");
        Assert.True(earlier.IsAtOrBefore(offset));
        Assert.False(later.IsAtOrBefore(offset));
        // Same GTIDs (the same point between transactions): the skip counts decide.
        Assert.True(new MySqlOffset("x.000001", 4, 1, 0, Gtids: "0-1-270").IsAtOrBefore(offset));
        Assert.False(new MySqlOffset("x.000001", 4, 3, 0, Gtids: "0-1-270").IsAtOrBefore(offset));
    }
}
