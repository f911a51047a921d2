using System.Security.Cryptography.X509Certificates;
using Tributary.Kafka.Security.Sasl;

namespace Tributary.Kafka.Security;

/// <summary>
/// What the Kafka listeners need for TLS and SASL (defaults.conf: kafka.ssl.*, kafka.sasl.*, connections.max.reauth.ms).
/// Shared by every listener; which of it a listener uses depends on its <see cref="SecurityProtocol"/>.
/// </summary>
public sealed record KafkaSecurityOptions
{
    /// <summary>The server certificate with its private key, for SSL and SASL_SSL listeners; null when none is configured.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Mechanisms offered on SASL listeners, in the order SaslHandshake lists them.</summary>
    public IReadOnlyList<string> EnabledMechanisms { get; init; } = SaslMechanisms.Implemented;

    /// <summary>The users' SCRAM credentials (PLAIN checks passwords against them too).</summary>
    public ScramCredentialStore Credentials { get; init; } = ScramCredentialStore.InMemory();

    /// <summary>Kafka's connections.max.reauth.ms: the longest SASL session before re-authentication; 0 for no limit.</summary>
    public long MaxReauthenticationMs { get; init; }
}
