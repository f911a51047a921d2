namespace Tributary.MskConnect.State;

/// <summary>ARN region and account, the autoscaler's pacing, the log delivery's and where plugins are read (bound from defaults.conf's msk.connect.* by the host).</summary>
public sealed class MskConnectOptions
{
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>How often the workers' CPU is sampled (MSK publishes CpuUtilization per minute; 10 s reacts sooner).</summary>
    public TimeSpan ScaleSampleInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The least time between two scaling steps: a new worker first has to join and take tasks.</summary>
    public TimeSpan ScaleCooldown { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often collected worker log lines are delivered to a connector's log destinations.</summary>
    public TimeSpan LogFlushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A PEM file of the CAs workers trust on a TLS cluster (null: the system's).</summary>
    public string? TrustStoreLocation { get; init; }

    /// <summary>
    /// The AWS access key and secret workers sign MSK IAM with, given to them as AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY (null: they inherit the server's environment and the standard credential chain).
    /// </summary>
    public (string AccessKey, string Secret)? WorkerCredentials { get; init; }

    /// <summary>
    /// Where custom plugin archives are read: an S3-compatible service (a plugin's <c>arn:aws:s3:::NAME</c> is its bucket
    /// NAME), or null for the embedded bucket NAME of the local object directory.
    /// </summary>
    public Tributary.ObjectStores.S3StoreOptions? PluginStore { get; init; }
}
