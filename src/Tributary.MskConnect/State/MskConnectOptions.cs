namespace Tributary.MskConnect.State;

/// <summary>ARN region and account, and the autoscaler's pacing.</summary>
public sealed class MskConnectOptions
{
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>How often the workers' CPU is sampled (MSK publishes CpuUtilization per minute; 10 s reacts sooner).</summary>
    public TimeSpan ScaleSampleInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The least time between two scaling steps: a new worker first has to join and take tasks.</summary>
    public TimeSpan ScaleCooldown { get; init; } = TimeSpan.FromSeconds(60);
}
