using System.Text.Json;
using Tributary.Kafka.Security.Iam;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// AWS_MSK_IAM, the mechanism of the JVM plugin aws-msk-iam-auth: one client token, a JSON object with lowercase keys
/// (<c>version</c> "2020_10_22", <c>host</c>, <c>user-agent</c>, <c>action</c>, <c>x-amz-algorithm</c>,
/// <c>x-amz-credential</c>, <c>x-amz-date</c>, <c>x-amz-signedheaders</c>, <c>x-amz-expires</c>, <c>x-amz-signature</c>,
/// optional <c>x-amz-security-token</c>) that is a SigV4 presign of <c>GET https://HOST/?Action=kafka-cluster%3AConnect</c>
/// signed for <c>kafka-cluster</c>. Verified by <see cref="SigV4PresignVerifier"/> against the configured keys; the
/// answer is <c>{"version":"2020_10_22","request-id":"…"}</c>. The principal is the key's ARN. One round trip.
/// </summary>
public sealed class AwsMskIamSaslServer(MskIamCredentials credentials, TimeProvider time) : ISaslServer
{
    public const string PayloadVersion = "2020_10_22";

    /// <summary>The payload's signature keys and the query parameter each stands for.</summary>
    private static readonly (string Json, string Query)[] SignedFields =
    [
        ("action", "Action"), ("x-amz-algorithm", "X-Amz-Algorithm"), ("x-amz-credential", "X-Amz-Credential"),
        ("x-amz-date", "X-Amz-Date"), ("x-amz-signedheaders", "X-Amz-SignedHeaders"), ("x-amz-expires", "X-Amz-Expires"),
        ("x-amz-signature", "X-Amz-Signature"), ("x-amz-security-token", "X-Amz-Security-Token"),
    ];

    public string Mechanism => SaslMechanisms.AwsMskIam;

    public SaslStep Evaluate(ReadOnlySpan<byte> clientToken)
    {
        JsonElement payload;
        try
        {
            payload = JsonDocument.Parse(clientToken.ToArray()).RootElement;
        }
        catch (JsonException)
        {
            return SaslStep.Fail("Invalid AWS_MSK_IAM authentication payload: not JSON");
        }
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return SaslStep.Fail("Invalid AWS_MSK_IAM authentication payload: not a JSON object");
        }
        if (Text(payload, "version") != PayloadVersion)
        {
            return SaslStep.Fail($"Invalid AWS_MSK_IAM authentication payload: version must be {PayloadVersion}");
        }
        if (Text(payload, "host") is not { Length: > 0 } host)
        {
            return SaslStep.Fail("Invalid AWS_MSK_IAM authentication payload: no host");
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (json, query) in SignedFields)
        {
            if (Text(payload, json) is { } value)
            {
                parameters[query] = value;
            }
        }
        var arn = SigV4PresignVerifier.Verify(host, parameters, credentials, time.GetUtcNow(), out var error);
        if (arn is null)
        {
            return SaslStep.Fail("Access denied: " + error);
        }
        var answer = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["version"] = PayloadVersion, ["request-id"] = Guid.NewGuid().ToString() });
        return SaslStep.Complete(answer, "User:" + arn);
    }

    private static string? Text(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
