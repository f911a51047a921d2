using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect;

/// <summary>
/// The MSK Connect API (REST-JSON, SigV4 name <c>kafkaconnect</c>) on the AWS endpoint. The front door hands it the
/// requests signed for <c>kafkaconnect</c> under its resource paths (<see cref="AwsRestRouting"/>). Path of a request:
/// CORS preflight → read the body (bounded) → SigV4 check when credentials are configured → route → the operation →
/// JSON, or the REST-JSON error shape (status, <c>x-amzn-ErrorType</c>, <c>{"message"}</c>). Disposing stops every
/// connector's workers. Thread-safe.
/// </summary>
public sealed class MskConnectService : IAwsRestService, IAsyncDisposable
{
    public const string SigningName = "kafkaconnect";

    /// <summary>The largest request is a connector configuration or a base64 worker properties file; 1 MiB is far above either.</summary>
    private const int MaxRequestBytes = 1024 * 1024;

    private static readonly string[] Prefixes = ["/v1/connectors", "/v1/custom-plugins", "/v1/worker-configurations"];

    private readonly MskConnectRouter _router;
    private readonly IReadOnlyDictionary<string, string> _credentials;
    private readonly ILogger _logger;

    public MskConnectService(MskConnectRegistry registry, IReadOnlyDictionary<string, string> credentials, ILogger<MskConnectService> logger)
    {
        Registry = registry;
        _router = new MskConnectRouter(registry);
        _credentials = credentials;
        _logger = logger;
    }

    public MskConnectRegistry Registry { get; }

    public IEnumerable<string> OperationNames => _router.OperationNames;

    string IAwsRestService.SigningName => SigningName;

    public bool Claims(HttpRequest request) =>
        Prefixes.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.Ordinal));

    public async Task HandleAsync(HttpContext context)
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
            if (_credentials.Count > 0)
            {
                Authenticate(context.Request, rawPath, body);
            }
            var (operation, labels) = _router.Route(context.Request.Method, rawPath);
            var response = await operation.ExecuteAsync(new MskConnectRequest { Http = context, Labels = labels, Body = body }).ConfigureAwait(false);
            await WriteAsync(context, 200, response.Body).ConfigureAwait(false);
        }
        catch (MskConnectException e)
        {
            await WriteErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (BadHttpRequestException) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, MskConnectException.BadRequest("The request body could not be read.")).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled error in MSK Connect request {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, MskConnectException.InternalServerError("Internal error: " + e.GetType().Name + ": " + e.Message)).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => Registry.DisposeAsync();

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > MaxRequestBytes)
        {
            throw new MskConnectException(413, "PayloadTooLargeException", $"The request body exceeds {MaxRequestBytes} bytes.");
        }
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > MaxRequestBytes)
            {
                reader.AdvanceTo(read.Buffer.End);
                throw new MskConnectException(413, "PayloadTooLargeException", $"The request body exceeds {MaxRequestBytes} bytes.");
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

    /// <summary>SigV4 as the REST-JSON services sign: the raw path percent-encoded once more, the body's SHA-256; failures 403.</summary>
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
            SigV4Verifier.Verify(request, CanonicalUri(rawPath), hash, SigningName, _credentials, DateTimeOffset.UtcNow);
        }
        catch (AwsErrorException e)
        {
            throw new MskConnectException(403, e.ErrorType, e.AwsMessage ?? "The request signature is not valid.");
        }
    }

    /// <summary>Every byte of the raw path other than an unreserved character or '/' percent-encoded (upper-case hex).</summary>
    internal static string CanonicalUri(string rawPath)
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

    private static async Task WriteAsync(HttpContext context, int status, object body)
    {
        var response = context.Response;
        response.StatusCode = status;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), MskConnectJson.Options);
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, MskConnectException error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }
        context.Response.Headers["x-amzn-ErrorType"] = error.ErrorType;
        try
        {
            await WriteAsync(context, error.StatusCode, new ErrorBody(error.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone.
        }
    }

    private sealed record ErrorBody(string Message);
}
