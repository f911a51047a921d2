namespace Tributary.Registry.Cluster;

/// <summary>
/// One of several registry instances over one cluster's topic (`tributary schema-registry`, Confluent's
/// schema-registry.properties names in brackets).
/// </summary>
public sealed record RegistryClusterOptions
{
    /// <summary>The Kafka cluster holding the topic and the group (<c>kafkastore.bootstrap.servers</c>).</summary>
    public required IReadOnlyList<string> BootstrapServers { get; init; }

    /// <summary>The group the instances elect their leader in (<c>schema.registry.group.id</c>).</summary>
    public string GroupId { get; init; } = "schema-registry";

    /// <summary>Whether this instance may lead (<c>leader.eligibility</c>).</summary>
    public bool LeaderEligibility { get; init; } = true;

    /// <summary>The host the other instances forward writes to (<c>host.name</c>; default: the bound address).</summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>How long the coordinator waits for a silent member before electing again (a dead leader is replaced after this).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
