using System.Buffers.Binary;
using System.Net.Sockets;

namespace Tributary.Cdc.MySql.Protocol;

/// <summary>
/// MySQL's client/server packet framing over one TCP stream: 3-byte little-endian payload length, 1-byte sequence
/// id, payload; a payload of 0xFFFFFF bytes continues in the next packet (so events over 16 MiB arrive whole).
/// Not thread-safe: one reader and one writer in turn, as the protocol is request/response (and then a stream).
/// </summary>
internal sealed class MySqlPacketChannel : IAsyncDisposable
{
    private const int MaxPayload = 0xFFFFFF;
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly byte[] _header = new byte[4];
    private byte _sequence;

    private MySqlPacketChannel(TcpClient client)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream(), 64 * 1024);
    }

    public static async Task<MySqlPacketChannel> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new BinlogProtocolException($"Could not connect to {host}:{port} within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException error)
        {
            client.Dispose();
            throw new BinlogProtocolException($"Could not connect to {host}:{port}: {error.Message}");
        }
        return new MySqlPacketChannel(client);
    }

    /// <summary>Starts a new command: the next packet written carries sequence id 0.</summary>
    public void ResetSequence() => _sequence = 0;

    /// <summary>Reads one logical packet (continuations joined). The returned array is owned by the caller.</summary>
    public async ValueTask<byte[]> ReadPacketAsync(CancellationToken cancellationToken)
    {
        byte[]? joined = null;
        while (true)
        {
            await _stream.ReadExactlyAsync(_header, cancellationToken).ConfigureAwait(false);
            var length = _header[0] | (_header[1] << 8) | (_header[2] << 16);
            _sequence = (byte)(_header[3] + 1);
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
            if (joined is null && length < MaxPayload)
            {
                return payload;
            }
            joined = joined is null ? payload : [.. joined, .. payload];
            if (length < MaxPayload)
            {
                return joined;
            }
        }
    }

    public async ValueTask WritePacketAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var chunk = Math.Min(MaxPayload, payload.Length - offset);
            var header = new byte[4];
            header[0] = (byte)chunk;
            header[1] = (byte)(chunk >> 8);
            header[2] = (byte)(chunk >> 16);
            header[3] = _sequence++;
            await _stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(payload.Slice(offset, chunk), cancellationToken).ConfigureAwait(false);
            offset += chunk;
            if (chunk < MaxPayload)
            {
                break;
            }
        }
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    /// <summary>Throws the server's error when <paramref name="packet"/> is an ERR packet (0xFF).</summary>
    public static void ThrowIfError(byte[] packet)
    {
        if (packet.Length > 0 && packet[0] == 0xFF)
        {
            throw BinlogProtocolException.FromErrorPacket(packet);
        }
    }

    internal static ushort ReadUInt16(ReadOnlySpan<byte> span) => BinaryPrimitives.ReadUInt16LittleEndian(span);
}
