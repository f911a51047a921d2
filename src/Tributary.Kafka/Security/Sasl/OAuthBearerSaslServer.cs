using System.Text;
using System.Text.Json;
using Tributary.Kafka.Security.OAuthBearer;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// OAUTHBEARER (RFC 7628, KIP-255) as Kafka's OAuthBearerSaslServer runs it. The client's initial response is the GS2
/// header <c>n,[a=authzid],</c> then key=value pairs each ended by 0x01 and a final 0x01; the pair
/// <c>auth=Bearer TOKEN</c> carries the token, other pairs (SASL extensions) are ignored. The token goes to the validators
/// in order until one recognises its form. A refused token is answered, as RFC 7628 §3.2.2 says, with a JSON status
/// challenge (<c>{"status":"invalid_token"}</c>, with <c>scope</c> when scopes were missing); the client answers 0x01
/// and the exchange fails with that JSON as the message. An authzid must be the token's principal.
/// </summary>
public sealed class OAuthBearerSaslServer(IReadOnlyList<IOAuthBearerTokenValidator> validators, TimeProvider time) : ISaslServer
{
    private const char Separator = '\u0001';
    private string? _pendingError;

    public string Mechanism => SaslMechanisms.OAuthBearer;

    public SaslStep Evaluate(ReadOnlySpan<byte> clientToken)
    {
        if (_pendingError is { } error)
        {
            // RFC 7628 §3.2.3: after the error challenge the client sends a single 0x01, and the exchange fails.
            return clientToken.Length == 1 && clientToken[0] == Separator ? SaslStep.Fail(error) : SaslStep.Fail("Invalid OAUTHBEARER client response after an error: expected 0x01");
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(clientToken);
        }
        catch (DecoderFallbackException)
        {
            return SaslStep.Fail("Invalid OAUTHBEARER client first message: not UTF-8");
        }
        if (ParseInitialResponse(text, out var authorizationId, out var token) is { } malformed)
        {
            return SaslStep.Fail("Invalid OAUTHBEARER client first message: " + malformed);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var validator in validators)
        {
            var verdict = validator.Validate(token!, now);
            if (!verdict.Recognised)
            {
                continue;
            }
            if (verdict.Principal is { } principal)
            {
                return authorizationId is null || authorizationId == principal
                    ? SaslStep.Complete([], "User:" + principal)
                    : SaslStep.Fail($"Authentication failed: Client requested an authorization id ({authorizationId}) that is different from the token's principal name ({principal})");
            }
            return Refuse(verdict.Scope);
        }
        return Refuse(null);
    }

    private SaslStep Refuse(string? scope)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "invalid_token");
            if (scope is not null)
            {
                json.WriteString("scope", scope);
            }
            json.WriteEndObject();
        }
        var challenge = buffer.ToArray();
        _pendingError = Encoding.UTF8.GetString(challenge);
        return SaslStep.Challenge(challenge);
    }

    /// <summary>Splits RFC 7628's initial client response; returns null when well formed, else what is wrong.</summary>
    internal static string? ParseInitialResponse(string text, out string? authorizationId, out string? token)
    {
        authorizationId = null;
        token = null;
        // gs2-header: "n," (no channel binding; "y" is accepted as Kafka does), an optional "a=authzid", then ",".
        if (text.Length < 3 || (text[0] != 'n' && text[0] != 'y') || text[1] != ',')
        {
            return "the GS2 header must start with \"n,\"";
        }
        var headerEnd = text.IndexOf(',', 2);
        if (headerEnd < 0)
        {
            return "the GS2 header has no closing ','";
        }
        var authorization = text[2..headerEnd];
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("a=", StringComparison.Ordinal) || authorization.Length == 2)
            {
                return "the GS2 authorization id must be \"a=NAME\"";
            }
            authorizationId = authorization[2..].Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        }
        var pairs = text[(headerEnd + 1)..];
        if (pairs.Length < 2 || pairs[0] != Separator || !pairs.EndsWith("\u0001\u0001", StringComparison.Ordinal))
        {
            return "the key/value pairs must be framed by 0x01 and end with 0x01 0x01";
        }
        foreach (var pair in pairs[1..^2].Split(Separator))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                return "a key/value pair without '='";
            }
            if (pair[..equals] != "auth")
            {
                continue;
            }
            const string Scheme = "Bearer ";
            var value = pair[(equals + 1)..];
            if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !IsTokenSyntax(value.AsSpan(Scheme.Length).Trim(' ')))
            {
                return "the auth value must be \"Bearer TOKEN\" with TOKEN in [-_~+/.a-zA-Z0-9]+=*";
            }
            token = value[Scheme.Length..].Trim(' ');
        }
        return token is null ? "no auth=Bearer key/value pair" : null;
    }

    /// <summary>RFC 6750's b64token: <c>1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="</c>.</summary>
    private static bool IsTokenSyntax(ReadOnlySpan<char> token)
    {
        var end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }
        if (end == 0)
        {
            return false;
        }
        foreach (var c in token[..end])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }
        return true;
    }
}
