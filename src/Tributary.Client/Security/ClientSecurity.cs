using Tributary.Client.Security.Sasl;

namespace Tributary.Client.Security;

/// <summary>
/// How a <see cref="KafkaClient"/>'s connections are secured: Kafka's <c>security.protocol</c>, TLS for SSL and
/// SASL_SSL, the SASL mechanism for SASL_PLAINTEXT and SASL_SSL. Made from the Java client's properties by
/// <see cref="ClientSecurityProperties"/>. Immutable; thread-safe.
/// </summary>
public sealed record ClientSecurity
{
    /// <summary>PLAINTEXT: no TLS, no SASL (the default, as Kafka's).</summary>
    public static ClientSecurity Plaintext { get; } = new();

    public SecurityProtocol Protocol { get; init; } = SecurityProtocol.Plaintext;

    /// <summary>TLS settings; set exactly when <see cref="Protocol"/> is SSL or SASL_SSL.</summary>
    public ClientTls? Tls { get; init; }

    /// <summary>The SASL mechanism; set exactly when <see cref="Protocol"/> is SASL_PLAINTEXT or SASL_SSL.</summary>
    public ISaslClientMechanism? Sasl { get; init; }

    /// <summary>The properties this was read from (security.protocol, ssl.*, sasl.*; secrets among them), for comparing two clients' settings.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public bool UsesTls => Protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;

    public override string ToString() => Sasl is null ? Protocol.ToString() : $"{Protocol} with {Sasl}";
}
