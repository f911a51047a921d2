using System.Net;
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
/// sends can crash the process or hang a request. Thread-safe.
/// </summary>
public sealed class AwsHttpServer : IAsyncDisposable
{
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string CborContentType = "application/x-amz-cbor-1.1";

    private readonly WebApplication _app;
    private readonly IReadOnlyList<AwsService> _services;
    private readonly AwsHttpServerOptions _options;
    private readonly ILogger _logger;

    private AwsHttpServer(WebApplication app, IReadOnlyList<AwsService> services, AwsHttpServerOptions options, ILogger logger)
    {
        _app = app;
        _services = services;
        _options = options;
        _logger = logger;
    }

    /// <summary>The bound port serving HTTP/1.1 and cleartext HTTP/2 (prior knowledge), or -1 when disabled.</summary>
    public int Port { get; private set; } = -1;

    /// <summary>The bound HTTP/2-only cleartext port (kept for configurations written before the shared port), or -1 when disabled.</summary>
    public int Http2Port { get; private set; } = -1;

    public static async Task<AwsHttpServer> StartAsync(IReadOnlyList<AwsService> services, AwsHttpServerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
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
        var server = new AwsHttpServer(app, services, options, loggerFactory.CreateLogger<AwsHttpServer>());
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
        var format = AwsBodyFormat.Json;
        using var body = new PooledBufferWriter();
        try
        {
            format = ContentFormat(context.Request.ContentType);
            var (service, operationName) = Route(context.Request);
            await ReadBodyAsync(context, body).ConfigureAwait(false);
            string? accessKey = null;
            if (_options.Credentials.Count > 0)
            {
                accessKey = SigV4Verifier.Verify(context.Request, body.WrittenSpan, service.SigningName, _options.Credentials, DateTimeOffset.UtcNow);
            }
            if (!service.TryGetOperation(operationName, out var operation))
            {
                throw AwsErrorException.UnknownOperation($"Operation {operationName} is not supported by {service.TargetPrefix}.");
            }
            // The document refers to the body (or its JSON transcoding) without a copy: both outlive it.
            using var transcoded = format == AwsBodyFormat.Cbor ? new PooledBufferWriter(Math.Max(256, body.WrittenCount * 2)) : null;
            using var document = ParseBody(format, body, transcoded);
            var request = new AwsRequest { Operation = operationName, Format = format, Body = document.RootElement, Http = context, AccessKeyId = accessKey };
            if (operation is IAwsStreamingOperation streaming)
            {
                await streaming.StreamAsync(request, context.Response).ConfigureAwait(false);
                return;
            }
            using var output = new PooledBufferWriter();
            var writer = AwsResponseWriter.Create(format, output);
            writer.WriteStartObject();
            await operation.ExecuteAsync(request, writer).ConfigureAwait(false);
            writer.WriteEndObject();
            writer.Flush();
            await WriteResponseAsync(context, 200, format, output.WrittenMemory).ConfigureAwait(false);
        }
        catch (AwsErrorException e)
        {
            await WriteErrorAsync(context, format, e.StatusCode, e.ErrorType, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.Http.BadHttpRequestException or IOException && !context.Response.HasStarted)
        {
            await WriteErrorAsync(context, format, 400, "SerializationException", "The request body could not be read: " + e.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled error in AWS operation {Target}", context.Request.Headers["X-Amz-Target"].ToString());
            await WriteErrorAsync(context, format, 500, "InternalFailure", "Internal error: " + e.GetType().Name + ": " + e.Message).ConfigureAwait(false);
        }
    }

    private static AwsBodyFormat ContentFormat(string? contentType)
    {
        var media = contentType is null ? "" : contentType.Split(';')[0].Trim();
        return media.ToLowerInvariant() switch
        {
            CborContentType => AwsBodyFormat.Cbor,
            JsonContentType or "application/x-amz-json-1.0" or "application/json" or "" => AwsBodyFormat.Json,
            _ => throw AwsErrorException.Serialization($"Unsupported content type '{contentType}': send {JsonContentType} or {CborContentType}."),
        };
    }

    private (AwsService Service, string Operation) Route(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            throw new AwsErrorException("UnknownOperationException", $"Only POST is supported, not {request.Method}.", 400);
        }
        var target = request.Headers["X-Amz-Target"].ToString();
        var dot = target.IndexOf('.');
        if (target.Length == 0 || dot <= 0)
        {
            throw AwsErrorException.UnknownOperation("Missing or malformed X-Amz-Target header; expected <Service>_<Version>.<Operation>.");
        }
        var prefix = target[..dot];
        foreach (var service in _services)
        {
            if (service.TargetPrefix == prefix)
            {
                return (service, target[(dot + 1)..]);
            }
        }
        throw AwsErrorException.UnknownOperation($"Unknown service target '{prefix}'.");
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
                throw AwsErrorException.Serialization("The request body must be an object.");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw AwsErrorException.Serialization("The request body is not valid JSON: " + e.Message);
        }
        catch (CborFormatException e)
        {
            throw AwsErrorException.Serialization("The request body is not valid CBOR: " + e.Message);
        }
    }

    private static async Task WriteResponseAsync(HttpContext context, int status, AwsBodyFormat format, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = format == AwsBodyFormat.Cbor ? CborContentType : JsonContentType;
        response.ContentLength = body.Length;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>AWS's error shape: <c>{"__type": TYPE, "message": TEXT}</c> (CBOR for CBOR requests).</summary>
    public static async Task WriteErrorAsync(HttpContext context, AwsBodyFormat format, int status, string type, string message)
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
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.Flush();
        context.Response.Headers["x-amzn-ErrorType"] = type;
        if (status == 413)
        {
            // The rest of an oversized body is not read; the connection cannot be reused.
            context.Response.Headers.Connection = "close";
        }
        try
        {
            await WriteResponseAsync(context, status, format, output.WrittenMemory).ConfigureAwait(false);
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
