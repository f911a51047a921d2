using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Aws.Cbor;
using Tributary.Foundation.Buffers;

namespace Tributary.Aws;

/// <summary>
/// The AWS-compatible HTTP front door: <c>POST /</c> with <c>X-Amz-Target: &lt;prefix&gt;.&lt;Operation&gt;</c>, routed to
/// the service owning the prefix. Path of a request: read the body (bounded: 413 above the limit) → check the
/// SigV4 signature when credentials are configured → parse JSON, or transcode CBOR to JSON → the operation →
/// the response in the request's encoding. Every failure is an AWS error body with AWS's status; nothing a client
/// sends can crash the process or hang a request. A request without <c>X-Amz-Target</c> that a REST service
/// (<see cref="IAwsRestService"/>: S3, MSK) claims goes to that service before anything is read; which one is
/// decided in one place, <see cref="AwsRestRouting"/> (by the signature's service name, S3 for unsigned requests).
/// Thread-safe.
/// </summary>
public sealed class AwsHttpServer : IAsyncDisposable
{
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string CborContentType = "application/x-amz-cbor-1.1";
    /// <summary>The JSON protocol before 1.1: AWS still parses it but answers with an envelope, never an operation.</summary>
    private const string LegacyJsonContentType = "application/json";

    private readonly WebApplication _app;
    private readonly IReadOnlyList<AwsService> _services;
    private readonly IReadOnlyList<IAwsRestService> _restServices;
    private readonly AwsHttpServerOptions _options;
    private readonly ILogger _logger;

    private AwsHttpServer(WebApplication app, IReadOnlyList<AwsService> services, IReadOnlyList<IAwsRestService> restServices, AwsHttpServerOptions options, ILogger logger)
    {
        _app = app;
        _services = services;
        _restServices = restServices;
        _options = options;
        _logger = logger;
    }

    /// <summary>The bound port serving HTTP/1.1 and cleartext HTTP/2 (prior knowledge), or -1 when disabled.</summary>
    public int Port { get; private set; } = -1;

    /// <summary>The bound HTTP/2-only cleartext port (kept for configurations written before the shared port), or -1 when disabled.</summary>
    public int Http2Port { get; private set; } = -1;

    public static async Task<AwsHttpServer> StartAsync(IReadOnlyList<AwsService> services, AwsHttpServerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default) =>
        await StartAsync(services, [], options, loggerFactory, cancellationToken).ConfigureAwait(false);

