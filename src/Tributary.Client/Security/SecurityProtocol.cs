namespace Tributary.Client.Security;

/// <summary>Kafka's <c>security.protocol</c>: whether a connection is wrapped in TLS and whether it authenticates with SASL.</summary>
public enum SecurityProtocol
{
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}
