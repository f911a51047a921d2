using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Foundation.Signing;

/// <summary>
/// The two pieces of AWS Signature Version 4 that signers and verifiers share, as AWS publishes them: the signing key
/// derived from the secret through date, region, service and <c>aws4_request</c>, and SigV4's URI encoding. The broker
/// checks MSK IAM signatures with them and the Kafka client makes them. Stateless; thread-safe.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>The lowercase hex signature of <paramref name="stringToSign"/> under <paramref name="signingKey"/>.</summary>
    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The lowercase hex SHA-256 of a UTF-8 text (the canonical request's hash in the string to sign).</summary>
    public static string HashHex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>SigV4's URI encoding: RFC 3986 unreserved characters as they are, every other UTF-8 byte as %XX.</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }
}
