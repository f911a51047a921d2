namespace Tributary.Client;

/// <summary>Settings of a <see cref="KafkaClient"/>; names follow the Java client's where one exists.</summary>
public sealed record KafkaClientOptions
{
    /// <summary><c>bootstrap.servers</c>: host:port pairs to start from.</summary>
    public required IReadOnlyList<string> BootstrapServers { get; init; }

    /// <summary><c>client.id</c>, sent in every request header.</summary>
    public string ClientId { get; init; } = "tributary";

    /// <summary><c>request.timeout.ms</c>: how long one request may wait for its answer (REQUEST_TIMED_OUT, retriable, after that).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
