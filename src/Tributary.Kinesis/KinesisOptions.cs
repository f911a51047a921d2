namespace Tributary.Kinesis;

/// <summary>Settings of the Kinesis API (see the kinesis.* and aws.* options in defaults.conf).</summary>
public sealed record KinesisOptions
{
    /// <summary>Region and account that ARNs name (any region a client signs for is accepted).</summary>
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>Most open shards across all streams (AWS's default account quota is 500 or more; Tributary's default is generous).</summary>
    public int ShardLimit { get; init; } = 10_000;

    /// <summary>Enforce AWS's per-shard write limits (1,000 records/s and 1 MiB/s) with ProvisionedThroughputExceededException.</summary>
    public bool EnforceLimits { get; init; }

    /// <summary>Shards an ON_DEMAND stream starts with (AWS: 4, i.e. 4 MiB/s of write capacity).</summary>
    public int OnDemandInitialShards { get; init; } = 4;

    /// <summary>An ON_DEMAND shard that takes more bytes per second than this (over the last check interval) is split in two.</summary>
    public long OnDemandSplitBytesPerSecond { get; init; } = 500 * 1024;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
