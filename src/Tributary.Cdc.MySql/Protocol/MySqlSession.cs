using System.Buffers.Binary;
using System.Text;

namespace Tributary.Cdc.MySql.Protocol;

/// <summary>
/// One authenticated client/server session on our own protocol code, enough for a replica: the v10 handshake with
/// HandshakeResponse41, statements that answer OK (the replica's session variables), COM_REGISTER_SLAVE and
/// COM_BINLOG_DUMP (or its GTID forms for MariaDB and MySQL), after which <see cref="ReadPacketAsync"/> yields the binlog stream's packets. Not thread-safe.
/// </summary>
internal sealed class MySqlSession : IAsyncDisposable
{
    private const uint ClientLongPassword = 0x1;
    private const uint ClientLongFlag = 0x4;
    private const uint ClientProtocol41 = 0x200;
    private const uint ClientTransactions = 0x2000;
    private const uint ClientSecureConnection = 0x8000;
    private const uint ClientMultiResults = 0x20000;
    private const uint ClientPluginAuth = 0x80000;
    private const uint ClientPluginAuthLenencData = 0x200000;
    private const byte Utf8mb4GeneralCi = 45;

    private readonly MySqlPacketChannel _channel;

    private MySqlSession(MySqlPacketChannel channel, string serverVersion, uint connectionId)
    {
        _channel = channel;
        ServerVersion = serverVersion;
        ConnectionId = connectionId;
    }

    public string ServerVersion { get; }

