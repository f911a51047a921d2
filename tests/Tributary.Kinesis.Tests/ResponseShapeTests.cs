using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// What AWS puts in successful responses, driven with raw HTTP (issue 23): an empty body for the operations the model
/// gives no output shape, the members of those that have one, shard ids read leniently as AWS reads them, and
/// sequence numbers with AWS's structure (56 digits encoding the shard and the record's arrival time, strictly
/// increasing within a shard, usable with AT_/AFTER_SEQUENCE_NUMBER).
/// </summary>
[Trait("Category", "process")]
public class ResponseShapeTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    private const string Json = "application/x-amz-json-1.1";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private async Task<(int Status, string? ContentType, string Body)> SendAsync(string operation, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(Json);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        AwsClients.Sign(request);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> CallAsync(string operation, string body)
    {
        var (status, _, text) = await SendAsync(operation, body);
        Assert.True(status == 200, $"{operation}: {status} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends an operation without an output shape and requires AWS's answer: 200, the JSON type, no body at all.</summary>
    private async Task AssertEmptyAsync(string operation, string body)
    {
        var (status, contentType, text) = await SendAsync(operation, body);
        Assert.True(status == 200, $"{operation}: {status} {text}");
        Assert.Equal(Json, contentType);
        Assert.Equal("", text);
    }

    private static string NewStreamName() => "shape-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Operations_without_an_output_shape_answer_an_empty_body()
    {
        var name = NewStreamName();
        await AssertEmptyAsync("CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":2}""");
        await AssertEmptyAsync("AddTagsToStream", $$$"""{"StreamName":"{{{name}}}","Tags":{"team":"data"}}""");
        await AssertEmptyAsync("RemoveTagsFromStream", $$"""{"StreamName":"{{name}}","TagKeys":["team"]}""");
        await AssertEmptyAsync("IncreaseStreamRetentionPeriod", $$"""{"StreamName":"{{name}}","RetentionPeriodHours":48}""");
        await AssertEmptyAsync("DecreaseStreamRetentionPeriod", $$"""{"StreamName":"{{name}}","RetentionPeriodHours":24}""");
        await AssertEmptyAsync("StartStreamEncryption", $$"""{"StreamName":"{{name}}","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}""");
        await AssertEmptyAsync("StopStreamEncryption", $$"""{"StreamName":"{{name}}","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}""");
        await AssertEmptyAsync("MergeShards", $$"""{"StreamName":"{{name}}","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}""");
        await AssertEmptyAsync("SplitShard", $$"""{"StreamName":"{{name}}","ShardToSplit":"shardId-000000000002","NewStartingHashKey":"1000"}""");
        await AssertEmptyAsync("DeleteStream", $$"""{"StreamName":"{{name}}"}""");
    }

    [Fact]
    public async Task Operations_with_an_output_shape_answer_its_members()
    {
        var name = NewStreamName();
        await AssertEmptyAsync("CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":1}""");
        var arn = $"arn:aws:kinesis:us-east-1:000000000000:stream/{name}";
        var monitoring = await CallAsync("EnableEnhancedMonitoring", $$"""{"StreamName":"{{name}}","ShardLevelMetrics":["IncomingBytes"]}""");
        Assert.Equal($$"""{"StreamName":"{{name}}","CurrentShardLevelMetrics":[],"DesiredShardLevelMetrics":["IncomingBytes"],"StreamARN":"{{arn}}"}""", monitoring.GetRawText());
        var count = await CallAsync("UpdateShardCount", $$"""{"StreamName":"{{name}}","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}""");
        Assert.Equal($$"""{"StreamName":"{{name}}","CurrentShardCount":1,"TargetShardCount":2,"StreamARN":"{{arn}}"}""", count.GetRawText());
    }

    [Fact]
    public async Task Shard_ids_are_read_from_the_digits_after_the_last_dash()
    {
        var name = NewStreamName();
        await AssertEmptyAsync("CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":1}""");
        var iterator = await CallAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"anything-0","ShardIteratorType":"TRIM_HORIZON"}""");
        Assert.False(string.IsNullOrEmpty(iterator.GetProperty("ShardIterator").GetString()));
        var records = await CallAsync("GetRecords", $$"""{"ShardIterator":"{{iterator.GetProperty("ShardIterator").GetString()}}"}""");
        Assert.Equal(0, records.GetProperty("Records").GetArrayLength());

        var (status, _, body) = await SendAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"shardId-x","ShardIteratorType":"TRIM_HORIZON"}""");
        Assert.Equal(400, status);
        Assert.Equal($$"""{"__type":"ResourceNotFoundException","message":"Shard shardId-x in stream {{name}} under account 000000000000 does not exist"}""", body);
        (status, _, body) = await SendAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"anything-1","ShardIteratorType":"TRIM_HORIZON"}""");
        Assert.Equal(400, status);
        Assert.Equal($$"""{"__type":"ResourceNotFoundException","message":"Shard anything-1 in stream {{name}} under account 000000000000 does not exist"}""", body);
    }

    [Fact]
    public async Task Sequence_numbers_encode_shard_and_arrival_time_grow_and_lead_back_to_their_record()
    {
        var name = NewStreamName();
        await AssertEmptyAsync("CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":1}""");
        var numbers = new List<string>();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 3; i++)
        {
            var put = await CallAsync("PutRecord", $$"""{"StreamName":"{{name}}","PartitionKey":"k","Data":"{{Convert.ToBase64String(new[] { (byte)i })}}"}""");
            Assert.Equal("shardId-000000000000", put.GetProperty("ShardId").GetString());
            numbers.Add(put.GetProperty("SequenceNumber").GetString()!);
            await Task.Delay(5);
        }
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var previous = System.Numerics.BigInteger.MinusOne;
        foreach (var number in numbers)
        {
            Assert.Matches("^[0-9]{56}$", number);
            var value = System.Numerics.BigInteger.Parse(number, CultureInfo.InvariantCulture);
            Assert.True(value > previous, string.Join(", ", numbers));
            previous = value;
            // Digits 12-21 are the shard, 42-54 the arrival time in epoch milliseconds (docs/formats/kinesis.md).
            Assert.Equal(0, int.Parse(number.AsSpan(12, 10), CultureInfo.InvariantCulture));
            var arrival = long.Parse(number.AsSpan(42, 13), CultureInfo.InvariantCulture);
            Assert.InRange(arrival, before - 1000, after + 1000);
        }

        // GetRecords hands out the very numbers PutRecord answered, and the arrival times they encode.
        var iterator = await CallAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}""");
        var records = (await CallAsync("GetRecords", $$"""{"ShardIterator":"{{iterator.GetProperty("ShardIterator").GetString()}}"}""")).GetProperty("Records");
        Assert.Equal(numbers, records.EnumerateArray().Select(r => r.GetProperty("SequenceNumber").GetString()!).ToList());
        foreach (var record in records.EnumerateArray())
        {
            var seconds = record.GetProperty("ApproximateArrivalTimestamp").GetDecimal();
            Assert.Equal((long)(seconds * 1000), long.Parse(record.GetProperty("SequenceNumber").GetString().AsSpan(42, 13), CultureInfo.InvariantCulture));
        }

        // AT_ and AFTER_SEQUENCE_NUMBER find the record again.
        iterator = await CallAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"{{numbers[1]}}"}""");
        records = (await CallAsync("GetRecords", $$"""{"ShardIterator":"{{iterator.GetProperty("ShardIterator").GetString()}}"}""")).GetProperty("Records");
        Assert.Equal(numbers[1..], records.EnumerateArray().Select(r => r.GetProperty("SequenceNumber").GetString()!).ToList());
        iterator = await CallAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"shardId-000000000000","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"{{numbers[1]}}"}""");
        records = (await CallAsync("GetRecords", $$"""{"ShardIterator":"{{iterator.GetProperty("ShardIterator").GetString()}}"}""")).GetProperty("Records");
        Assert.Equal(numbers[2..], records.EnumerateArray().Select(r => r.GetProperty("SequenceNumber").GetString()!).ToList());

        // The shard's starting number is below every record's.
        var shards = (await CallAsync("ListShards", $$"""{"StreamName":"{{name}}"}""")).GetProperty("Shards");
        var starting = System.Numerics.BigInteger.Parse(shards[0].GetProperty("SequenceNumberRange").GetProperty("StartingSequenceNumber").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(starting < System.Numerics.BigInteger.Parse(numbers[0], CultureInfo.InvariantCulture));
    }
}
