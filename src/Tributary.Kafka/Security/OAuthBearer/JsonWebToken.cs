using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tributary.Kafka.Security.OAuthBearer;

/// <summary>
/// A JWT in JWS compact form (RFC 7515, RFC 7519): <c>b64url(header).b64url(claims).b64url(signature)</c>, the header and
/// claims JSON objects parsed. Says nothing about validity: the validators check signatures and claims. Immutable.
/// </summary>
public sealed class JsonWebToken
{
    private JsonWebToken(JsonElement header, JsonElement claims, byte[] signingInput, byte[] signature)
    {
        Header = header;
        Claims = claims;
        SigningInput = signingInput;
        Signature = signature;
    }

    public JsonElement Header { get; }

    public JsonElement Claims { get; }

    /// <summary>The ASCII bytes the signature covers: the first two parts with their dot.</summary>
    public byte[] SigningInput { get; }

    /// <summary>The decoded third part; empty for an unsecured JWT.</summary>
    public byte[] Signature { get; }

    /// <summary>The header's <c>alg</c>, or null.</summary>
    public string? Algorithm => StringMember(Header, "alg");

    /// <summary>Parses a compact JWS; on failure returns null with the reason (safe to show the client).</summary>
    public static JsonWebToken? TryParse(string token, out string? error)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            error = $"a JWT has three dot-separated parts; this token has {parts.Length}";
            return null;
        }
        try
        {
            var header = ParsePart(parts[0]);
            var claims = ParsePart(parts[1]);
            if (header.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object)
            {
                error = "the JWT header and claims must be JSON objects";
                return null;
            }
            error = null;
            return new JsonWebToken(header, claims, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            error = "malformed JWT: " + e.Message;
            return null;
        }
    }

    /// <summary>A NumericDate claim (seconds since the epoch, fractions allowed: librdkafka sends them) in milliseconds.</summary>
    public long? TimeClaimMs(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? (long)(value.GetDouble() * 1000) : null;

    /// <summary>Whether the claim is present but not a number (a malformed NumericDate).</summary>
    public bool HasNonNumericClaim(string name) => Claims.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Number;

    public string? StringClaim(string name) => StringMember(Claims, name);

    /// <summary>A scope claim: a space-separated string (RFC 8693) or an array of strings (librdkafka's form).</summary>
    public IReadOnlyList<string> ScopeClaim(string name)
    {
        if (!Claims.TryGetProperty(name, out var value))
        {
            return [];
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            JsonValueKind.Array => [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            _ => [],
        };
    }

    /// <summary>The audience claim: one string or an array of them.</summary>
    public IReadOnlyList<string> AudienceClaim() => ScopeClaimArrayOrString("aud");

    private IReadOnlyList<string> ScopeClaimArrayOrString(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? [value.GetString()!] : ScopeClaim(name);

    /// <summary>Checks exp (required), iat and nbf against <paramref name="nowMs"/> with the allowed skew; null when they hold.</summary>
    public string? CheckTimes(long nowMs, long skewMs)
    {
        foreach (var name in new[] { "exp", "iat", "nbf" })
        {
            if (HasNonNumericClaim(name))
            {
                return $"the '{name}' claim is not a number";
            }
        }
        if (TimeClaimMs("exp") is not { } expires)
        {
            return "the token has no 'exp' claim";
        }
        if (nowMs >= expires + skewMs)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the token expired at {expires} ms (now {nowMs} ms, allowed clock skew {skewMs} ms)");
        }
        if (TimeClaimMs("nbf") is { } notBefore && nowMs + skewMs < notBefore)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the token is not valid before {notBefore} ms (now {nowMs} ms)");
        }
        if (TimeClaimMs("iat") is { } issuedAt && nowMs + skewMs < issuedAt)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the token was issued in the future, at {issuedAt} ms (now {nowMs} ms)");
        }
        return null;
    }

    private static JsonElement ParsePart(string part) => JsonDocument.Parse(Base64Url.DecodeFromChars(part)).RootElement.Clone();

    private static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
