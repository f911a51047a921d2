using System.Buffers.Text;
using System.Text;
using Tributary.Kafka.Security.OAuthBearer;

namespace Tributary.Kafka.Security.Iam;

/// <summary>
/// MSK IAM tokens on OAUTHBEARER (aws-msk-iam-sasl-signer-js/-python, aws-msk-iam-auth's IAMOAuthBearerLoginCallbackHandler):
/// the token is base64url, unpadded, of a SigV4 presigned URL
/// <c>https://kafka.REGION.amazonaws.com/?Action=kafka-cluster%3AConnect&amp;X-Amz-…&amp;X-Amz-Signature=…&amp;User-Agent=…</c>.
/// The User-Agent parameter is appended after signing, so it is left out of the check; the signed host is the URL's
/// (the regional endpoint, not the broker's). Recognises a token that decodes to an https URL; JWTs are not its.
/// </summary>
public sealed class MskIamTokenValidator(MskIamCredentials credentials) : IOAuthBearerTokenValidator
{
    public TokenValidation Validate(string token, long nowMs)
    {
        if (token.Contains('.', StringComparison.Ordinal) || !TryDecodeUrl(token, out var url))
        {
            return TokenValidation.NotMine;
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (name != "User-Agent" && !parameters.TryAdd(name, equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..])))
            {
                return TokenValidation.Invalid($"the MSK IAM token repeats the parameter {name}");
            }
        }
        var arn = SigV4PresignVerifier.Verify(url.Host, parameters, credentials, DateTimeOffset.FromUnixTimeMilliseconds(nowMs), out var error);
        return arn is null ? TokenValidation.Invalid("MSK IAM: " + error) : TokenValidation.Valid(arn);
    }

    private static bool TryDecodeUrl(string token, out Uri url)
    {
        url = null!;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith("https://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out url!);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
