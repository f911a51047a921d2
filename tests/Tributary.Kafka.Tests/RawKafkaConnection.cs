using System.Buffers.Binary;
using System.Net.Sockets;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests;

/// <summary>A bare TCP connection that speaks Kafka frames, for protocol-level tests (bad frames included).</summary>
public sealed class RawKafkaConnection : IDisposable
{
    private readonly TcpClient _client = new();
    private int _correlationId;

    private RawKafkaConnection()
    {
    }

    public NetworkStream Stream => _client.GetStream();

    public static async Task<RawKafkaConnection> ConnectAsync(int port)
    {
        var connection = new RawKafkaConnection();
        await connection._client.ConnectAsync("127.0.0.1", port);
        return connection;
    }

    /// <summary>Sends a request of <paramref name="version"/> and returns the decoded response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short apiKey, short version)
        where TResponse : IKafkaMessage, new()
    {
        var api = KafkaApis.All.Single(a => a.ApiKey == apiKey);
        var correlationId = ++_correlationId;
        using var buffer = new PooledBufferWriter();
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        new RequestHeader { ApiKey = apiKey, ApiVersion = version, CorrelationId = correlationId, ClientId = "raw-test" }.Write(writer, api.RequestHeaderVersion(version));
        request.Write(writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        await Stream.WriteAsync(buffer.WrittenMemory);
        var frame = await ReadFrameAsync() ?? throw new IOException("connection closed before the response");
        var reader = new KafkaReader(frame);
        var header = new ResponseHeader();
        header.Read(ref reader, api.ResponseHeaderVersion(version));
        Assert.Equal(correlationId, header.CorrelationId);
        var response = new TResponse();
        response.Read(ref reader, version);
        Assert.True(reader.End, $"{reader.Remaining} bytes left after the response");
        return response;
    }

    public Task SendRawAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>Reads one response frame; null when the server closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync()
    {
        var prefix = new byte[4];
        if (!await ReadExactlyOrEndAsync(prefix))
        {
            return null;
        }
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        return await ReadExactlyOrEndAsync(frame) ? frame : null;
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await Stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }

    public void Dispose() => _client.Dispose();
}
