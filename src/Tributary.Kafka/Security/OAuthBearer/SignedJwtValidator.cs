namespace Tributary.Kafka.Security.OAuthBearer;

/// <summary>
/// Signed JWTs as Kafka's OAuthBearerValidatorCallbackHandler checks them: the signature against the configured JWKS,
/// exp required, iat/nbf/exp within the clock skew, the issuer when <c>expected.issuer</c> is set, an audience among
/// <c>expected.audience</c> when set, and the subject claim naming the principal. Takes every JWT whose <c>alg</c> is not
/// <c>none</c>.
/// </summary>
public sealed class SignedJwtValidator(SignedJwtOptions options) : IOAuthBearerTokenValidator
{
    public TokenValidation Validate(string token, long nowMs)
    {
        if (JsonWebToken.TryParse(token, out var error) is not { } jwt)
        {
            return token.Contains('.', StringComparison.Ordinal) ? TokenValidation.Invalid(error!) : TokenValidation.NotMine;
        }
        if (jwt.Algorithm is null or "none")
        {
            return jwt.Algorithm is null ? TokenValidation.Invalid("the JWT header has no 'alg'") : TokenValidation.NotMine;
        }
        if (options.Keys.Verify(jwt) is { } signatureError)
        {
            return TokenValidation.Invalid(signatureError);
        }
        if (jwt.CheckTimes(nowMs, options.ClockSkewSeconds * 1000) is { } timeError)
        {
            return TokenValidation.Invalid(timeError);
        }
        if (options.ExpectedIssuer is { } issuer && jwt.StringClaim("iss") != issuer)
        {
            return TokenValidation.Invalid($"the token's issuer '{jwt.StringClaim("iss")}' is not the expected '{issuer}'");
        }
        if (options.ExpectedAudience.Count > 0 && !jwt.AudienceClaim().Any(a => options.ExpectedAudience.Contains(a, StringComparer.Ordinal)))
        {
            return TokenValidation.Invalid("the token's audience does not include one of " + string.Join(", ", options.ExpectedAudience));
        }
        var principal = jwt.StringClaim(options.SubjectClaimName);
        return string.IsNullOrWhiteSpace(principal)
            ? TokenValidation.Invalid($"the token has no '{options.SubjectClaimName}' claim naming the principal")
            : TokenValidation.Valid(principal);
    }
}
