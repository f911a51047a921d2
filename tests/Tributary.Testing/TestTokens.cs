using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tributary.Testing;

/// <summary>
/// Tokens as clients make them, written here from the specifications (not with the broker's code): JWTs (RFC 7519,
/// unsecured or signed RS256/ES256), a JWKS for the keys, and SigV4 presigned MSK IAM requests in both forms.
/// </summary>
public static class TestTokens
{
    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    /// <summary>An unsecured JWT: header {"alg":"none"}, the claims, an empty signature part.</summary>
    public static string Unsecured(object claims) => B64("{\"alg\":\"none\"}") + "." + B64(JsonSerializer.Serialize(claims)) + ".";

    public static string SignedRs256(RSA key, string keyId, object claims)
    {
        var input = B64(JsonSerializer.Serialize(new { alg = "RS256", typ = "JWT", kid = keyId })) + "." + B64(JsonSerializer.Serialize(claims));
        return input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static string SignedEs256(ECDsa key, string keyId, object claims)
    {
        var input = B64(JsonSerializer.Serialize(new { alg = "ES256", kid = keyId })) + "." + B64(JsonSerializer.Serialize(claims));
        return input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
    }

    public static string Jwks(RSA rsa, string rsaId, ECDsa ec, string ecId)
    {
        var r = rsa.ExportParameters(false);
        var e = ec.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "RSA", kid = rsaId, use = "sig", alg = "RS256", n = B64(r.Modulus!), e = B64(r.Exponent!) },
                new { kty = "EC", kid = ecId, crv = "P-256", x = B64(e.Q.X!), y = B64(e.Q.Y!) },
            },
        });
    }

    /// <summary>The SASL/OAUTHBEARER initial client response: GS2 header, auth kvpair, terminators.</summary>
    public static byte[] InitialResponse(string token, string authorizationId = "") =>
        Encoding.UTF8.GetBytes($"n,{(authorizationId.Length > 0 ? "a=" + authorizationId : "")},\u0001auth=Bearer {token}\u0001\u0001");

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>SigV4 query presign of GET https://HOST/?Action=kafka-cluster%3AConnect; the parameters with the signature.</summary>
    public static SortedDictionary<string, string> Presign(string host, string accessKey, string secret, string region, DateTimeOffset at, int expires = 900)
    {
        var date = at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = "kafka-cluster:Connect",
            ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
            ["X-Amz-Credential"] = $"{accessKey}/{date}/{region}/kafka-cluster/aws4_request",
            ["X-Amz-Date"] = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
            ["X-Amz-Expires"] = expires.ToString(CultureInfo.InvariantCulture),
            ["X-Amz-SignedHeaders"] = "host",
        };
        var query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var canonical = $"GET\n/\n{query}\nhost:{host}\n\nhost\n{Convert.ToHexStringLower(SHA256.HashData([]))}";
        var toSign = $"AWS4-HMAC-SHA256\n{parameters["X-Amz-Date"]}\n{date}/{region}/kafka-cluster/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, "kafka-cluster", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        parameters["X-Amz-Signature"] = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        return parameters;
    }

    /// <summary>The AWS_MSK_IAM JSON payload of aws-msk-iam-auth for a presigned request.</summary>
    public static byte[] MskIamPayload(string host, SortedDictionary<string, string> presigned) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["version"] = "2020_10_22",
            ["host"] = host,
            ["user-agent"] = "aws-msk-iam-auth/test",
            ["action"] = presigned["Action"],
            ["x-amz-algorithm"] = presigned["X-Amz-Algorithm"],
            ["x-amz-credential"] = presigned["X-Amz-Credential"],
            ["x-amz-date"] = presigned["X-Amz-Date"],
            ["x-amz-signedheaders"] = presigned["X-Amz-SignedHeaders"],
            ["x-amz-expires"] = presigned["X-Amz-Expires"],
            ["x-amz-signature"] = presigned["X-Amz-Signature"],
        });

    /// <summary>An MSK IAM OAUTHBEARER token: base64url (unpadded) of the presigned URL with User-Agent appended after signing.</summary>
    public static string MskIamToken(string region, SortedDictionary<string, string> presigned) =>
        B64($"https://kafka.{region}.amazonaws.com/?" + string.Join("&", presigned.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))) + "&User-Agent=aws-msk-iam-sasl-signer-test%2F1.0");
}
