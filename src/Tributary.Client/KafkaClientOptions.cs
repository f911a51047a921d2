using Tributary.Client.Security;

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

    /// <summary>
    /// <c>security.protocol</c>, <c>ssl.*</c>, <c>sasl.*</c>: TLS and SASL on every connection (PLAINTEXT by default);
    /// <see cref="ClientSecurityProperties.From"/> reads them from the Java client's properties.
    /// </summary>
    public ClientSecurity Security { get; init; } = ClientSecurity.Plaintext;
}
