using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tributary.Aws.Cbor;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// The HTTP wire as AWS defines it, driven with raw requests against the running server: targets, content
/// types, error bodies and statuses for bad input, CBOR requests and responses, HTTP/2 cleartext.
/// </summary>
[Trait("Category", "process")]
public class WireTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private async Task<(HttpStatusCode Status, string ContentType, byte[] Body)> SendAsync(string target, byte[] body, string contentType = "application/x-amz-json-1.1", HttpClient? client = null, string? endpoint = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, (endpoint ?? server.Endpoint) + "/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }
        AwsClients.Sign(request);
        using var response = await (client ?? Http).SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<JsonElement> CallAsync(string operation, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, _, bytes) = await SendAsync("Kinesis_20131202." + operation, JsonSerializer.SerializeToUtf8Bytes(body));
        Assert.True(status == expected, $"{operation}: {status} {Encoding.UTF8.GetString(bytes)}");
        // Operations without an output shape (CreateStream...) answer no body at all, as AWS does.
        return JsonDocument.Parse(bytes.Length == 0 ? "{}"u8.ToArray() : bytes).RootElement.Clone();
    }

    private static void AssertError(JsonElement error, string type, string messagePart)
    {
        Assert.Equal(type, error.GetProperty("__type").GetString());
        // AWS spells the member "Message" in SerializationException only.
        Assert.Contains(messagePart, error.GetProperty(type == "SerializationException" ? "Message" : "message").GetString());
    }

    [Fact]
    public async Task Unknown_operation_and_missing_target_are_UnknownOperationException()
    {
        var (status, contentType, body) = await SendAsync("Kinesis_20131202.FlyToTheMoon", "{}"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/x-amz-json-1.1", contentType);
        Assert.Equal("""{"__type":"UnknownOperationException"}""", Encoding.UTF8.GetString(body));
        (status, _, body) = await SendAsync("", "{}"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"__type":"UnknownOperationException"}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Malformed_json_and_wrong_member_types_are_SerializationException()
    {
        var (status, contentType, body) = await SendAsync("Kinesis_20131202.ListStreams", "{\"Limit\":"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/x-amz-json-1.1", contentType);
        Assert.Equal("""{"__type":"SerializationException"}""", Encoding.UTF8.GetString(body));
        AssertError(await CallAsync("CreateStream", new { StreamName = "x", ShardCount = "two" }, HttpStatusCode.BadRequest), "SerializationException",
            "class java.lang.String can not be converted to an Integer");
        (status, _, body) = await SendAsync("Kinesis_20131202.ListStreams", "[1]"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"__type":"SerializationException"}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Each_validation_rule_names_the_member_and_the_constraint()
    {
        AssertError(await CallAsync("CreateStream", new { ShardCount = 1 }, HttpStatusCode.BadRequest), "ValidationException",
            "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null");
        AssertError(await CallAsync("CreateStream", new { StreamName = new string('a', 129), ShardCount = 1 }, HttpStatusCode.BadRequest), "ValidationException",
            "at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128");
        AssertError(await CallAsync("CreateStream", new { StreamName = "ok", ShardCount = 1, StreamModeDetails = new { StreamMode = "FAST" } }, HttpStatusCode.BadRequest), "ValidationException",
            "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]");
        AssertError(await CallAsync("GetRecords", new { ShardIterator = "abc", Limit = 10001 }, HttpStatusCode.BadRequest), "ValidationException",
            "Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
        AssertError(await CallAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "OLDEST" }, HttpStatusCode.BadRequest), "ValidationException",
            "at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set");
        AssertError(await CallAsync("PutRecord", new { StreamName = "s", Data = "", PartitionKey = "" }, HttpStatusCode.BadRequest), "ValidationException",
            "at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1");
        AssertError(await CallAsync("PutRecord", new { StreamName = "s", Data = "", PartitionKey = "k", ExplicitHashKey = "-1" }, HttpStatusCode.BadRequest), "ValidationException",
            "at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern");
    }

    [Fact]
    public async Task Semantic_errors_carry_AWS_types()
    {
        var name = "wire-" + Guid.NewGuid().ToString("N")[..8];
        await CallAsync("CreateStream", new { StreamName = name, ShardCount = 1 });
        AssertError(await CallAsync("PutRecord", new { StreamName = name, Data = "", PartitionKey = "k", ExplicitHashKey = "340282366920938463463374607431768211456" }, HttpStatusCode.BadRequest),
            "InvalidArgumentException", "ExplicitHashKey must be in the range");
        AssertError(await CallAsync("GetShardIterator", new { StreamName = name, ShardId = "shardId-000000000007", ShardIteratorType = "LATEST" }, HttpStatusCode.BadRequest),
            "ResourceNotFoundException", "Shard shardId-000000000007 in stream " + name);
        AssertError(await CallAsync("GetShardIterator", new { StreamName = name, ShardId = "shardId-000000000000", ShardIteratorType = "AT_SEQUENCE_NUMBER" }, HttpStatusCode.BadRequest),
            "InvalidArgumentException", "StartingSequenceNumber");
        AssertError(await CallAsync("IncreaseStreamRetentionPeriod", new { StreamName = name, RetentionPeriodHours = 9000 }, HttpStatusCode.BadRequest),
            "ValidationException", "Value '9000' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value less than or equal to 8760");
        AssertError(await CallAsync("DecreaseStreamRetentionPeriod", new { StreamName = name, RetentionPeriodHours = 23 }, HttpStatusCode.BadRequest),
            "InvalidArgumentException", "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
        AssertError(await CallAsync("UpdateShardCount", new { StreamName = name, TargetShardCount = 3, ScalingType = "UNIFORM_SCALING" }, HttpStatusCode.BadRequest),
            "LimitExceededException", "double");
        AssertError(await CallAsync("ListShards", new { StreamName = name, NextToken = "abc" }, HttpStatusCode.BadRequest),
            "InvalidArgumentException", "NextToken and StreamName cannot be provided together");
        AssertError(await CallAsync("CreateStream", new { StreamName = "huge", ShardCount = 100_000 }, HttpStatusCode.BadRequest),
            "LimitExceededException", "shard limit");
        await CallAsync("DeleteStream", new { StreamName = name });
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_no_body_as_AWS_answers()
    {
        var huge = new byte[17 * 1024 * 1024];
        huge.AsSpan().Fill((byte)' ');
        var (status, _, body) = await SendAsync("Kinesis_20131202.PutRecord", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Empty(body);
    }

    [Fact]
    public async Task An_unsupported_content_type_is_AWS_s_xml_UnknownOperationException_404()
    {
        var (status, _, body) = await SendAsync("Kinesis_20131202.ListStreams", "{}"u8.ToArray(), "text/plain");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("<UnknownOperationException/>\n", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Cbor_requests_get_cbor_responses_with_byte_string_blobs_and_millisecond_timestamps()
    {
        var name = "cbor-" + Guid.NewGuid().ToString("N")[..8];
        await CallAsync("CreateStream", new { StreamName = name, ShardCount = 1 });
        var data = new byte[] { 0, 1, 2, 0xFF };
        var put = CborBody(w =>
        {
            w.WriteTextString("StreamName");
            w.WriteTextString(name);
            w.WriteTextString("Data");
            w.WriteByteString(data);
            w.WriteTextString("PartitionKey");
            w.WriteTextString("p");
        });
        var (status, contentType, body) = await SendAsync("Kinesis_20131202.PutRecord", put, "application/x-amz-cbor-1.1");
        Assert.True(status == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        Assert.Equal("application/x-amz-cbor-1.1", contentType);
        var sequence = CborJson(body).GetProperty("SequenceNumber").GetString()!;
        Assert.Equal(56, sequence.Length);

        // Timestamp as AWS CBOR clients send it: tag 1 with epoch milliseconds (here: a time before the stream).
        var iteratorRequest = CborBody(w =>
        {
            w.WriteTextString("StreamName");
            w.WriteTextString(name);
            w.WriteTextString("ShardId");
            w.WriteTextString("shardId-000000000000");
            w.WriteTextString("ShardIteratorType");
            w.WriteTextString("AT_TIMESTAMP");
            w.WriteTextString("Timestamp");
            w.WriteEpochMillisTimestamp(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());
        });
        (status, _, body) = await SendAsync("Kinesis_20131202.GetShardIterator", iteratorRequest, "application/x-amz-cbor-1.1");
        Assert.True(status == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        var iterator = CborJson(body).GetProperty("ShardIterator").GetString()!;
        (status, _, body) = await SendAsync("Kinesis_20131202.GetRecords", CborBody(w =>
        {
            w.WriteTextString("ShardIterator");
            w.WriteTextString(iterator);
        }), "application/x-amz-cbor-1.1");
        Assert.Equal(HttpStatusCode.OK, status);
        // The record's Data is a CBOR byte string (major type 2) holding the bytes as they were put, and the
        // arrival time is tag 1 (0xC1) followed by an integer, AWS's epoch milliseconds.
        var dataKey = Encoding.ASCII.GetBytes("\u0064Data");
        var at = body.AsSpan().IndexOf(dataKey);
        Assert.True(at >= 0);
        Assert.Equal(new byte[] { 0x44, 0, 1, 2, 0xFF }, body.AsSpan(at + dataKey.Length, 5).ToArray());
        var arrivalKey = Encoding.ASCII.GetBytes("\u0078\u001bApproximateArrivalTimestamp");
        var arrival = body.AsSpan().IndexOf(arrivalKey) + arrivalKey.Length;
        Assert.Equal(0xC1, body[arrival]);
        Assert.Equal(0x1B, body[arrival + 1]);
        var record = CborJson(body).GetProperty("Records")[0];
        Assert.Equal(Convert.ToBase64String(data), record.GetProperty("Data").GetString());
        var arrivalSeconds = record.GetProperty("ApproximateArrivalTimestamp").GetDecimal();
        Assert.InRange(arrivalSeconds, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.Equal(sequence, record.GetProperty("SequenceNumber").GetString());

        // Errors in CBOR too.
        (status, contentType, body) = await SendAsync("Kinesis_20131202.DescribeStream", CborBody(w =>
        {
            w.WriteTextString("StreamName");
            w.WriteTextString("missing-" + name);
        }), "application/x-amz-cbor-1.1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/x-amz-cbor-1.1", contentType);
        Assert.Equal("ResourceNotFoundException", CborJson(body).GetProperty("__type").GetString());
        (status, _, body) = await SendAsync("Kinesis_20131202.DescribeStream", [0xBF, 0x61], "application/x-amz-cbor-1.1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SerializationException", CborJson(body).GetProperty("__type").GetString());
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("http2-only")]
    public async Task Http2_cleartext_port_serves_the_same_api(string port)
    {
        var endpoint = port == "shared" ? server.Endpoint : server.Http2Endpoint;
        using var handler = new SocketsHttpHandler();
        using var http2 = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint + "/") { Content = new ByteArrayContent("{}"u8.ToArray()), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.ListStreams");
        AwsClients.Sign(request);
        using var response = await http2.SendAsync(request);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync()).RootElement.TryGetProperty("StreamNames", out _));
    }

    /// <summary>
    /// The shared port decides per connection from its first bytes, which may arrive one at a time: the HTTP/2
    /// preface gets the server's SETTINGS frame, an HTTP/1.1 request (also one that starts like the preface) an
    /// HTTP/1.1 answer.
    /// </summary>
    [Fact]
    public async Task Shared_port_tells_http2_from_http1_by_the_preface_even_byte_by_byte()
    {
        var preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
        using (var connection = await TrickleAsync(preface))
        {
            // An empty SETTINGS frame of our own, then the server's first frame: SETTINGS (type 4) on stream 0.
            await connection.GetStream().WriteAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
            var header = new byte[9];
            await connection.GetStream().ReadExactlyAsync(header);
            Assert.Equal(4, header[3]);
        }
        var request = ("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Type: application/x-amz-json-1.1\r\n" +
            "X-Amz-Date: 20260101T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00\r\n" +
            "Content-Length: 2\r\n\r\n{}").Select(c => (byte)c).ToArray();
        using (var connection = await TrickleAsync(request))
        {
            var answer = await ReadHeadAsync(connection);
            Assert.StartsWith("HTTP/1.1 200", answer);
        }
        using (var connection = await TrickleAsync("PRI * HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray()))
        {
            Assert.StartsWith("HTTP/1.1 ", await ReadHeadAsync(connection));
        }
    }

    private async Task<System.Net.Sockets.TcpClient> TrickleAsync(byte[] bytes)
    {
        var connection = new System.Net.Sockets.TcpClient { NoDelay = true };
        await connection.ConnectAsync(IPAddress.Loopback, server.Port);
        foreach (var b in bytes)
        {
            await connection.GetStream().WriteAsync(new[] { b });
        }
        return connection;
    }

    private static async Task<string> ReadHeadAsync(System.Net.Sockets.TcpClient connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n"))
        {
            var read = await connection.GetStream().ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static byte[] CborBody(Action<CborWriter> members)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new CborWriter(buffer);
        writer.WriteStartIndefiniteMap();
        members(writer);
        writer.WriteBreak();
        return buffer.WrittenSpan.ToArray();
    }

    private static JsonElement CborJson(byte[] cbor)
    {
        var json = new System.Buffers.ArrayBufferWriter<byte>();
        if (cbor.Length == 0)
        {
            // Operations without an output shape answer no body at all, in CBOR as in JSON.
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
        CborJsonTranscoder.Transcode(cbor, json);
        return JsonDocument.Parse(json.WrittenMemory).RootElement.Clone();
    }
}
