using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka;

/// <summary>
/// Turns one request frame into one response frame: header, decode, handler, encode. Sessions never
/// touch sockets: the transport hands frames in and takes bytes out. Thread-safe (stateless apart from
/// the read-only registry); one connection's requests are processed in order, one at a time, like Kafka.
/// </summary>
public sealed class KafkaRequestProcessor
{
    private const short ApiVersionsKey = 18;
    private const short UnsupportedVersion = 35;

    private readonly KafkaHandlerRegistry _handlers;
    private readonly ILogger _logger;

    public KafkaRequestProcessor(KafkaHandlerRegistry handlers, ILogger logger)
    {
        _handlers = handlers;
        _logger = logger;
    }

    /// <summary>
    /// Processes one frame (without its length prefix) and returns the encoded response frame (length prefix
    /// included; null when the protocol sends none), or <see cref="ProcessedRequest.Close"/> when the connection
    /// must be closed (malformed frame, unknown API, unsupported version), which affects only this connection.
    /// </summary>
    /// <remarks>
    /// Ordering contract the transport relies on: decoding and the synchronous part of the handler — for
    /// Produce, the appends — run before this method first yields, so starting requests in arrival order
    /// applies their effects in arrival order even while earlier ones still wait (for example for an fsync).
    /// </remarks>
    public async ValueTask<ProcessedRequest> ProcessAsync(ReadOnlyMemory<byte> frame, RequestContextFactory contextFactory, CancellationToken cancellationToken)
    {
        short apiKey;
        short version;
        try
        {
            (apiKey, version) = RequestHeader.Peek(frame.Span);
        }
        catch (KafkaProtocolException e)
        {
            _logger.LogDebug("Closing {Connection}: {Reason}", contextFactory.ConnectionId, e.Message);
            return ProcessedRequest.Close;
        }
        if (!_handlers.TryGet(apiKey, out var handler, out var api))
        {
            _logger.LogInformation("Closing {Connection}: unknown or unserved API key {ApiKey}.", contextFactory.ConnectionId, apiKey);
            return ProcessedRequest.Close;
        }
        if (version < handler.LowestVersion || version > handler.HighestVersion)
        {
            if (apiKey == ApiVersionsKey && frame.Length >= 8)
            {
                // KIP-511: answer an unsupported ApiVersions version in the v0 layout with error 35 and our
                // ranges, so the client can retry with a version we have.
                var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Span[4..]);
                return new ProcessedRequest(true, Encode(correlationId, 0, UnsupportedApiVersionsResponse(), 0));
            }
            _logger.LogInformation("Closing {Connection}: {Api} v{Version} is not supported.", contextFactory.ConnectionId, api.Name, version);
            return ProcessedRequest.Close;
        }

        var header = new RequestHeader();
        var request = KafkaApis.CreateRequest(apiKey)!;
        try
        {
            var reader = new KafkaReader(frame);
            header.Read(ref reader, api.RequestHeaderVersion(version));
            request.Read(ref reader, version);
        }
        catch (KafkaProtocolException e)
        {
            _logger.LogInformation("Closing {Connection}: malformed {Api} v{Version} request: {Reason}", contextFactory.ConnectionId, api.Name, version, e.Message);
            return ProcessedRequest.Close;
        }

        IKafkaMessage? response;
        try
        {
            response = await handler.HandleAsync(contextFactory.Create(header), request, version, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaProtocolException e)
        {
            _logger.LogInformation("Closing {Connection}: {Api} v{Version}: {Reason}", contextFactory.ConnectionId, api.Name, version, e.Message);
            return ProcessedRequest.Close;
        }
        if (response is null)
        {
            return new ProcessedRequest(true, null);
        }
        try
        {
            return new ProcessedRequest(true, Encode(header.CorrelationId, api.ResponseHeaderVersion(version), response, version));
        }
        finally
        {
            (response as IDisposable)?.Dispose();
        }
    }

    private ApiVersionsResponse UnsupportedApiVersionsResponse()
    {
        var response = new ApiVersionsResponse { ErrorCode = UnsupportedVersion };
        foreach (var (key, lowest, highest) in _handlers.Advertised)
        {
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion { ApiKey = key, MinVersion = lowest, MaxVersion = highest });
        }
        return response;
    }

    /// <summary>Encodes a response frame: length prefix, response header, body.</summary>
    internal static PooledBufferWriter Encode(int correlationId, short headerVersion, IKafkaMessage body, short version)
    {
        // A fetch response is mostly its record sets: size the buffer for them up front rather than doubling
        // (and copying) its way up to megabytes.
        var sizeHint = body is FetchResponse fetch ? (int)Math.Min(int.MaxValue - 4096, fetch.RecordBytes) + 4096 : 256;
        var buffer = new PooledBufferWriter(sizeHint);
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        new ResponseHeader { CorrelationId = correlationId }.Write(writer, headerVersion);
        body.Write(writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        return buffer;
    }
}

/// <summary>
/// The outcome of one request: keep the connection or close it, and the response frame to send (owned by the receiver).
/// <see cref="CloseAfterResponse"/>: send the response, then close (a refused SASL handshake or authentication).
/// </summary>
public readonly record struct ProcessedRequest(bool KeepOpen, PooledBufferWriter? Response, bool CloseAfterResponse = false)
{
    public static ProcessedRequest Close => new(false, null);

    public static ProcessedRequest Final(PooledBufferWriter response) => new(true, response, CloseAfterResponse: true);
}

/// <summary>
/// Per-connection facts a request context carries: the connection, the listener it came in on, and its principal
/// (<c>User:ANONYMOUS</c> until SASL authenticates it). Written by the connection's reader only.
/// </summary>
public sealed class RequestContextFactory(string connectionId, System.Net.EndPoint? remote, AdvertisedListener listener, Security.Authorization.ConnectionAuthorization? authorization = null)
{
    public const string AnonymousPrincipal = "User:ANONYMOUS";

    public string ConnectionId { get; } = connectionId;

    public string Principal { get; set; } = AnonymousPrincipal;

    public RequestContext Create(RequestHeader header) => new(header, ConnectionId, remote, listener, Principal, authorization);
}
