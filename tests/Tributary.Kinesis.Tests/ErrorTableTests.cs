using Tributary.Aws;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// Renders docs/aws-errors-kinesis.md from the implementation (issue 23) with <see cref="AwsErrorTable"/>: for every
/// operation of the service, the constraints its handler checks and the exception, status and message the handler
/// answers to each probe request below (run in-process on a real broker). Fails when the committed file differs; run
/// with TRIBUTARY_WRITE_DOCS=1 to rewrite it. The probes are inputs only: every output in the table is what the code said.
/// </summary>
public sealed class ErrorTableTests : IAsyncDisposable
{
    private const string Existing = "existing";
    private const string ExistingArn = "arn:aws:kinesis:us-east-1:000000000000:stream/existing";
    private const string MissingArn = "arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "tributary-kinesis-errors-" + Guid.NewGuid().ToString("N"));
    private Broker.Broker? _broker;

    /// <summary>
    /// Probe requests per operation, beyond the empty body every operation gets. A stream named "existing" with two
    /// shards exists; "no-such-stream" does not. Probes whose answer would hold a clock reading are left out so the
    /// file is reproducible.
    /// </summary>
    private static readonly Dictionary<string, string[]> Probes = new()
    {
        ["CreateStream"] = ["""{"StreamName":"existing","ShardCount":1}""", """{"StreamName":"s","StreamModeDetails":{"StreamMode":"PROVISIONED"}}""", """{"StreamName":"s","ShardCount":1,"StreamModeDetails":{},"Tags":{"k":"v"},"MaxRecordSizeInKiB":1024}""", """{"StreamName":"s","ShardCount":100000}"""],
        ["DeleteStream"] = ["""{"StreamName":"no-such-stream"}""", $$$"""{"StreamName":"existing","StreamARN":"{{{MissingArn}}}"}"""],
        ["DescribeStream"] = ["""{"StreamName":"no-such-stream","Limit":1,"ExclusiveStartShardId":"shardId-000000000000"}"""],
        ["DescribeStreamSummary"] = ["""{"StreamName":"no-such-stream"}""", """{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream"}"""],
        ["ListStreams"] = ["""{"Limit":1,"ExclusiveStartStreamName":"a","NextToken":"x"}"""],
        ["ListShards"] = ["""{"StreamName":"existing","NextToken":"x"}""", """{"NextToken":"x"}""", """{"StreamName":"existing","ShardFilter":{"Type":"AFTER_SHARD_ID"},"MaxResults":1,"ExclusiveStartShardId":"shardId-000000000000"}""", """{"StreamName":"existing","ShardFilter":{"Type":"AT_TIMESTAMP","ShardId":"shardId-000000000000"}}"""],
        ["PutRecord"] = ["""{"StreamName":"no-such-stream","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"1","SequenceNumberForOrdering":"1"}""", """{"StreamName":"existing","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"340282366920938463463374607431768211456"}"""],
        ["PutRecords"] = ["""{"StreamName":"no-such-stream","Records":[{"Data":"AA==","PartitionKey":"k","ExplicitHashKey":"1"}]}""", """{"StreamName":"existing","Records":[]}"""],
        ["GetShardIterator"] = ["""{"StreamName":"existing","ShardId":"shardId-000000000009","ShardIteratorType":"LATEST"}""", """{"StreamName":"existing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER"}""", """{"StreamName":"existing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"1"}""", """{"StreamName":"existing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP"}"""],
        ["GetRecords"] = ["""{"ShardIterator":"AAAA","Limit":1}"""],
        ["SplitShard"] = ["""{"StreamName":"existing","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"0"}""", """{"StreamName":"existing","ShardToSplit":"shardId-000000000009","NewStartingHashKey":"1"}"""],
        ["MergeShards"] = ["""{"StreamName":"existing","ShardToMerge":"shardId-000000000001","AdjacentShardToMerge":"shardId-000000000009"}"""],
        ["UpdateShardCount"] = ["""{"StreamName":"existing","TargetShardCount":5,"ScalingType":"UNIFORM_SCALING"}""", """{"StreamName":"existing","TargetShardCount":0,"ScalingType":"x"}"""],
        ["UpdateStreamMode"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}"""],
        ["IncreaseStreamRetentionPeriod"] = ["""{"StreamName":"existing","RetentionPeriodHours":12}""", """{"StreamName":"existing","RetentionPeriodHours":100000}"""],
        ["DecreaseStreamRetentionPeriod"] = ["""{"StreamName":"existing","RetentionPeriodHours":12}""", """{"StreamName":"existing","RetentionPeriodHours":48}"""],
        ["RegisterStreamConsumer"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","ConsumerName":"c","Tags":{"k":"v"}}"""],
        ["DeregisterStreamConsumer"] = [$$$"""{"StreamARN":"{{{ExistingArn}}}","ConsumerName":"c"}""", """{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/existing/consumer/c:1"}"""],
        ["DescribeStreamConsumer"] = [$$$"""{"StreamARN":"{{{ExistingArn}}}","ConsumerName":"c"}"""],
        ["ListStreamConsumers"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","MaxResults":1,"NextToken":"x"}""", $$$"""{"StreamARN":"{{{ExistingArn}}}","NextToken":"x"}"""],
        ["AddTagsToStream"] = ["""{"StreamName":"no-such-stream","Tags":{"k":"v"}}"""],
        ["RemoveTagsFromStream"] = ["""{"StreamName":"no-such-stream","TagKeys":["k"]}"""],
        ["ListTagsForStream"] = ["""{"StreamName":"no-such-stream","ExclusiveStartTagKey":"k","Limit":1}"""],
        ["TagResource"] = [$$$"""{"ResourceARN":"{{{MissingArn}}}","Tags":{"k":"v"}}"""],
        ["UntagResource"] = [$$$"""{"ResourceARN":"{{{MissingArn}}}","TagKeys":["k"]}"""],
        ["ListTagsForResource"] = [$$$"""{"ResourceARN":"{{{MissingArn}}}"}"""],
        ["StartStreamEncryption"] = ["""{"StreamName":"existing","EncryptionType":"NONE","KeyId":"k"}""", """{"StreamName":"no-such-stream","EncryptionType":"KMS","KeyId":"k"}"""],
        ["StopStreamEncryption"] = ["""{"StreamName":"no-such-stream","EncryptionType":"KMS","KeyId":"k"}"""],
        ["UpdateMaxRecordSize"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","MaxRecordSizeInKiB":1024}"""],
        ["EnableEnhancedMonitoring"] = ["""{"StreamName":"no-such-stream","ShardLevelMetrics":["ALL"]}"""],
        ["DisableEnhancedMonitoring"] = ["""{"StreamName":"no-such-stream","ShardLevelMetrics":["ALL"]}"""],
        ["SubscribeToShard"] = ["""{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/existing/consumer/c:1","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}"""],
    };

    [Fact]
    public async Task The_committed_error_table_is_what_the_handlers_answer()
    {
        _broker = await Broker.Broker.OpenAsync(new Broker.BrokerOptions { DataDirectory = _dataDirectory });
        var streams = KinesisStreams.Open(_broker, new KinesisOptions());
        streams.Create(Existing, 2, StreamModes.Provisioned, null, null);
        var service = KinesisApi.CreateService(streams);

        const string Heading = """
            # Kinesis errors per operation

            GENERATED by `tests/Tributary.Kinesis.Tests/ErrorTableTests.cs` from the handlers: do not edit. Rewrite with
            `TRIBUTARY_WRITE_DOCS=1 dotnet test tests/Tributary.Kinesis.Tests --filter ErrorTableTests`.

            Errors answered before any operation runs (method, content type, body, target, signature) are the same for
            every operation: see "Malformed requests" in `docs/kinesis.md`. Per operation below: the members its handler
            validates, in the model's order (the order violations are listed in), each with AWS's constraint texts; then
            what it answers to probe requests (stream `existing` has two shards, `no-such-stream` does not exist). A
            ValidationException joins several violations as "N validation errors detected: …; …". Wrong JSON types are
            SerializationException with `Message` (see `docs/kinesis.md`).

            """;
        var rendered = await AwsErrorTable.RenderAsync(service, Heading.ReplaceLineEndings("\n"), Probes);
        await GeneratedDocs.AssertCurrentAsync(Path.Combine("docs", "aws-errors-kinesis.md"), rendered);
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
