using System.Buffers.Binary;
using System.Net.Sockets;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests;

/// <summary>
/// Transport fuzzing: hundreds of random and mutated frames (fixed seeds), each on its own connection,
/// then the listener must still answer ApiVersions (and Metadata) on a fresh connection.
/// </summary>
[Trait("Category", "slow")]
public sealed class TransportFuzzTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions { MaxRequestBytes = 1024 * 1024 });

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    [Fact]
    public async Task Random_and_mutated_frames_never_stop_the_listener()
    {
        var seeds = SeedFrames();
        var random = new Random(20261122);
        var frames = new List<byte[]>();
        for (var i = 0; i < 400; i++)
        {
            frames.Add(i % 8 == 0 ? RandomFrame(random) : MutateFrame(seeds[i % seeds.Count], random));
        }
        foreach (var batch in frames.Chunk(40))
        {
            await Task.WhenAll(batch.Select(SendAndDrainAsync));
        }

        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        for (short version = 0; version <= 3; version++)
        {
            var response = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "fuzz", ClientSoftwareVersion = "1" }, 18, version);
            Assert.Equal(0, response.ErrorCode);
        }
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 3, 4);
        Assert.Single(metadata.Brokers);
    }

    /// <summary>Sends one frame on a new connection and reads whatever comes back until the server closes or a second passes.</summary>
    private async Task SendAndDrainAsync(byte[] frame)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _kafka.Server.Port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            var stream = client.GetStream();
            await stream.WriteAsync(frame, timeout.Token);
            var buffer = new byte[64 * 1024];
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Closed by the server, reset, or still waiting for the rest of a frame: all fine.
        }
    }

    private static List<byte[]> SeedFrames()
    {
        var frames = new List<byte[]>();
        for (short version = 0; version <= 3; version++)
        {
            frames.Add(Frame(new ApiVersionsRequest { ClientSoftwareName = "fuzz", ClientSoftwareVersion = "1.0" }, 18, version));
        }
        frames.Add(Frame(new MetadataRequest { Topics = [new() { Name = "fuzz-topic" }], AllowAutoTopicCreation = true }, 3, 4));
        frames.Add(Frame(new MetadataRequest { Topics = null }, 3, 12));
        // librdkafka's Produce v7 body (see GoldenClientBytesTests): one record batch, key "key1", value "hello-golden".
        var batch = Convert.FromHexString(
            "0000000000000000" + "00000048" + "00000000" + "02" + "2138F56D" + "0000" + "00000000" + "000001A20294CC2F" + "000001A20294CC2F"
            + "FFFFFFFFFFFFFFFF" + "FFFF" + "FFFFFFFF" + "00000001" + "2C" + "00" + "00" + "00" + "08" + "6B657931" + "18" + "68656C6C6F2D676F6C64656E" + "00");
        var produce = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30000,
            TopicData = [new() { Name = "fuzz-topic", PartitionData = [new() { Index = 0, Records = batch }] }],
        };
        frames.Add(Frame(produce, 0, 7));
        frames.Add(Frame(produce, 0, 9));
        frames.Add(Frame(new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = 10,
            MaxBytes = 1024,
            Topics = [new() { Topic = "fuzz-topic", Partitions = [new() { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1024 }] }],
        }, 1, 11));
        return frames;
    }

    private static byte[] Frame(IKafkaMessage request, short apiKey, short version)
    {
        var api = KafkaApis.All.Single(a => a.ApiKey == apiKey);
        using var buffer = new PooledBufferWriter();
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        new RequestHeader { ApiKey = apiKey, ApiVersion = version, CorrelationId = 1, ClientId = "fuzz" }.Write(writer, api.RequestHeaderVersion(version));
        request.Write(writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] RandomFrame(Random random)
    {
        var body = new byte[random.Next(0, 200)];
        random.NextBytes(body);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>Mutates the body; the length prefix is kept right most of the time, else set to a hostile value.</summary>
    private static byte[] MutateFrame(byte[] frame, Random random)
    {
        var body = new List<byte>(frame[4..]);
        var rounds = 1 + random.Next(3);
        for (var round = 0; round < rounds; round++)
        {
            var position = body.Count == 0 ? 0 : random.Next(body.Count);
            switch (random.Next(6))
            {
                case 0 when body.Count > 0:
                    body[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when body.Count > 0:
                    body[position] = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)random.Next(256) };
                    break;
                case 2 when position > 8:
                    body.RemoveRange(position, body.Count - position);
                    break;
                case 3:
                    var inserted = new byte[1 + random.Next(6)];
                    random.NextBytes(inserted);
                    body.InsertRange(position, inserted);
                    break;
                default:
                    byte[][] values = [[0x7F, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x00, 0x00], [0x7F, 0xFF], [0xFF, 0xFE], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]];
                    var value = values[random.Next(values.Length)];
                    for (var i = 0; i < value.Length && position + i < body.Count; i++)
                    {
                        body[position + i] = value[i];
                    }
                    break;
            }
        }
        var length = random.Next(10) switch
        {
            0 => int.MaxValue,
            1 => -1,
            2 => body.Count + 1 + random.Next(100), // promises more than is sent
            _ => body.Count,
        };
        var result = new byte[4 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(result, length);
        body.CopyTo(result, 4);
        return result;
    }
}
