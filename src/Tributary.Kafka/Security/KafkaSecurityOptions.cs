using System.Security.Cryptography.X509Certificates;
using Tributary.Kafka.Security.Authorization;
using Tributary.Kafka.Security.Iam;
using Tributary.Kafka.Security.OAuthBearer;
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

    /// <summary>
    /// Client certificates on TLS listeners (kafka.ssl.client.auth, kafka.ssl.truststore.location,
    /// kafka.ssl.principal.mapping.rules); off by default.
    /// </summary>
    public SslClientAuthentication ClientAuthentication { get; init; } = SslClientAuthentication.Off;

    /// <summary>Mechanisms offered on SASL listeners, in the order SaslHandshake lists them.</summary>
    public IReadOnlyList<string> EnabledMechanisms { get; init; } = SaslMechanisms.Default;

    /// <summary>The users' SCRAM credentials (PLAIN checks passwords against them too).</summary>
    public ScramCredentialStore Credentials { get; init; } = ScramCredentialStore.InMemory();

    /// <summary>Kafka's connections.max.reauth.ms: the longest SASL session before re-authentication; 0 for no limit.</summary>
    public long MaxReauthenticationMs { get; init; }

    /// <summary>How OAUTHBEARER tokens are validated (MSK IAM tokens too, when <see cref="MskIam"/> is set).</summary>
    public OAuthBearerOptions OAuthBearer { get; init; } = new();

    /// <summary>
    /// ACL enforcement with its store (kafka.authorizer.enable); null when off: every principal may do everything and the
    /// ACL APIs answer SECURITY_DISABLED, as Kafka without an authorizer.
    /// </summary>
    public AclAuthorizer? Authorizer { get; init; }

    /// <summary>
    /// The configured authorizer settings (kafka.authorizer.enable, super.users, allow.everyone.if.no.acl.found); the
    /// host turns them into <see cref="Authorizer"/> once the ACL store under the data directory is open. Null when off.
    /// </summary>
    public AclAuthorizerSettings? AuthorizerSettings { get; init; }

    /// <summary>The access keys of AWS_MSK_IAM and of MSK IAM tokens on OAUTHBEARER; null when IAM is off.</summary>
    public MskIamCredentials? MskIam { get; init; }

    /// <summary>
    /// The OAUTHBEARER validators in the order they are tried: MSK IAM tokens (not JWTs), unsecured JWTs, signed JWTs.
    /// Made per exchange (a handshake, not a request: a few small objects over the shared keys).
    /// </summary>
    public IReadOnlyList<IOAuthBearerTokenValidator> CreateOAuthBearerValidators()
    {
        var validators = new List<IOAuthBearerTokenValidator>();
        if (MskIam is not null)
        {
            validators.Add(new MskIamTokenValidator(MskIam));
        }
        if (OAuthBearer.Unsecured is not null)
        {
            validators.Add(new UnsecuredJwtValidator(OAuthBearer.Unsecured));
        }
        if (OAuthBearer.Jwks is not null)
        {
            validators.Add(new SignedJwtValidator(OAuthBearer.Jwks));
        }
        return validators;
    }
}
