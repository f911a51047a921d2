using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// Which REST service answers a request without <c>X-Amz-Target</c>. S3 and MSK share that space (both use paths
/// other than <c>/</c>, and an S3 bucket may be called <c>api</c>), so the request's signature decides: a request
/// signed for a REST service's SigV4 name (the credential scope <c>KEY/DATE/REGION/SERVICE/aws4_request</c> of the
/// <c>Authorization</c> header or of a presigned URL's <c>X-Amz-Credential</c>) goes to that service when it claims the
/// path. Unsigned requests, and requests signed for a name no REST service has, go to the first service in
/// registration order that claims them: the host registers S3 first, so S3 stays the fallback it was. Null: the JSON
/// path answers. Stateless; thread-safe.
/// </summary>
public static class AwsRestRouting
{
    public static IAwsRestService? Select(IReadOnlyList<IAwsRestService> services, HttpRequest request)
    {
        if (services.Count == 0 || request.Headers.ContainsKey("X-Amz-Target"))
        {
            return null;
        }
        if (CredentialScopeService(request) is { } signedFor)
        {
            foreach (var service in services)
            {
                if (service.SigningName == signedFor)
                {
                    return service.Claims(request) ? service : null;
                }
            }
        }
        foreach (var service in services)
        {
            if (service.Claims(request))
            {
                return service;
            }
        }
        return null;
    }

    /// <summary>The service name of the request's credential scope, or null when it is unsigned or the scope is malformed.</summary>
    public static string? CredentialScopeService(HttpRequest request)
    {
        var credential = CredentialOf(request);
        if (credential is null)
        {
            return null;
        }
        var scope = credential.Split('/');
        return scope.Length == 5 && scope[4] == "aws4_request" && scope[3].Length > 0 ? scope[3] : null;
    }

    private static string? CredentialOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            const string Marker = "Credential=";
            var start = authorization.IndexOf(Marker, StringComparison.Ordinal);
            if (start < 0)
            {
                return null;
            }
            start += Marker.Length;
            var end = authorization.IndexOfAny([',', ' '], start);
            return end < 0 ? authorization[start..] : authorization[start..end];
        }
        var query = request.Query["X-Amz-Credential"].ToString();
        return query.Length > 0 ? query : null;
    }
}
