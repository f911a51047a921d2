using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tributary.Client.Security;

/// <summary>
/// How a client connection does TLS (SSL and SASL_SSL): the certificates it trusts (<c>ssl.truststore.*</c>; null for
/// the system's roots), whether it checks the broker's name against the certificate
/// (<c>ssl.endpoint.identification.algorithm=https</c>, Kafka's default; empty turns it off), and the client certificate
/// it presents for mTLS (<c>ssl.keystore.*</c>). TLS 1.2 and 1.3. Immutable; thread-safe.
/// </summary>
public sealed class ClientTls(X509Certificate2Collection? trusted, bool verifyHostName, X509Certificate2? clientCertificate)
{
    public X509Certificate2Collection? Trusted { get; } = trusted;

    public bool VerifyHostName { get; } = verifyHostName;

    public X509Certificate2? ClientCertificate { get; } = clientCertificate;

    /// <summary>The handshake's options for a connection to <paramref name="host"/> (the name dialled).</summary>
    public SslClientAuthenticationOptions OptionsFor(string host) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificates = ClientCertificate is null ? null : [ClientCertificate],
        LocalCertificateSelectionCallback = ClientCertificate is null ? null : (_, _, _, _, _) => ClientCertificate,
        RemoteCertificateValidationCallback = Validate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>
    /// The broker's chain must end at a trusted root (the configured ones only, when a trust store is configured) and,
    /// unless identification is off, name the host dialled.
    /// </summary>
    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }
        if (!VerifyHostName)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }
        if (Trusted is null)
        {
            return errors == SslPolicyErrors.None;
        }
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(Trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        if (certificate is X509Certificate2 leaf)
        {
            return custom.Build(leaf);
        }
        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(loaded);
    }
}
