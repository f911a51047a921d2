using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// Cross-origin requests as AWS's JSON endpoints answer them, so browser clients (the Kinesis Data Generator, the
/// JS SDK in a page) work: a request with an <c>Origin</c> gets <c>Access-Control-Allow-Origin: *</c>; a preflight
/// (<c>OPTIONS</c> with an <c>Origin</c>) is answered 200 with an empty body at once, echoing the requested headers and
/// method and allowing the answer to be cached for 48 hours; any other request with an <c>Origin</c> exposes AWS's
/// response headers to the page. Stateless; thread-safe.
/// </summary>
public static class AwsCors
{
    /// <summary>How long a browser may cache a preflight answer: 172800 s (two days), AWS's value.</summary>
    public const string MaxAgeSeconds = "172800";

    public const string ExposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date";

    /// <summary>Adds the CORS headers; true when the request was a preflight and has been answered.</summary>
    public static bool Apply(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (request.Headers.Origin.ToString().Length == 0)
        {
            return false;
        }
        response.Headers.AccessControlAllowOrigin = "*";
        if (!HttpMethods.IsOptions(request.Method))
        {
            response.Headers.AccessControlExposeHeaders = ExposedHeaders;
            return false;
        }
        var headers = request.Headers.AccessControlRequestHeaders.ToString();
        if (headers.Length > 0)
        {
            response.Headers.AccessControlAllowHeaders = headers;
        }
        var method = request.Headers.AccessControlRequestMethod.ToString();
        if (method.Length > 0)
        {
            response.Headers.AccessControlAllowMethods = method;
        }
        response.Headers.AccessControlMaxAge = MaxAgeSeconds;
        response.StatusCode = 200;
        response.ContentLength = 0;
        return true;
    }
}
