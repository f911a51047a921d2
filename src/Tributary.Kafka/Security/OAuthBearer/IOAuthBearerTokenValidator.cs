namespace Tributary.Kafka.Security.OAuthBearer;

/// <summary>
/// Validates one form of OAUTHBEARER token. Stateless apart from its configuration; thread-safe.
/// </summary>
public interface IOAuthBearerTokenValidator
{
    /// <summary>
    /// <see cref="TokenValidation.NotMine"/> when the token is not of this validator's form (another may take it);
    /// otherwise the principal's name (without <c>User:</c>) or the reason it was refused.
    /// </summary>
    TokenValidation Validate(string token, long nowMs);
}

/// <summary>A validator's verdict. <see cref="Error"/> is safe to show the client; <see cref="Scope"/> names missing scopes.</summary>
public readonly record struct TokenValidation(bool Recognised, string? Principal, string? Error, string? Scope = null)
{
    public static TokenValidation NotMine => default;

    public static TokenValidation Valid(string principal) => new(true, principal, null);

    public static TokenValidation Invalid(string error, string? scope = null) => new(true, null, error, scope);
}
