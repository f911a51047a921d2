using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tributary.Kafka.Security;

/// <summary>Kafka's <c>ssl.client.auth</c>: whether TLS listeners ask clients for a certificate.</summary>
public enum SslClientAuth
{
    /// <summary>No client certificate is asked for.</summary>
    None,

    /// <summary>Asked for; a client without one connects as User:ANONYMOUS.</summary>
    Requested,

    /// <summary>The handshake fails without a certificate the trust store vouches for.</summary>
    Required,
}

/// <summary>
/// Client certificates on TLS listeners (mTLS): the CA certificates that vouch for them
/// (<c>kafka.ssl.truststore.location</c>), and the principal a verified certificate gives a connection on an SSL
/// listener through <see cref="SslPrincipalMapper"/>. Immutable; thread-safe.
/// </summary>
public sealed class SslClientAuthentication(SslClientAuth mode, X509Certificate2Collection? trusted, SslPrincipalMapper mapper)
{
    public static SslClientAuthentication Off { get; } = new(SslClientAuth.None, null, SslPrincipalMapper.Default);

    public SslClientAuth Mode { get; } = mode;

    public SslPrincipalMapper Mapper { get; } = mapper;

    /// <summary>
    /// Whether a client's certificate is acceptable: its chain must end at one of the trusted CA certificates (the
    /// system's roots when none are configured) and, when it names usages, allow client authentication.
    /// </summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (trusted is null)
        {
            return errors == SslPolicyErrors.None;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return custom.Build(certificate);
    }

    /// <summary>The principal of a verified client certificate (<c>User:NAME</c>), or null when no mapping rule applies.</summary>
    public string? PrincipalOf(X509Certificate2 certificate) =>
        Mapper.Map(SslPrincipalMapper.DistinguishedName(certificate.SubjectName)) is { } name ? "User:" + name : null;
}