    public uint ConnectionId { get; }

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public static async Task<MySqlSession> OpenAsync(string host, int port, string user, string password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var channel = await MySqlPacketChannel.ConnectAsync(host, port, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            return await HandshakeAsync(channel, user, password, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<MySqlSession> HandshakeAsync(MySqlPacketChannel channel, string user, string password, CancellationToken cancellationToken)
    {
        var greeting = await channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        MySqlPacketChannel.ThrowIfError(greeting);
        if (greeting[0] != 10)
        {
            throw new BinlogProtocolException($"Unsupported protocol version {greeting[0]} in the server greeting");
        }
        var reader = new PacketReader(greeting, 1);
        var version = reader.ReadNullTerminatedString();
        var connectionId = reader.ReadUInt32();
        var nonce1 = reader.ReadBytes(8);
        reader.Skip(1);
        uint capabilities = reader.ReadUInt16();
        reader.Skip(1 + 2); // character set, status flags
        capabilities |= (uint)reader.ReadUInt16() << 16;
        var nonceLength = reader.ReadByte();
        reader.Skip(10);
        var nonce2 = reader.ReadBytes(Math.Max(13, nonceLength - 8));
        var plugin = (capabilities & ClientPluginAuth) != 0 && reader.Remaining > 0 ? reader.ReadNullTerminatedString() : Authentication.NativePassword;
        byte[] nonce = [.. nonce1, .. nonce2.AsSpan(0, 12)];

        var flags = ClientLongPassword | ClientLongFlag | ClientProtocol41 | ClientTransactions | ClientSecureConnection |
                    ClientMultiResults | ClientPluginAuth | ClientPluginAuthLenencData;
        flags &= capabilities | ClientLongPassword;
        var scramble = Authentication.Scramble(plugin, password, nonce);
        var response = new List<byte>(128);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(four, flags);
        response.AddRange(four);
        BinaryPrimitives.WriteUInt32LittleEndian(four, 16 * 1024 * 1024);
        response.AddRange(four);
        response.Add(Utf8mb4GeneralCi);
        response.AddRange(new byte[23]);
        response.AddRange(Encoding.UTF8.GetBytes(user));
        response.Add(0);
        response.Add((byte)scramble.Length);
        response.AddRange(scramble);
        response.AddRange(Encoding.ASCII.GetBytes(plugin));
        response.Add(0);
        await channel.WritePacketAsync(response.ToArray(), cancellationToken).ConfigureAwait(false);

        while (true)
        {
            var answer = await channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            switch (answer[0])
            {
                case 0x00:
                    return new MySqlSession(channel, version, connectionId);
                case 0xFF:
                    throw BinlogProtocolException.FromErrorPacket(answer);
                case 0xFE:
                    {
                        // Auth switch: plugin name, then a fresh nonce.
                        var switchReader = new PacketReader(answer, 1);
                        plugin = switchReader.ReadNullTerminatedString();
                        nonce = switchReader.ReadBytes(Math.Min(20, switchReader.Remaining));
                        await channel.WritePacketAsync(Authentication.Scramble(plugin, password, nonce), cancellationToken).ConfigureAwait(false);
                        break;
                    }
                case 0x01 when answer.Length >= 2 && answer[1] == 0x03:
                    // caching_sha2_password fast authentication succeeded; an OK packet follows.
                    break;
                case 0x01 when answer.Length >= 2 && answer[1] == 0x04:
                    // Full authentication: ask for the server's RSA public key (no TLS here).
                    await channel.WritePacketAsync(new byte[] { 0x02 }, cancellationToken).ConfigureAwait(false);
                    var keyPacket = await channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
                    MySqlPacketChannel.ThrowIfError(keyPacket);
                    var pem = Encoding.ASCII.GetString(keyPacket, 1, keyPacket.Length - 1);
                    await channel.WritePacketAsync(Authentication.EncryptWithPublicKey(password, nonce, pem), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new BinlogProtocolException($"Unexpected packet 0x{answer[0]:X2} during authentication");
            }
        }
    }

    /// <summary>Runs a statement that answers OK (SET ...); the server's error otherwise.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetBytes(sql);
        var packet = new byte[1 + text.Length];
        packet[0] = 0x03; // COM_QUERY
        text.CopyTo(packet, 1);
        _channel.ResetSequence();
        await _channel.WritePacketAsync(packet, cancellationToken).ConfigureAwait(false);
        var answer = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        MySqlPacketChannel.ThrowIfError(answer);
        if (answer[0] != 0x00)
        {
            throw new BinlogProtocolException($"'{sql}' returned a result set; only statements answering OK are sent on the replication session");
        }
    }

    /// <summary>COM_REGISTER_SLAVE: server_id(4), host, user, password (each length-prefixed, empty here), port(2), rank(4), master_id(4).</summary>
    public async Task RegisterReplicaAsync(uint serverId, CancellationToken cancellationToken)
    {
        var packet = new byte[1 + 4 + 3 + 2 + 4 + 4];
        packet[0] = 0x15;
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(1), serverId);
        _channel.ResetSequence();
        await _channel.WritePacketAsync(packet, cancellationToken).ConfigureAwait(false);
        var answer = await _channel.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        MySqlPacketChannel.ThrowIfError(answer);
    }

    /// <summary>COM_BINLOG_DUMP: position(4), flags(2), server_id(4), file name. The stream follows.</summary>
    /// <param name="annotateRows">Ask a MariaDB server for its ANNOTATE_ROWS events (flag BINLOG_SEND_ANNOTATE_ROWS_EVENT).</param>
    public async Task StartBinlogDumpAsync(string file, long position, uint serverId, CancellationToken cancellationToken, bool annotateRows = false)
    {
        var name = Encoding.UTF8.GetBytes(file);
        var packet = new byte[1 + 4 + 2 + 4 + name.Length];
        packet[0] = 0x12;
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(1), checked((uint)position));
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(5), annotateRows ? (ushort)2 : (ushort)0);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(7), serverId);
        name.CopyTo(packet, 11);
        _channel.ResetSequence();
        await _channel.WritePacketAsync(packet, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// MariaDB's GTID positioning: the replica's position goes in session variables (<c>@slave_connect_state</c>,
    /// one GTID per domain; strict mode and duplicate-ignoring off, as Debezium's binlog client sets them), then
    /// COM_BINLOG_DUMP with no file name: the server starts at the first transaction after the position, in whichever
    /// file holds it, and the stream's ROTATE names that file.
    /// </summary>
    public async Task StartMariaDbGtidDumpAsync(Gtids.MariaDbGtidPosition position, uint serverId, CancellationToken cancellationToken, bool annotateRows = false)
    {
        await ExecuteAsync($"SET @slave_connect_state = '{position}'", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync("SET @slave_gtid_strict_mode = 0", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync("SET @slave_gtid_ignore_duplicates = 0", cancellationToken).ConfigureAwait(false);
        await StartBinlogDumpAsync("", 4, serverId, cancellationToken, annotateRows).ConfigureAwait(false);
    }

    /// <summary>COM_BINLOG_DUMP_GTID (MySQL): the server sends every transaction not in <paramref name="gtids"/>.</summary>
    public async Task StartMySqlGtidDumpAsync(Gtids.MySqlGtidSet gtids, uint serverId, CancellationToken cancellationToken)
    {
        _channel.ResetSequence();
        await _channel.WritePacketAsync(BinlogDumpGtidPacket(serverId, "", 4, gtids), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The COM_BINLOG_DUMP_GTID payload (MySQL's protocol documentation): 0x1E, flags(2) = BINLOG_THROUGH_GTID (4),
    /// server_id(4), file name length(4), file name, position(8), GTID data length(4), GTID data (the set's binary
    /// encoding, <see cref="Gtids.MySqlGtidSet.Encode"/>). An empty file name and position 4 leave the choice of file to the server.
    /// </summary>
    internal static byte[] BinlogDumpGtidPacket(uint serverId, string file, long position, Gtids.MySqlGtidSet gtids)
    {
        const ushort BinlogThroughGtid = 4;
        var name = Encoding.UTF8.GetBytes(file);
        var data = gtids.Encode();
        var packet = new byte[1 + 2 + 4 + 4 + name.Length + 8 + 4 + data.Length];
        var span = packet.AsSpan();
        span[0] = 0x1E;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], BinlogThroughGtid);
        BinaryPrimitives.WriteUInt32LittleEndian(span[3..], serverId);
        BinaryPrimitives.WriteInt32LittleEndian(span[7..], name.Length);
        name.CopyTo(span[11..]);
        var at = 11 + name.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], position);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], data.Length);
        data.CopyTo(span[(at + 12)..]);
        return packet;
    }

    public ValueTask<byte[]> ReadPacketAsync(CancellationToken cancellationToken) => _channel.ReadPacketAsync(cancellationToken);

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
