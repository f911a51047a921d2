namespace Tributary.Kafka.Security.OAuthBearer;

/// <summary>
/// How OAUTHBEARER tokens are validated (defaults.conf: kafka.sasl.oauthbearer.*). A token is taken by the first
/// validator that recognises its form: an unsecured JWT (<c>alg: none</c>) when <see cref="Unsecured"/> is set, a signed
/// JWT (RS256, ES256) when <see cref="Jwks"/> is set, an MSK IAM signer token when IAM credentials are configured.
/// </summary>
public sealed record OAuthBearerOptions
{
    /// <summary>Kafka's OAuthBearerUnsecuredValidatorCallbackHandler, for development; null when off.</summary>
    public UnsecuredJwtOptions? Unsecured { get; init; }

    /// <summary>Signed JWTs checked against a local JWKS; null when off.</summary>
    public SignedJwtOptions? Jwks { get; init; }
}

/// <summary>The unsecured validator's options under Kafka's JAAS names (unsecuredValidator…).</summary>
public sealed record UnsecuredJwtOptions
{
    /// <summary>unsecuredValidatorPrincipalClaimName: the claim naming the principal.</summary>
    public string PrincipalClaimName { get; init; } = "sub";

    /// <summary>unsecuredValidatorScopeClaimName: the claim holding the scopes (a space-separated string or an array).</summary>
    public string ScopeClaimName { get; init; } = "scope";

    /// <summary>unsecuredValidatorRequiredScope: scopes every token must carry.</summary>
    public IReadOnlyList<string> RequiredScope { get; init; } = [];

    /// <summary>unsecuredValidatorAllowableClockSkewMs: how far exp, iat and nbf may be off the broker's clock.</summary>
    public long AllowableClockSkewMs { get; init; }
}

/// <summary>Kafka's sasl.oauthbearer.* validation settings for signed JWTs (OAuthBearerValidatorCallbackHandler).</summary>
public sealed record SignedJwtOptions
{
    /// <summary>The verification keys (sasl.oauthbearer.jwks.endpoint.url, a local file here).</summary>
    public required JsonWebKeySet Keys { get; init; }

    /// <summary>sasl.oauthbearer.expected.issuer; null: any issuer.</summary>
    public string? ExpectedIssuer { get; init; }

    /// <summary>sasl.oauthbearer.expected.audience: the token's aud must name one of them; empty: any audience.</summary>
    public IReadOnlyList<string> ExpectedAudience { get; init; } = [];

    /// <summary>sasl.oauthbearer.sub.claim.name.</summary>
    public string SubjectClaimName { get; init; } = "sub";

    /// <summary>sasl.oauthbearer.scope.claim.name.</summary>
    public string ScopeClaimName { get; init; } = "scope";

    /// <summary>sasl.oauthbearer.clock.skew.seconds (Kafka's default 30).</summary>
    public long ClockSkewSeconds { get; init; } = 30;
}
