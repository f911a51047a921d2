using Tributary.Aws;
using Tributary.Kinesis.Handlers;

namespace Tributary.Kinesis;

/// <summary>The Kinesis Data Streams service (X-Amz-Target prefix <c>Kinesis_20131202</c>, SigV4 name <c>kinesis</c>) and its operations.</summary>
public static class KinesisApi
{
    public const string TargetPrefix = "Kinesis_20131202";
    public const string SigningName = "kinesis";

    public static AwsService CreateService(KinesisStreams streams) => new(TargetPrefix, SigningName,
    [
        new CreateStream(streams),
        new DeleteStream(streams),
        new DescribeStream(streams),
        new DescribeStreamSummary(streams),
        new ListStreams(streams),
        new ListShards(streams),
        new PutRecord(streams),
        new PutRecords(streams),
        new GetShardIterator(streams),
        new GetRecords(streams),
        new SplitShard(streams),
        new MergeShards(streams),
        new UpdateShardCount(streams),
        new UpdateStreamMode(streams),
        new StreamRetentionPeriod(streams, increase: true),
        new StreamRetentionPeriod(streams, increase: false),
        new RegisterStreamConsumer(streams),
        new DeregisterStreamConsumer(streams),
        new DescribeStreamConsumer(streams),
        new ListStreamConsumers(streams),
        new AddTagsToStream(streams),
        new RemoveTagsFromStream(streams),
        new ListTagsForStream(streams),
        new TagResource(streams),
        new UntagResource(streams),
        new ListTagsForResource(streams),
        new DescribeLimits(streams),
        new DescribeAccountSettings(streams),
        new StreamEncryption(streams, start: true),
        new StreamEncryption(streams, start: false),
        new UpdateMaxRecordSize(streams),
        new SubscribeToShard(streams),
        new EnhancedMonitoring(streams, enable: true),
        new EnhancedMonitoring(streams, enable: false),
    ]);
}
