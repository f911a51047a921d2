namespace Tributary.Kafka.Security.OAuthBearer;

/// <summary>
/// Kafka's OAuthBearerUnsecuredValidatorCallbackHandler: takes JWTs whose header says <c>alg: none</c> and whose
/// signature part is empty, requires <c>exp</c> and the principal claim, checks iat/nbf/exp with the allowed clock skew
/// and that every required scope is present. For development only: anyone can write such a token.
/// </summary>
public sealed class UnsecuredJwtValidator(UnsecuredJwtOptions options) : IOAuthBearerTokenValidator
{
    public TokenValidation Validate(string token, long nowMs)
    {
        if (JsonWebToken.TryParse(token, out var error) is not { } jwt)
        {
            return token.Contains('.', StringComparison.Ordinal) ? TokenValidation.Invalid(error!) : TokenValidation.NotMine;
        }
        if (jwt.Algorithm != "none")
        {
            return TokenValidation.NotMine;
        }
        if (jwt.Signature.Length != 0)
        {
            return TokenValidation.Invalid("an unsecured JWT (alg none) must have an empty signature part");
        }
        if (jwt.CheckTimes(nowMs, options.AllowableClockSkewMs) is { } timeError)
        {
            return TokenValidation.Invalid(timeError);
        }
        var principal = jwt.StringClaim(options.PrincipalClaimName);
        if (string.IsNullOrWhiteSpace(principal))
        {
            return TokenValidation.Invalid($"the token has no '{options.PrincipalClaimName}' claim naming the principal");
        }
        var scopes = jwt.ScopeClaim(options.ScopeClaimName);
        var missing = options.RequiredScope.Where(s => !scopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return TokenValidation.Invalid("the token lacks the required scope " + string.Join(' ', missing), string.Join(' ', options.RequiredScope));
        }
        return TokenValidation.Valid(principal);
    }
}
