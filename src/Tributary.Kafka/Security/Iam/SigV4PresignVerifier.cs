using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tributary.Foundation.Signing;

namespace Tributary.Kafka.Security.Iam;

/// <summary>
/// Checks the SigV4 query-string signature (AWS's "presigned URL") that both MSK IAM forms carry: a
/// <c>GET https://HOST/?Action=kafka-cluster%3AConnect&amp;X-Amz-…</c> signed for the service <c>kafka-cluster</c>.
/// Steps as AWS publishes them: the canonical request (GET, <c>/</c>, the query parameters other than the signature
/// sorted and URI-encoded, the host header, signed headers <c>host</c>, the payload hash), the string to sign, the key
/// derived from the secret through date, region, service and <c>aws4_request</c>, compared in constant time. The
/// payload hash is accepted as the SHA-256 of an empty body or <c>UNSIGNED-PAYLOAD</c>, the two that signers use for a
/// presigned GET. Also checks the algorithm, the scope, the action, and the time: issued at most 15 minutes ahead of the
/// broker's clock, not past <c>X-Amz-Expires</c> (at most 15 minutes, as MSK). Stateless; thread-safe.
/// </summary>
public static class SigV4PresignVerifier
{
    public const string Action = "kafka-cluster:Connect";
    private const string Algorithm = SigV4.Algorithm;
    private const string Service = "kafka-cluster";
    private const int MaxExpiresSeconds = 900;
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);
    private static readonly string[] PayloadHashes = ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "UNSIGNED-PAYLOAD"];

    /// <summary>
    /// Verifies the request; <paramref name="parameters"/> are the decoded query parameters with their AWS names
    /// (<c>Action</c>, <c>X-Amz-Algorithm</c>, …, <c>X-Amz-Signature</c>) and nothing unsigned. Returns the principal's ARN,
    /// or null with the reason in <paramref name="error"/> (safe to show the client: no secret, no expected signature).
    /// </summary>
    public static string? Verify(string host, IReadOnlyDictionary<string, string> parameters, MskIamCredentials credentials, DateTimeOffset now, out string? error)
    {
        string Get(string name) => parameters.TryGetValue(name, out var value) ? value : string.Empty;
        error = null;
        if (Get("Action") != Action)
        {
            error = $"the signed action must be {Action}, not '{Get("Action")}'";
            return null;
        }
        if (Get("X-Amz-Algorithm") != Algorithm)
        {
            error = $"the signing algorithm must be {Algorithm}";
            return null;
        }
        if (Get("X-Amz-SignedHeaders") != "host")
        {
            error = "the signed headers must be 'host'";
            return null;
        }
        var scope = Get("X-Amz-Credential").Split('/');
        if (scope.Length != 5 || scope[3] != Service || scope[4] != "aws4_request")
        {
            error = $"the credential must be ACCESS_KEY/DATE/REGION/{Service}/aws4_request";
            return null;
        }
        if (!DateTimeOffset.TryParseExact(Get("X-Amz-Date"), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || signedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != scope[1])
        {
            error = "X-Amz-Date must be yyyyMMddTHHmmssZ on the credential scope's date";
            return null;
        }
        if (!int.TryParse(Get("X-Amz-Expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires < 1 || expires > MaxExpiresSeconds)
        {
            error = $"X-Amz-Expires must be 1 to {MaxExpiresSeconds} seconds";
            return null;
        }
        if (signedAt - now > MaxClockSkew)
        {
            error = "the signature's date is in the future";
            return null;
        }
        if (now > signedAt.AddSeconds(expires))
        {
            error = "the signature has expired";
            return null;
        }
        if (!credentials.TryFind(scope[0], out var secret, out var arn))
        {
            error = "the access key is not known to this broker";
            return null;
        }
        var signature = Get("X-Amz-Signature");
        var query = string.Join('&', parameters.Where(p => p.Key != "X-Amz-Signature").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => SigV4.Encode(p.Key) + "=" + SigV4.Encode(p.Value)));
        var key = SigV4.SigningKey(secret, scope[1], scope[2], Service);
        foreach (var payloadHash in PayloadHashes)
        {
            var canonicalRequest = $"GET\n/\n{query}\nhost:{host.Trim().ToLowerInvariant()}\n\nhost\n{payloadHash}";
            var stringToSign = $"{Algorithm}\n{Get("X-Amz-Date")}\n{scope[1]}/{scope[2]}/{Service}/aws4_request\n{SigV4.HashHex(canonicalRequest)}";
            var expected = SigV4.Sign(key, stringToSign);
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            {
                return arn;
            }
        }
        error = "the signature does not match";
        return null;
    }
}
