using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// ValidationException as AWS words it (issue 23), driven with raw HTTP: every constraint of the service model
/// (required, length, pattern, range, enum, ARN patterns, list members), several violations joined into one
/// "N validation errors detected: …" in the order the model declares the members whatever order they arrive in, and
/// validation before the checks that need the stream (ResourceNotFoundException, InvalidArgumentException). The
/// expected bodies are written out in full.
/// </summary>
[Trait("Category", "process")]
public class ValidationTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private async Task<(int Status, string Body)> SendAsync(string operation, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        AwsClients.Sign(request);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertErrorAsync(string operation, string request, string type, string message)
    {
        var (status, body) = await SendAsync(operation, request);
        Assert.Equal(400, status);
        Assert.Equal($$"""{"__type":"{{type}}","message":"{{message}}"}""", body);
    }

    private const string NamePattern = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";

    [Fact]
    public async Task A_missing_required_member_is_one_validation_error()
    {
        await AssertErrorAsync("CreateStream", "{}", "ValidationException",
            "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null");
        await AssertErrorAsync("CreateStream", """{"StreamName":"s","StreamModeDetails":{}}""", "ValidationException",
            "1 validation error detected: Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null");
    }

    [Fact]
    public async Task A_pattern_must_match_the_whole_value_so_a_trailing_line_break_is_a_violation()
    {
        // AWS matches a member's pattern against the whole value: "abc" followed by a line feed is not [a-zA-Z0-9_.-]+.
        // (A regular expression anchored with $ would accept it: $ also matches before a final line feed.)
        await AssertErrorAsync("DescribeStream", """{"StreamName":"abc\n"}""", "ValidationException",
            $"1 validation error detected: Value 'abc\\n' at 'streamName' failed to satisfy constraint: {NamePattern}");
    }

    [Fact]
    public async Task Several_violations_are_joined_in_the_model_s_member_order()
    {
        // Sent in reverse order; reported as GetShardIteratorInput declares them: StreamName, ShardId, ShardIteratorType.
        await AssertErrorAsync("GetShardIterator", """{"ShardIteratorType":"NOPE","ShardId":"x!","StreamName":"a b"}""", "ValidationException",
            "3 validation errors detected: " +
            $"Value 'a b' at 'streamName' failed to satisfy constraint: {NamePattern}; " +
            $"Value 'x!' at 'shardId' failed to satisfy constraint: {NamePattern}; " +
            "Value 'NOPE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]");
        // CreateStreamInput: StreamName, ShardCount, StreamModeDetails, Tags, MaxRecordSizeInKiB.
        var longName = new string('n', 129);
        await AssertErrorAsync("CreateStream", $$$"""{"MaxRecordSizeInKiB":1,"ShardCount":0,"StreamName":"{{{longName}}}","StreamModeDetails":{"StreamMode":"FAST"}}""", "ValidationException",
            "4 validation errors detected: " +
            $"Value '{longName}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128; " +
            "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
            "Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]; " +
            "Value '1' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024");
        // PutRecordInput: StreamName, Data, PartitionKey, ExplicitHashKey, SequenceNumberForOrdering.
        await AssertErrorAsync("PutRecord", """{"SequenceNumberForOrdering":"x","ExplicitHashKey":"01","StreamName":"a b"}""", "ValidationException",
            "5 validation errors detected: " +
            $"Value 'a b' at 'streamName' failed to satisfy constraint: {NamePattern}; " +
            "Value null at 'data' failed to satisfy constraint: Member must not be null; " +
            "Value null at 'partitionKey' failed to satisfy constraint: Member must not be null; " +
            "Value '01' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\\\d{0,38}); " +
            "Value 'x' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\\\d{0,128})");
    }

    [Fact]
    public async Task Arns_are_checked_against_the_model_s_patterns()
    {
        await AssertErrorAsync("DescribeStreamSummary", """{"StreamARN":"arn:aws:kinesis:us-east-1:12:stream/s"}""", "ValidationException",
            "1 validation error detected: Value 'arn:aws:kinesis:us-east-1:12:stream/s' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\\\d{12}:stream/\\\\S+");
        await AssertErrorAsync("ListTagsForResource", """{"ResourceARN":"arn:aws:s3:::bucket"}""", "ValidationException",
            "1 validation error detected: Value 'arn:aws:s3:::bucket' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\\\d{12}:.+");
        await AssertErrorAsync("DescribeStreamConsumer", """{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c"}""", "ValidationException",
            "1 validation error detected: Value 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\\\d{12}:.*stream\\\\/[a-zA-Z0-9_.-]+\\\\/consumer\\\\/[a-zA-Z0-9_.-]+:[0-9]+");
        await AssertErrorAsync("DeregisterStreamConsumer", """{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","ConsumerName":"a b"}""", "ValidationException",
            $"1 validation error detected: Value 'a b' at 'consumerName' failed to satisfy constraint: {NamePattern}");
    }

    [Fact]
    public async Task List_members_are_reported_for_the_whole_list()
    {
        var longKey = new string('k', 129);
        await AssertErrorAsync("RemoveTagsFromStream", $$"""{"StreamName":"s","TagKeys":["a","{{longKey}}"]}""", "ValidationException",
            $"1 validation error detected: Value '[a, {longKey}]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]");
        await AssertErrorAsync("EnableEnhancedMonitoring", """{"StreamName":"s","ShardLevelMetrics":["IncomingBytes","Nope"]}""", "ValidationException",
            "1 validation error detected: Value '[IncomingBytes, Nope]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]");
    }

    [Fact]
    public async Task Validation_comes_before_the_checks_that_need_the_stream()
    {
        // The stream does not exist, but the malformed member is reported first.
        await AssertErrorAsync("SplitShard", """{"StreamName":"no-such-stream","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"-1"}""", "ValidationException",
            "1 validation error detected: Value '-1' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\\\d{0,38})");
        await AssertErrorAsync("SplitShard", """{"StreamName":"no-such-stream","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1"}""", "ResourceNotFoundException",
            "Stream no-such-stream under account 000000000000 not found.");
        await AssertErrorAsync("GetShardIterator", """{"StreamName":"no-such-stream","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER"}""", "ResourceNotFoundException",
            "Stream no-such-stream under account 000000000000 not found.");
    }
}
