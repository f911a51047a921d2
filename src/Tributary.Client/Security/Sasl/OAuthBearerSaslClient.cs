using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Tributary.Client.Security.Aws;

namespace Tributary.Client.Security.Sasl;

/// <summary>
/// OAUTHBEARER (RFC 7628, KIP-255): the initial response <c>n,,\x01auth=Bearer TOKEN\x01\x01</c>, a new token per
/// connection from <see cref="TokenSource"/>. A refusal comes as a challenge (<c>{"status":"invalid_token"}</c>), which
/// the client answers with <c>\x01</c> so the broker can end with SASL_AUTHENTICATION_FAILED, as Kafka's client does.
/// Tokens: Kafka's unsecured login (<c>unsecuredLoginStringClaim_sub</c>, an <c>alg: none</c> JWT for development) or
/// MSK's IAM signer token (<c>IAMOAuthBearerLoginCallbackHandler</c>). Immutable.
/// </summary>
public sealed class OAuthBearerSaslClient(Func<string, string> tokenSource, string description) : ISaslClientMechanism
{
    public string Name => "OAUTHBEARER";

    /// <summary>Makes the token for a connection to the host given.</summary>
    public Func<string, string> TokenSource { get; } = tokenSource;

    public ISaslClientExchange Start(string host) => new Exchange(TokenSource(host));

    public override string ToString() => "OAUTHBEARER " + description;

    /// <summary>Kafka's OAuthBearerUnsecuredLoginCallbackHandler: header <c>{"alg":"none"}</c>, claims sub, iat, exp (lifetime from now) and scope when given.</summary>
    public static OAuthBearerSaslClient Unsecured(string subject, IReadOnlyList<string> scope, TimeSpan lifetime, TimeProvider? clock = null) =>
        new(_ =>
        {
            var now = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
            var claims = new Dictionary<string, object> { ["sub"] = subject, ["iat"] = now, ["exp"] = now + (long)lifetime.TotalSeconds };
            if (scope.Count > 0)
            {
                claims["scope"] = scope;
            }
            return Base64Url.EncodeToString("{\"alg\":\"none\"}"u8) + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims)) + ".";
        }, $"unsecured JWT for {subject}");

    /// <summary>MSK's IAM OAUTHBEARER token, signed with credentials from the standard chain at each connection.</summary>
    public static OAuthBearerSaslClient MskIam(string? profileName, TimeProvider? clock = null) =>
        new(host => MskIamSigner.OAuthBearerToken(AwsCredentialChain.Resolve(profileName), AwsCredentialChain.Region(host, profileName), (clock ?? TimeProvider.System).GetUtcNow()),
            "MSK IAM signer token");

    private sealed class Exchange(string token) : ISaslClientExchange
    {
        private int _step;

        public byte[]? Next(byte[]? serverToken)
        {
            switch (_step++)
            {
                case 0:
                    return Encoding.UTF8.GetBytes($"n,,\u0001auth=Bearer {token}\u0001\u0001");
                case 1 when serverToken is { Length: > 0 }:
                    // An error challenge: acknowledge it; the broker's answer to this is the failure.
                    return [0x01];
                default:
                    return null;
            }
        }
    }
}
