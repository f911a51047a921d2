namespace Tributary.Registry;

/// <summary>The schema registry's options (registry.* in defaults.conf; the defaults here equal the file's).</summary>
public sealed record RegistryOptions
{
    /// <summary>Address the REST API binds.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port of the REST API; 0 picks a free one, -1 disables the registry.</summary>
    public int Port { get; init; } = 8081;

    /// <summary>The compacted topic holding the registry's records (Confluent's kafkastore.topic).</summary>
    public string Topic { get; init; } = "_schemas";

    /// <summary>The global compatibility level until a config record sets one.</summary>
    public string DefaultCompatibility { get; init; } = "BACKWARD";
}
