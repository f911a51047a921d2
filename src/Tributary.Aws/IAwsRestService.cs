using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// A service of the REST protocols (S3's REST-XML), told apart by method and path rather than by <c>X-Amz-Target</c>. The
/// front door offers it every request that carries no <c>X-Amz-Target</c> before reading the body, so the service
/// streams the body itself (objects can be gigabytes; the JSON services' body limit does not apply). Implementations
/// are thread-safe.
/// </summary>
public interface IAwsRestService
{
    /// <summary>Whether the request is this service's; looks at the method, path and headers only, never the body.</summary>
    bool Claims(HttpRequest request);

    /// <summary>Answers the request completely (status, headers, body), errors included in the service's own shape.</summary>
    Task HandleAsync(HttpContext context);
}
