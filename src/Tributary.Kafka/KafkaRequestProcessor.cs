using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Tributary.Protocol.Buffers;
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
    /// Processes one frame (without its length prefix) and writes the response to <paramref name="output"/>.
    /// Returns false when the connection must be closed (malformed frame, unknown API, unsupported version),
    /// which affects only this connection.
    /// </summary>
    public async ValueTask<bool> ProcessAsync(ReadOnlyMemory<byte> frame, PipeWriter output, RequestContextFactory contextFactory, CancellationToken cancellationToken)
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
            return false;
        }
        if (!_handlers.TryGet(apiKey, out var handler, out var api))
        {
            _logger.LogInformation("Closing {Connection}: unknown or unserved API key {ApiKey}.", contextFactory.ConnectionId, apiKey);
            return false;
        }
        if (version < handler.LowestVersion || version > handler.HighestVersion)
        {
            if (apiKey == ApiVersionsKey && frame.Length >= 8)
            {
                // KIP-511: answer an unsupported ApiVersions version in the v0 layout with error 35 and our
                // ranges, so the client can retry with a version we have.
                var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Span[4..]);
                await WriteResponseAsync(output, correlationId, 0, UnsupportedApiVersionsResponse(), 0, cancellationToken).ConfigureAwait(false);
                return true;
            }
            _logger.LogInformation("Closing {Connection}: {Api} v{Version} is not supported.", contextFactory.ConnectionId, api.Name, version);
            return false;
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
            return false;
        }

        IKafkaMessage? response;
        try
        {
            response = await handler.HandleAsync(contextFactory.Create(header), request, version, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaProtocolException e)
        {
            _logger.LogInformation("Closing {Connection}: {Api} v{Version}: {Reason}", contextFactory.ConnectionId, api.Name, version, e.Message);
            return false;
        }
        if (response is not null)
        {
            try
            {
                await WriteResponseAsync(output, header.CorrelationId, api.ResponseHeaderVersion(version), response, version, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                (response as IDisposable)?.Dispose();
            }
        }
        return true;
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

    private static async ValueTask WriteResponseAsync(PipeWriter output, int correlationId, short headerVersion, IKafkaMessage body, short version, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter(256);
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        new ResponseHeader { CorrelationId = correlationId }.Write(writer, headerVersion);
        body.Write(writer, version);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        output.Write(buffer.WrittenSpan);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Per-connection facts a request context carries.</summary>
public sealed class RequestContextFactory(string connectionId, System.Net.EndPoint? remote)
{
    public string ConnectionId { get; } = connectionId;

    public RequestContext Create(RequestHeader header) => new(header, ConnectionId, remote);
}
