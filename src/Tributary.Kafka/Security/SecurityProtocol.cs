namespace Tributary.Kafka.Security;

/// <summary>
/// What a Kafka listener speaks on its socket (Kafka's <c>security.protocol</c> values): TLS or not, SASL or not.
/// </summary>
public enum SecurityProtocol
{
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

public static class SecurityProtocols
{
    /// <summary>Parses Kafka's names (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), case-insensitively.</summary>
    public static bool TryParse(string name, out SecurityProtocol protocol)
    {
        switch (name.Trim().ToUpperInvariant())
        {
            case "PLAINTEXT":
                protocol = SecurityProtocol.Plaintext;
                return true;
            case "SSL":
                protocol = SecurityProtocol.Ssl;
                return true;
            case "SASL_PLAINTEXT":
                protocol = SecurityProtocol.SaslPlaintext;
                return true;
            case "SASL_SSL":
                protocol = SecurityProtocol.SaslSsl;
                return true;
            default:
                protocol = default;
                return false;
        }
    }

    public static string Name(this SecurityProtocol protocol) => protocol switch
    {
        SecurityProtocol.Ssl => "SSL",
        SecurityProtocol.SaslPlaintext => "SASL_PLAINTEXT",
        SecurityProtocol.SaslSsl => "SASL_SSL",
        _ => "PLAINTEXT",
    };

    public static bool UsesTls(this SecurityProtocol protocol) => protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;

    public static bool UsesSasl(this SecurityProtocol protocol) => protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;
}
