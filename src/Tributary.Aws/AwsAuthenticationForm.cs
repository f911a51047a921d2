using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// The authentication checks AWS makes on every request before it looks at a signature's value: a request must be
/// signed, in the <c>Authorization</c> header or in the query string (a presigned URL) but not both, and the chosen
/// form must carry all its parts. Made whether or not signatures are verified (<see cref="SigV4Verifier"/>), so an
/// unsigned or half-signed request is refused as AWS refuses it. Order and texts as observed against Kinesis: both
/// forms → InvalidSignatureException; neither → MissingAuthenticationTokenException; missing parts →
/// IncompleteSignatureException listing every missing part. Stateless; thread-safe.
/// </summary>
public static class AwsAuthenticationForm
{
    private static readonly string[] HeaderParameters = ["Credential", "Signature", "SignedHeaders"];

    private static readonly string[] QueryParameters = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"];

    public static void Check(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var hasHeader = header.Length > 0;
        var hasQuery = request.Query.ContainsKey("X-Amz-Algorithm");
        if (hasHeader && hasQuery)
        {
            throw new AwsErrorException("InvalidSignatureException", "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
        }
        if (!hasHeader && !hasQuery)
        {
            throw new AwsErrorException("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        var missing = new StringBuilder();
        if (hasHeader)
        {
            var present = HeaderParameterNames(header);
            foreach (var parameter in HeaderParameters)
            {
                if (!present.Contains(parameter))
                {
                    missing.Append("Authorization header requires '").Append(parameter).Append("' parameter. ");
                }
            }
            if (request.Headers["X-Amz-Date"].ToString().Length == 0 && request.Headers.Date.ToString().Length == 0)
            {
                missing.Append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
            }
            if (missing.Length > 0)
            {
                missing.Append("Authorization=").Append(header);
            }
        }
        else
        {
            foreach (var parameter in QueryParameters)
            {
                if (request.Query[parameter].ToString().Length == 0)
                {
                    missing.Append("AWS query-string parameters must include '").Append(parameter).Append("'. ");
                }
            }
            if (missing.Length > 0)
            {
                missing.Append("Re-examine the query-string parameters.");
            }
        }
        if (missing.Length > 0)
        {
            throw new AwsErrorException("IncompleteSignatureException", missing.ToString());
        }
    }

    /// <summary>
    /// The names of the <c>Name=value</c> parameters after the algorithm word, separated by commas and/or spaces; a
    /// parameter with an empty value does not count.
    /// </summary>
    private static HashSet<string> HeaderParameterNames(string header)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var parts = header.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=');
            if (equals > 0 && equals < parts[i].Length - 1)
            {
                names.Add(parts[i][..equals]);
            }
        }
        return names;
    }
}
