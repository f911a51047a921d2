using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tributary.Foundation.Signing;

namespace Tributary.Client.Security.Aws;

/// <summary>
/// The SigV4 query-string presign both MSK IAM forms carry (aws-msk-iam-auth, the MSK IAM SASL signers): <c>GET
/// https://HOST/?Action=kafka-cluster%3AConnect</c> for the service <c>kafka-cluster</c>, valid 900 s, signed header
/// <c>host</c>, payload hash of an empty body; the session token, when there is one, is among the signed parameters.
/// Stateless; thread-safe.
/// </summary>
public static class MskIamSigner
{
    public const string UserAgent = "tributary-msk-iam-client/1.0";
    private const string Service = "kafka-cluster";
    private const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The signed query parameters with their AWS names, X-Amz-Signature last.</summary>
    public static SortedDictionary<string, string> Presign(string host, AwsCredentials credentials, string region, DateTimeOffset now)
    {
        var date = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = "kafka-cluster:Connect",
            ["X-Amz-Algorithm"] = SigV4.Algorithm,
            ["X-Amz-Credential"] = $"{credentials.AccessKeyId}/{date}/{region}/{Service}/aws4_request",
            ["X-Amz-Date"] = stamp,
            ["X-Amz-Expires"] = "900",
            ["X-Amz-SignedHeaders"] = "host",
        };
        if (credentials.SessionToken is { } token)
        {
            parameters["X-Amz-Security-Token"] = token;
        }
        var query = string.Join('&', parameters.Select(p => SigV4.Encode(p.Key) + "=" + SigV4.Encode(p.Value)));
        var canonicalRequest = $"GET\n/\n{query}\nhost:{host.ToLowerInvariant()}\n\nhost\n{EmptyPayloadHash}";
        var stringToSign = $"{SigV4.Algorithm}\n{stamp}\n{date}/{region}/{Service}/aws4_request\n{SigV4.HashHex(canonicalRequest)}";
        parameters["X-Amz-Signature"] = SigV4.Sign(SigV4.SigningKey(credentials.SecretAccessKey, date, region, Service), stringToSign);
        return parameters;
    }

    /// <summary>AWS_MSK_IAM's one message: aws-msk-iam-auth's JSON (version 2020_10_22, the host dialled, lowercase keys).</summary>
    public static byte[] AwsMskIamPayload(string host, AwsCredentials credentials, string region, DateTimeOffset now)
    {
        var signed = Presign(host, credentials, region, now);
        var payload = new Dictionary<string, string>
        {
            ["version"] = "2020_10_22",
            ["host"] = host,
            ["user-agent"] = UserAgent,
            ["action"] = signed["Action"],
        };
        foreach (var (name, value) in signed)
        {
            if (name.StartsWith("X-Amz-", StringComparison.Ordinal))
            {
                payload[name.ToLowerInvariant()] = value;
            }
        }
        return JsonSerializer.SerializeToUtf8Bytes(payload);
    }

    /// <summary>
    /// The MSK IAM signers' OAUTHBEARER token: base64url, unpadded, of the URL presigned for the regional host
    /// <c>kafka.REGION.amazonaws.com</c>, with <c>User-Agent</c> appended after signing.
    /// </summary>
    public static string OAuthBearerToken(AwsCredentials credentials, string region, DateTimeOffset now)
    {
        var host = $"kafka.{region}.amazonaws.com";
        var signed = Presign(host, credentials, region, now);
        var url = $"https://{host}/?" + string.Join('&', signed.Select(p => SigV4.Encode(p.Key) + "=" + SigV4.Encode(p.Value))) + "&User-Agent=" + SigV4.Encode(UserAgent);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(url));
    }
}
