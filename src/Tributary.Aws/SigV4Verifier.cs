using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// Verifies AWS Signature Version 4 on a request (header form: <c>Authorization: AWS4-HMAC-SHA256 Credential=…,
/// SignedHeaders=…, Signature=…</c>) against configured keys, following AWS's published signing steps: canonical
/// request → string to sign → HMAC chain over date, region, service and "aws4_request". Only used when keys are
/// configured; the region in the credential scope is accepted as sent. Stateless; thread-safe.
/// </summary>
public static class SigV4Verifier
{
    /// <summary>AWS refuses signatures more than 15 minutes away from its clock.</summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>Returns the access key id of a valid signature; throws the AWS error a real endpoint gives otherwise.</summary>
    public static string Verify(HttpRequest request, ReadOnlySpan<byte> body, string signingName, IReadOnlyDictionary<string, string> credentials, DateTimeOffset now)
    {
        var path = (request.PathBase + request.Path).ToString();
        var payloadHash = request.Headers["X-Amz-Content-Sha256"].ToString();
        var hashedPayload = payloadHash.Length > 0 && payloadHash != "UNSIGNED-PAYLOAD" ? payloadHash : Convert.ToHexStringLower(SHA256.HashData(body));
        return Verify(request, path.Length == 0 ? "/" : path, hashedPayload, signingName, credentials, now);
    }

    /// <summary>
    /// The same checks with the canonical URI and the hashed payload given by the caller: S3 signs the path exactly as
    /// sent (each key byte percent-encoded once) and puts the <c>x-amz-content-sha256</c> value itself (a digest,
    /// <c>UNSIGNED-PAYLOAD</c> or a <c>STREAMING-…</c> word) in the canonical request, and never reads the body first.
    /// </summary>
    public static string Verify(HttpRequest request, string canonicalUri, string hashedPayload, string signingName, IReadOnlyDictionary<string, string> credentials, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            throw new AwsErrorException("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        const string Algorithm = "AWS4-HMAC-SHA256";
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            throw new AwsErrorException("IncompleteSignatureException", $"Authorization header requires the {Algorithm} algorithm.");
        }
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[Algorithm.Length..].Split(','))
        {
            var pair = part.Trim();
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }
            var value = pair[(equals + 1)..];
            switch (pair[..equals])
            {
                case "Credential":
                    credential = value;
                    break;
                case "SignedHeaders":
                    signedHeaders = value;
                    break;
                case "Signature":
                    signature = value;
                    break;
            }
        }
        if (credential is null || signedHeaders is null || signature is null)
        {
            throw new AwsErrorException("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            throw new AwsErrorException("IncompleteSignatureException", $"Credential '{credential}' must have the form <key>/<date>/<region>/<service>/aws4_request.");
        }
        var (accessKey, date, region, service) = (scope[0], scope[1], scope[2], scope[3]);
        if (!credentials.TryGetValue(accessKey, out var secret))
        {
            throw new AwsErrorException("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (service != signingName)
        {
            throw new AwsErrorException("InvalidSignatureException", $"Credential should be scoped to correct service: '{signingName}'.");
        }
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            throw new AwsErrorException("IncompleteSignatureException", "The X-Amz-Date header is missing or not of the form yyyyMMddTHHmmssZ.");
        }
        if ((now - signedAt).Duration() > MaxClockSkew)
        {
            throw new AwsErrorException("InvalidSignatureException", $"Signature expired: {amzDate} is now earlier or later than {now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} by more than 15 minutes.");
        }
        if (!amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            throw new AwsErrorException("InvalidSignatureException", $"Date in Credential scope '{date}' does not match X-Amz-Date '{amzDate}'.");
        }

        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n');
        canonical.Append(canonicalUri).Append('\n');
        canonical.Append(CanonicalQuery(request)).Append('\n');
        foreach (var name in signedHeaders.Split(';'))
        {
            var value = name == "host" ? request.Host.ToString() : string.Join(',', request.Headers[name].Select(v => v ?? ""));
            canonical.Append(name).Append(':').Append(CollapseSpaces(value.Trim())).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n');
        canonical.Append(hashedPayload);

        var stringToSign = $"{Algorithm}\n{amzDate}\n{date}/{region}/{service}/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw new AwsErrorException("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
        }
        return accessKey;
    }

    private static string CanonicalQuery(HttpRequest request)
    {
        var pairs = request.Query.SelectMany(q => q.Value.Select(v => (Key: Uri.EscapeDataString(q.Key), Value: Uri.EscapeDataString(v ?? ""))))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));
    }

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }
        var builder = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }
            previousSpace = c == ' ';
            builder.Append(c);
        }
        return builder.ToString();
    }
}
