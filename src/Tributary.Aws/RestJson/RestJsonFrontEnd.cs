using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Tributary.Aws.RestJson;

/// <summary>
/// The request path every REST-JSON service (MSK, MSK Connect) shares: CORS preflight → read the body (bounded) →
/// SigV4 check when credentials are configured → the service's dispatch (route and operation) → its answer as JSON,
/// or the REST-JSON error shape (<see cref="RestJsonException"/>) for any failure, an unexpected one as a 500 that is
/// logged. Thread-safe.
/// </summary>
/// <param name="serviceName">For messages and logs ("MSK", "MSK Connect").</param>
/// <param name="signingName">The SigV4 service name the requests are signed for (<c>kafka</c>, <c>kafkaconnect</c>).</param>
public sealed class RestJsonFrontEnd(string serviceName, string signingName, int maxRequestBytes, IReadOnlyDictionary<string, string> credentials, ILogger logger)
{
    /// <summary>What a service does with an authenticated request: the status and the body to serialise (null: none).</summary>
    public delegate Task<(int Status, object? Body)> Dispatch(HttpContext context, string rawPath, ReadOnlyMemory<byte> body);

    public async Task HandleAsync(HttpContext context, Dispatch dispatch)
    {
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        try
        {
            if (AwsCors.Apply(context))
            {
                return;
            }
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
            var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
            var rawPath = question < 0 ? rawTarget : rawTarget[..question];
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            if (credentials.Count > 0)
            {
                Authenticate(context.Request, rawPath, body);
            }
            var (status, answer) = await dispatch(context, rawPath, body).ConfigureAwait(false);
            await WriteAsync(context, status, answer).ConfigureAwait(false);
        }
        catch (RestJsonException e)
        {
            await WriteErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (BadHttpRequestException) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, new RestJsonException(400, "BadRequestException", "The request body could not be read.")).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error in {Service} request {Method} {Path}", serviceName, context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, new RestJsonException(500, "InternalServerErrorException", "Internal error: " + e.GetType().Name + ": " + e.Message)).ConfigureAwait(false);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > maxRequestBytes)
        {
            throw TooLarge();
        }
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > maxRequestBytes)
            {
                reader.AdvanceTo(read.Buffer.End);
                throw TooLarge();
            }
            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private RestJsonException TooLarge() => new(413, "PayloadTooLargeException", $"The request body exceeds {maxRequestBytes} bytes.");

    /// <summary>
    /// SigV4 as the REST-JSON services sign: the canonical URI is the path as sent, percent-encoded once more
    /// (an ARN label's <c>%2F</c> becomes <c>%252F</c>), the payload hash the body's SHA-256. Signature failures are
    /// answered 403 with the signature error's type, as AWS's front end does.
    /// </summary>
    private void Authenticate(HttpRequest request, string rawPath, ReadOnlyMemory<byte> body)
    {
        try
        {
            AwsAuthenticationForm.Check(request);
            var hash = request.Headers["X-Amz-Content-Sha256"].ToString();
            if (hash.Length == 0 || hash == "UNSIGNED-PAYLOAD")
            {
                hash = Convert.ToHexStringLower(SHA256.HashData(body.Span));
            }
            SigV4Verifier.Verify(request, CanonicalUri(rawPath), hash, signingName, credentials, DateTimeOffset.UtcNow);
        }
        catch (AwsErrorException e)
        {
            throw new RestJsonException(403, e.ErrorType, e.AwsMessage ?? "The request signature is not valid.");
        }
    }

    /// <summary>Every byte of the raw path other than an unreserved character or '/' percent-encoded (upper-case hex).</summary>
    public static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }
        var builder = new StringBuilder(rawPath.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(rawPath))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private static async Task WriteAsync(HttpContext context, int status, object? body)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (body is null)
        {
            response.ContentLength = 0;
            return;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), AwsRestJson.Options);
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, RestJsonException error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }
        context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType;
        try
        {
            await WriteAsync(context, error.StatusCode, new ErrorBody(error.Message, error.InvalidParameter)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone.
        }
    }

    private sealed record ErrorBody(string Message, string? InvalidParameter);
}
