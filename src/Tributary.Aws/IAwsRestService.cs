using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// A service of the REST protocols (S3's REST-XML, MSK's REST-JSON), told apart by the SigV4 credential scope's service
/// name and by method and path rather than by <c>X-Amz-Target</c>. The front door offers it requests that carry no
/// <c>X-Amz-Target</c> (<see cref="AwsRestRouting"/>) before reading the body, so the service streams the body itself
/// (objects can be gigabytes; the JSON services' body limit does not apply). Implementations are thread-safe.
/// </summary>
public interface IAwsRestService
{
    /// <summary>The SigV4 service name its requests are signed for (<c>s3</c>, <c>kafka</c>): the credential scope's fourth part.</summary>
    string SigningName { get; }

    /// <summary>Whether the request is this service's; looks at the method, path and headers only, never the body.</summary>
    bool Claims(HttpRequest request);

    /// <summary>Answers the request completely (status, headers, body), errors included in the service's own shape.</summary>
    Task HandleAsync(HttpContext context);
}
