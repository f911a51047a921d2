using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tributary.Aws;

namespace Tributary.Kinesis.Tests;

/// <summary>The event-stream framing (lengths, both CRCs) and SubscribeToShard on the wire, over HTTP/2.</summary>
[Trait("Category", "process")]
public class EventStreamTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    [Fact]
    public void Frames_carry_lengths_headers_and_both_crcs()
    {
        var buffer = new ArrayBufferWriter<byte>();
        EventStream.WriteEvent(buffer, "SubscribeToShardEvent", "application/json", "{}"u8);
        var bytes = buffer.WrittenSpan.ToArray();
        Assert.Equal((uint)bytes.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes));
        // CRC-32 (IEEE) check value of "123456789" is 0xCBF43926.
        Assert.Equal(0xCBF43926u, EventStream.Crc32("123456789"u8));
        Assert.True(EventStream.TryReadMessage(bytes, out var message, out var consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal("event", message!.Headers[":message-type"]);
        Assert.Equal("SubscribeToShardEvent", message.Headers[":event-type"]);
        Assert.Equal("{}", Encoding.UTF8.GetString(message.Payload));
        Assert.False(EventStream.TryReadMessage(bytes.AsSpan(0, bytes.Length - 1), out _, out _));
        var corrupt = (byte[])bytes.Clone();
        corrupt[^6] ^= 1;
        Assert.Throws<InvalidDataException>(() => EventStream.TryReadMessage(corrupt, out _, out _));
        corrupt = (byte[])bytes.Clone();
        corrupt[1] ^= 1;
        Assert.Throws<InvalidDataException>(() => EventStream.TryReadMessage(corrupt, out _, out _));
    }

    [Fact]
    public async Task SubscribeToShard_streams_events_over_http2_and_refuses_a_second_subscription()
    {
        var name = "efo-" + Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = TimeSpan.FromSeconds(30) };
        await CallAsync(http, "CreateStream", new { StreamName = name, ShardCount = 1 });
        // Encrypted: its records carry EncryptionType in events as in GetRecords (one record writer for both).
        await CallAsync(http, "StartStreamEncryption", new { StreamName = name, EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });
        await CallAsync(http, "PutRecord", new { StreamName = name, Data = Convert.ToBase64String("one"u8), PartitionKey = "k" });
        var arn = (await CallAsync(http, "DescribeStreamSummary", new { StreamName = name })).GetProperty("StreamDescriptionSummary").GetProperty("StreamARN").GetString();
        var consumerArn = (await CallAsync(http, "RegisterStreamConsumer", new { StreamARN = arn, ConsumerName = "c" })).GetProperty("Consumer").GetProperty("ConsumerARN").GetString();

        using var request = Request("SubscribeToShard", new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = new { Type = "TRIM_HORIZON" } });
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var frames = new List<EventStreamMessage>();
        var pending = new List<byte>();
        var chunk = new byte[4096];
        while (frames.Count < 2)
        {
            var read = await body.ReadAsync(chunk).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(read > 0, "the event stream ended early");
            pending.AddRange(chunk.AsSpan(0, read).ToArray());
            while (EventStream.TryReadMessage(pending.ToArray(), out var message, out var consumed))
            {
                frames.Add(message!);
                pending.RemoveRange(0, consumed);
            }
        }
        Assert.Equal("initial-response", frames[0].Headers[":event-type"]);
        Assert.Equal("SubscribeToShardEvent", frames[1].Headers[":event-type"]);
        var payload = JsonDocument.Parse(frames[1].Payload).RootElement;
        Assert.Equal("one", Encoding.UTF8.GetString(payload.GetProperty("Records")[0].GetProperty("Data").GetBytesFromBase64()));
        Assert.Equal("KMS", payload.GetProperty("Records")[0].GetProperty("EncryptionType").GetString());
        Assert.Equal(56, payload.GetProperty("ContinuationSequenceNumber").GetString()!.Length);

        // The same consumer on the same shard within five seconds: refused before any event is sent.
        using var second = Request("SubscribeToShard", new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = new { Type = "LATEST" } });
        using var refused = await http.SendAsync(second);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("ResourceInUseException", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("__type").GetString());
    }

    private HttpRequestMessage Request(string operation, object body)
    {
        // The shared AWS port: HTTP/2 there is recognised by the connection preface.
        var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        AwsClients.Sign(request);
        return request;
    }

    private async Task<JsonElement> CallAsync(HttpClient http, string operation, object body)
    {
        using var request = Request(operation, body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {response.StatusCode} {text}");
        // Operations without an output shape (CreateStream...) answer no body at all, as AWS does.
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
    }
}
