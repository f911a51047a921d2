using Tributary.Aws;
using Tributary.Firehose.Handlers;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>The Firehose service (X-Amz-Target prefix <c>Firehose_20150804</c>, SigV4 name <c>firehose</c>) and its twelve operations.</summary>
public static class FirehoseApi
{
    public const string TargetPrefix = "Firehose_20150804";
    public const string SigningName = "firehose";

    public static AwsService CreateService(IDeliveryStreams streams, FirehoseOptions options) => new(TargetPrefix, SigningName,
    [
        new CreateDeliveryStream(streams, options),
        new DescribeDeliveryStream(streams, options),
        new ListDeliveryStreams(streams, options),
        new DeleteDeliveryStream(streams, options),
        new UpdateDestination(streams, options),
        new PutRecord(streams, options),
        new PutRecordBatch(streams, options),
        new TagDeliveryStream(streams, options),
        new UntagDeliveryStream(streams, options),
        new ListTagsForDeliveryStream(streams, options),
        new StartDeliveryStreamEncryption(streams, options),
        new StopDeliveryStreamEncryption(streams, options),
    ]);
}
