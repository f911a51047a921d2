using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DescribeLimits: the account's shard limit and open shards, and its on-demand stream count and limit.</summary>
public sealed class DescribeLimits(KinesisStreams streams) : KinesisOperation(streams)
{
    /// <summary>AWS's default quota of on-demand streams per account.</summary>
    public const int OnDemandStreamLimit = 50;

    public override string Name => "DescribeLimits";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        response.WriteNumber("ShardLimit", Streams.Options.ShardLimit);
        response.WriteNumber("OpenShardCount", Streams.OpenShardCount());
        response.WriteNumber("OnDemandStreamCount", Streams.ListStreams().Count(s => s.Mode == StreamModes.OnDemand));
        response.WriteNumber("OnDemandStreamCountLimit", OnDemandStreamLimit);
        return ValueTask.CompletedTask;
    }
}
