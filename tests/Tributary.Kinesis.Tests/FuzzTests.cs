using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// Bad input never crashes or hangs: every operation gets randomized bodies built from real member names with
/// values of every JSON type (and random bytes as JSON and CBOR). Each answer must be 200 or a 4xx AWS error with
/// a <c>__type</c> — never a 500, which would mean an unhandled path.
/// </summary>
[Trait("Category", "process")]
public class FuzzTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    private static readonly string[] Operations =
    [
        "CreateStream", "DescribeStream", "DescribeStreamSummary", "ListStreams", "ListShards", "PutRecord", "PutRecords",
        "GetShardIterator", "GetRecords", "SplitShard", "MergeShards", "UpdateShardCount", "UpdateStreamMode", "IncreaseStreamRetentionPeriod",
        "DecreaseStreamRetentionPeriod", "RegisterStreamConsumer", "DeregisterStreamConsumer", "DescribeStreamConsumer", "ListStreamConsumers",
        "SubscribeToShard", "AddTagsToStream", "RemoveTagsFromStream", "ListTagsForStream", "TagResource", "UntagResource", "ListTagsForResource",
        "DescribeLimits", "DescribeAccountSettings", "StartStreamEncryption", "StopStreamEncryption", "UpdateMaxRecordSize",
        "EnableEnhancedMonitoring", "DisableEnhancedMonitoring",
    ];

    private static readonly string[] Members =
    [
        "StreamName", "StreamARN", "ShardCount", "StreamModeDetails", "Tags", "MaxRecordSizeInKiB", "Limit", "ExclusiveStartShardId",
        "ExclusiveStartStreamName", "NextToken", "MaxResults", "ShardFilter", "Records", "Data", "PartitionKey", "ExplicitHashKey",
        "SequenceNumberForOrdering", "ShardId", "ShardIteratorType", "StartingSequenceNumber", "Timestamp", "ShardIterator", "ShardToSplit",
        "NewStartingHashKey", "ShardToMerge", "AdjacentShardToMerge", "TargetShardCount", "ScalingType", "RetentionPeriodHours",
        "ConsumerName", "ConsumerARN", "StartingPosition", "TagKeys", "ResourceARN", "EncryptionType", "KeyId", "ShardLevelMetrics",
        "EnforceConsumerDeletion", "Type", "StreamMode",
    ];

    [Fact]
    public async Task Random_bodies_for_every_operation_get_an_answer_never_a_500()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var random = new Random(7);
        const string Stream = "fuzz";
        await SendAsync(http, "CreateStream", Encoding.UTF8.GetBytes($"{{\"StreamName\":\"{Stream}\",\"ShardCount\":2}}"), "application/x-amz-json-1.1");
        var arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + Stream;
        // Real values too, so random requests reach past the first checks: a sequence number, an iterator, a consumer.
        var (_, put) = await SendAsync(http, "PutRecord", Encoding.UTF8.GetBytes($"{{\"StreamName\":\"{Stream}\",\"Data\":\"AA==\",\"PartitionKey\":\"k\"}}"), "application/x-amz-json-1.1");
        Real.Add(JsonDocument.Parse(put).RootElement.GetProperty("SequenceNumber").GetString()!);
        var (_, iterator) = await SendAsync(http, "GetShardIterator", Encoding.UTF8.GetBytes($"{{\"StreamName\":\"{Stream}\",\"ShardId\":\"shardId-000000000000\",\"ShardIteratorType\":\"TRIM_HORIZON\"}}"), "application/x-amz-json-1.1");
        Real.Add(JsonDocument.Parse(iterator).RootElement.GetProperty("ShardIterator").GetString()!);
        var (_, consumer) = await SendAsync(http, "RegisterStreamConsumer", Encoding.UTF8.GetBytes($"{{\"StreamARN\":\"{arn}\",\"ConsumerName\":\"c\"}}"), "application/x-amz-json-1.1");
        Real.Add(JsonDocument.Parse(consumer).RootElement.GetProperty("Consumer").GetProperty("ConsumerARN").GetString()!);
        for (var i = 0; i < 1500; i++)
        {
            var operation = Operations[random.Next(Operations.Length)];
            var body = new JsonObject();
            if (random.Next(3) > 0)
            {
                body["StreamName"] = Stream;
            }
            var count = random.Next(0, 6);
            for (var m = 0; m < count; m++)
            {
                body[Members[random.Next(Members.Length)]] = RandomValue(random, arn, 0);
            }
            var (status, text) = await SendAsync(http, operation, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/x-amz-json-1.1");
            AssertAwsAnswer(operation, body.ToJsonString(), status, text);
        }
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var operation = Operations[random.Next(Operations.Length)];
            var contentType = i % 2 == 0 ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
            var (status, text) = await SendAsync(http, operation, bytes, contentType);
            Assert.True((int)status is 200 or (>= 400 and < 500), $"{operation} with {Convert.ToHexString(bytes)} as {contentType}: {(int)status} {text}");
        }
    }

    private static void AssertAwsAnswer(string operation, string body, HttpStatusCode status, string text)
    {
        Assert.True((int)status is 200 or (>= 400 and < 500), $"{operation} {body}: {(int)status} {text}");
        if (status != HttpStatusCode.OK)
        {
            Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty("__type", out _), $"{operation} {body}: no __type in {text}");
        }
    }

    private static readonly List<string> Real = [];

    private static JsonNode? RandomValue(Random random, string arn, int depth)
    {
        switch (random.Next(depth > 2 ? 10 : 13))
        {
            case 9:
                return Real[random.Next(Real.Count)];
            case 0:
                return null;
            case 1:
                return random.Next(2) == 0;
            case 2:
                return random.Next(-3, 20);
            case 3:
                return random.NextInt64(long.MinValue, long.MaxValue);
            case 4:
                return JsonValue.Create(random.NextDouble() * 1e12);
            case 5:
                return new[] { "", "shardId-000000000000", "shardId-000000000001", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "UNIFORM_SCALING", "ON_DEMAND", "KMS", "ALL", "AAAA", "x" }[random.Next(13)];
            case 6:
                return arn + (random.Next(2) == 0 ? "" : "/consumer/c:1");
            case 7:
                return new string('z', random.Next(0, 600));
            case 8:
                return "340282366920938463463374607431768211455" + (random.Next(2) == 0 ? "" : "9");
            case 10:
                var array = new JsonArray();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    array.Add(RandomValue(random, arn, depth + 1));
                }
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    obj[Members[random.Next(Members.Length)]] = RandomValue(random, arn, depth + 1);
                }
                return obj;
        }
    }

    private async Task<(HttpStatusCode Status, string Text)> SendAsync(HttpClient http, string operation, byte[] body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        AwsClients.Sign(request);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType == "application/vnd.amazon.eventstream")
        {
            // A subscription the fuzzer managed to open is a valid answer; do not wait five minutes for it.
            return (response.StatusCode, "");
        }
        return (response.StatusCode, contentType.Contains("cbor", StringComparison.Ordinal) ? "" : await response.Content.ReadAsStringAsync());
    }
}