    /// <summary>Starts the endpoints with JSON services (by <c>X-Amz-Target</c>) and REST services (by method and path).</summary>
    public static async Task<AwsHttpServer> StartAsync(IReadOnlyList<AwsService> services, IReadOnlyList<IAwsRestService> restServices, AwsHttpServerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        var address = IPAddress.Parse(options.Host);
        builder.WebHost.UseKestrel(kestrel =>
        {
            // The body limit is enforced while reading, to answer 413 with an AWS error body.
            kestrel.Limits.MaxRequestBodySize = null;
            // Event-stream subscriptions last up to five minutes and send few bytes; keep them open.
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            // HTTP/2 clients send ":scheme http"; on the shared port Kestrel believes the connection is TLS
            // (Http2PrefaceDetection) and would reset streams whose scheme is not "https".
            kestrel.AllowAlternateSchemes = true;
            if (options.Port >= 0)
            {
                // HTTP/1.1 and HTTP/2 with prior knowledge, chosen per connection by its first bytes.
                kestrel.Listen(address, options.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.Use(Http2PrefaceDetection.Middleware);
                });
            }
            if (options.Http2Port >= 0)
            {
                kestrel.Listen(address, options.Http2Port, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });
        var app = builder.Build();
        var server = new AwsHttpServer(app, services, restServices, options, loggerFactory.CreateLogger<AwsHttpServer>());
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var ports = bound.Select(a => new Uri(a).Port).ToList();
        // Kestrel lists endpoints in the order they were configured.
        var index = 0;
        if (options.Port >= 0)
        {
            server.Port = ports[index++];
        }
        if (options.Http2Port >= 0)
        {
            server.Http2Port = ports[index];
        }
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (AwsRestRouting.Select(_restServices, context.Request) is { } rest)
        {
            await rest.HandleAsync(context).ConfigureAwait(false);
            return;
        }
        var format = AwsBodyFormat.Json;
        using var body = new PooledBufferWriter();
        try
        {
            var request = context.Request;
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await ReadBodyAsync(context, body).ConfigureAwait(false);
            if (AwsCors.Apply(context))
            {
                return;
            }
            // AWS's order, as observed against Kinesis: method; then the body's presence and encoding; then the
            // target; then the signature's presence and form; then its verification; then the operation.
            if (!HttpMethods.IsPost(request.Method))
            {
                await WriteXmlErrorAsync(context, 403, "AccessDeniedException", UnresolvableOperation).ConfigureAwait(false);
                return;
            }
            var media = MediaType(request.ContentType);
            var target = request.Headers["X-Amz-Target"].ToString();
            var (service, operationName, operation) = Route(target);
            if (body.WrittenCount == 0)
            {
                // No body: a JSON 1.1 request is answered in JSON, anything else in CBOR; the type alone.
                format = media == JsonContentType ? AwsBodyFormat.Json : AwsBodyFormat.Cbor;
                throw operation is null ? AwsErrorException.UnknownOperation(null) : AwsErrorException.Serialization(null);
            }
            if (media is not (JsonContentType or CborContentType or LegacyJsonContentType))
            {
                if (!HasServiceAndOperation(target))
                {
                    await WriteXmlErrorAsync(context, 403, "AccessDeniedException", UnresolvableOperation).ConfigureAwait(false);
                }
                else
                {
                    await WriteXmlErrorAsync(context, 404, "UnknownOperationException", null).ConfigureAwait(false);
                }
                return;
            }
            format = media == CborContentType ? AwsBodyFormat.Cbor : AwsBodyFormat.Json;
            // The document refers to the body (or its JSON transcoding) without a copy: both outlive it.
            using var transcoded = format == AwsBodyFormat.Cbor ? new PooledBufferWriter(Math.Max(256, body.WrittenCount * 2)) : null;
            JsonDocument? parsed = null;
            try
            {
                parsed = ParseBody(format, body, transcoded);
            }
            catch (AwsErrorException) when (media == LegacyJsonContentType)
            {
                await WriteLegacyJsonErrorAsync(context, "SerializationException", "Message").ConfigureAwait(false);
                return;
            }
            using var document = parsed;
            if (media == LegacyJsonContentType)
            {
                // AWS answers the pre-1.1 JSON protocol with this envelope, whatever the target.
                await WriteLegacyJsonErrorAsync(context, "UnknownOperationException", "message").ConfigureAwait(false);
                return;
            }
            if (operation is null)
            {
                throw AwsErrorException.UnknownOperation(null);
            }
            AwsAuthenticationForm.Check(request);
            string? accessKey = null;
            if (_options.Credentials.Count > 0)
            {
                accessKey = SigV4Verifier.Verify(request, body.WrittenSpan, service!.SigningName, _options.Credentials, DateTimeOffset.UtcNow);
            }
            var awsRequest = new AwsRequest { Operation = operationName!, Format = format, Body = document.RootElement, Http = context, AccessKeyId = accessKey };
            if (operation is IAwsStreamingOperation streaming)
            {
                await streaming.StreamAsync(awsRequest, context.Response).ConfigureAwait(false);
                return;
            }
            using var output = new PooledBufferWriter();
            var writer = AwsResponseWriter.Create(format, output);
            writer.WriteStartObject();
            await operation.ExecuteAsync(awsRequest, writer).ConfigureAwait(false);
            writer.WriteEndObject();
            writer.Flush();
            await WriteResponseAsync(context, 200, format, operation.HasOutput ? output.WrittenMemory : ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        }
        catch (AwsErrorException e) when (e.StatusCode == 413)
        {
            // AWS answers an oversized request with the status alone, before it reads any header's meaning.
            await SendErrorAsync(context, 413, null, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        }
        catch (AwsErrorException e)
        {
            await WriteErrorAsync(context, format, e.StatusCode, e.ErrorType, e.AwsMessage, e.MessageMember).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.Http.BadHttpRequestException or IOException && !context.Response.HasStarted)
        {
            await WriteErrorAsync(context, format, 400, "SerializationException", "The request body could not be read: " + e.Message, "Message").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled error in AWS operation {Target}", context.Request.Headers["X-Amz-Target"].ToString());
            await WriteErrorAsync(context, format, 500, "InternalFailure", "Internal error: " + e.GetType().Name + ": " + e.Message).ConfigureAwait(false);
        }
    }

    private const string UnresolvableOperation = "Unable to determine service/operation name to be authorized";

    /// <summary>The media type without parameters, lower-case; empty when absent.</summary>
    private static string MediaType(string? contentType) =>
        contentType is null ? "" : contentType.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>Whether the target has the <c>Service.Operation</c> form, known or not.</summary>
    private static bool HasServiceAndOperation(string target)
    {
        var dot = target.IndexOf('.');
        return dot > 0 && dot < target.Length - 1;
    }

    /// <summary>The service and operation a target names; nulls when either is unknown.</summary>
    private (AwsService? Service, string? Operation, IAwsOperation? Handler) Route(string target)
    {
        var dot = target.IndexOf('.');
        if (dot <= 0)
        {
            return (null, null, null);
        }
        var prefix = target[..dot];
        var name = target[(dot + 1)..];
        foreach (var service in _services)
        {
            if (service.TargetPrefix == prefix)
            {
                return service.TryGetOperation(name, out var operation) ? (service, name, operation) : (service, null, null);
            }
        }
        return (null, null, null);
    }

    private async Task ReadBodyAsync(HttpContext context, PooledBufferWriter body)
    {
        var limit = _options.MaxRequestBytes;
        if (context.Request.ContentLength is long declared && declared > limit)
        {
            throw TooLarge(declared, limit);
        }
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            foreach (var segment in read.Buffer)
            {
                if (body.WrittenCount + segment.Length > limit)
                {
                    reader.AdvanceTo(read.Buffer.End);
                    throw TooLarge(body.WrittenCount + segment.Length, limit);
                }
                segment.Span.CopyTo(body.GetSpan(segment.Length));
                body.Advance(segment.Length);
            }
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    private static AwsErrorException TooLarge(long size, int limit) =>
        new("SerializationException", $"Request body of at least {size} bytes exceeds the limit of {limit} bytes.", 413);

    private static JsonDocument ParseBody(AwsBodyFormat format, PooledBufferWriter body, PooledBufferWriter? transcoded)
    {
        var options = new JsonDocumentOptions { MaxDepth = CborJsonTranscoder.MaxDepth };
        try
        {
            JsonDocument document;
            if (body.WrittenCount == 0)
            {
                document = JsonDocument.Parse("{}");
            }
            else if (format == AwsBodyFormat.Cbor)
            {
                CborJsonTranscoder.Transcode(body.WrittenSpan, transcoded!);
                document = JsonDocument.Parse(transcoded!.WrittenMemory, options);
            }
            else
            {
                document = JsonDocument.Parse(body.WrittenMemory, options);
            }
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                // AWS names no reason for a body its deserializer cannot read: the type alone.
                throw AwsErrorException.Serialization(null);
            }
            return document;
        }
        catch (JsonException)
        {
            throw AwsErrorException.Serialization(null);
        }
        catch (CborFormatException)
        {
            throw AwsErrorException.Serialization(null);
        }
    }

    private static async Task WriteResponseAsync(HttpContext context, int status, AwsBodyFormat format, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = format == AwsBodyFormat.Cbor ? CborContentType : JsonContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// AWS's error shape: <c>{"__type": TYPE, "message": TEXT}</c> (CBOR for CBOR requests), without the message when
    /// AWS sends the type alone, and with the member spelled <paramref name="messageMember"/> (<c>Message</c> for
    /// SerializationException).
    /// </summary>
    public static async Task WriteErrorAsync(HttpContext context, AwsBodyFormat format, int status, string type, string? message, string messageMember = "message")
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }
        using var output = new PooledBufferWriter(256);
        var writer = AwsResponseWriter.Create(format, output);
        writer.WriteStartObject();
        writer.WriteString("__type", type);
        if (message is not null)
        {
            writer.WriteString(messageMember, message);
        }
        writer.WriteEndObject();
        writer.Flush();
        context.Response.Headers["x-amzn-ErrorType"] = type;
        await SendErrorAsync(context, status, format == AwsBodyFormat.Cbor ? CborContentType : JsonContentType, output.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>
    /// The XML body AWS's front end sends before it has resolved an operation (wrong method, unusable content
    /// type): <c>&lt;TYPE&gt;\n  &lt;Message&gt;TEXT&lt;/Message&gt;\n&lt;/TYPE&gt;\n</c>, or <c>&lt;TYPE/&gt;\n</c> without a text; no
    /// content type.
    /// </summary>
    private static Task WriteXmlErrorAsync(HttpContext context, int status, string type, string? message)
    {
        var xml = message is null ? $"<{type}/>\n" : $"<{type}>\n  <Message>{message}</Message>\n</{type}>\n";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return SendErrorAsync(context, status, null, Encoding.UTF8.GetBytes(xml));
    }

    /// <summary>The pre-1.1 JSON envelope AWS answers <c>application/json</c> requests with: HTTP 200.</summary>
    private static Task WriteLegacyJsonErrorAsync(HttpContext context, string type, string messageMember)
    {
        var json = $"{{\"Output\":{{\"__type\":\"com.amazon.coral.service#{type}\",\"{messageMember}\":null}},\"Version\":\"1.0\"}}";
        return SendErrorAsync(context, 200, LegacyJsonContentType, Encoding.UTF8.GetBytes(json));
    }

    private static async Task SendErrorAsync(HttpContext context, int status, string? contentType, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        if (status == 413)
        {
            // The rest of an oversized body is not read; the connection cannot be reused.
            response.Headers.Connection = "close";
        }
        try
        {
            response.StatusCode = status;
            if (contentType is not null)
            {
                response.ContentType = contentType;
            }
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
