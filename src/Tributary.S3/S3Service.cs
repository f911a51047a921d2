using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3;

/// <summary>
/// The S3 REST API on the AWS endpoint, path-style (<c>/BUCKET/KEY</c>), over the embedded bucket. The front door
/// (<see cref="AwsHttpServer"/>) hands it every request without <c>X-Amz-Target</c> whose path is not <c>/</c>, and
/// <c>GET</c>/<c>HEAD /</c> (ListBuckets): the JSON services are always <c>POST /</c> with a target, so the two never
/// meet (docs/s3-api.md). Path of a request: CORS preflight → split the raw path → SigV4 check of the headers when
/// credentials are configured (the body's digest is checked while it streams) → the operation (<see cref="S3Router"/>)
/// → S3's XML error body for any failure. Thread-safe.
/// </summary>
public sealed class S3Service : IAwsRestService
{
    /// <summary>The SigV4 service name S3 requests are signed for.</summary>
    public const string SigningName = "s3";

    string IAwsRestService.SigningName => SigningName;

    private readonly S3Router _router;
    private readonly IReadOnlyDictionary<string, string> _credentials;
    private readonly ILogger _logger;

    public S3Service(EmbeddedBuckets buckets, IReadOnlyDictionary<string, string> credentials, ILogger<S3Service> logger)
    {
        Buckets = buckets;
        _router = new S3Router(buckets);
        _credentials = credentials;
        _logger = logger;
    }

    public EmbeddedBuckets Buckets { get; }

    public IReadOnlyCollection<string> OperationNames => _router.OperationNames;

    public bool Claims(HttpRequest request) =>
        request.Path.Value is not (null or "" or "/") || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        context.Response.Headers["x-amz-request-id"] = requestId;
        context.Response.Headers["x-amz-id-2"] = requestId;
        try
        {
            if (AwsCors.Apply(context))
            {
                return;
            }
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
            var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
            var rawPath = question < 0 ? rawTarget : rawTarget[..question];
            if (_credentials.Count > 0)
            {
                Authenticate(context.Request, rawPath);
            }
            var (bucket, key) = SplitPath(rawPath);
            var request = new S3Request { Http = context, RequestId = requestId, Bucket = bucket, Key = key };
            var operation = _router.Route(request);
            await operation.ExecuteAsync(request).ConfigureAwait(false);
        }
        catch (S3Exception e) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, e, requestId).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (BadHttpRequestException) when (!context.Response.HasStarted)
        {
            // The body ended before its Content-Length (the client closed or reset the upload).
            await WriteErrorAsync(context, S3Errors.IncompleteBody(), requestId).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled error in S3 request {Method} {Path}", context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }
            await WriteErrorAsync(context, S3Errors.InternalError(), requestId).ConfigureAwait(false);
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, S3Exception error, string requestId)
    {
        try
        {
            await S3Xml.WriteErrorAsync(context, error, requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone.
        }
    }

    /// <summary>
    /// <c>/</c> → (null, null); <c>/b</c> and <c>/b/</c> → (b, null); <c>/b/k…</c> → (b, k…) with the key percent-decoded.
    /// A path that is not valid percent-encoded UTF-8 is InvalidURI.
    /// </summary>
    public static (string? Bucket, string? Key) SplitPath(string rawPath)
    {
        var path = rawPath.StartsWith('/') ? rawPath[1..] : rawPath;
        if (path.Length == 0)
        {
            return (null, null);
        }
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var bucket = Decode(slash < 0 ? path : path[..slash]);
        var key = slash < 0 || slash == path.Length - 1 ? null : Decode(path[(slash + 1)..]);
        return (bucket, key);
    }

    private static string Decode(string encoded)
    {
        try
        {
            return Uri.UnescapeDataString(encoded);
        }
        catch (UriFormatException)
        {
            throw new S3Exception("InvalidURI", "Couldn't parse the specified URI.", 400);
        }
    }

    /// <summary>
    /// Verifies the Authorization header's signature (presigned query strings are not verified: AccessDenied), with
    /// S3's canonical request: the path as sent and the x-amz-content-sha256 value as the payload hash.
    /// </summary>
    private void Authenticate(HttpRequest request, string rawPath)
    {
        if (request.Headers.Authorization.ToString().Length == 0)
        {
            throw S3Errors.AccessDenied();
        }
        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0)
        {
            throw new S3Exception("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
        }
        try
        {
            SigV4Verifier.Verify(request, rawPath.Length == 0 ? "/" : rawPath, payloadHash, SigningName, _credentials, DateTimeOffset.UtcNow);
        }
        catch (AwsErrorException e)
        {
            throw e.ErrorType switch
            {
                "UnrecognizedClientException" => S3Errors.InvalidAccessKeyId(),
                "IncompleteSignatureException" => S3Errors.AuthorizationHeaderMalformed(e.AwsMessage ?? "The authorization header is malformed."),
                "MissingAuthenticationTokenException" => S3Errors.AccessDenied(),
                _ when e.AwsMessage?.StartsWith("Signature expired", StringComparison.Ordinal) == true => S3Errors.RequestTimeTooSkewed(),
                _ => S3Errors.SignatureDoesNotMatch(),
            };
        }
    }
}
