using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Sasl;

namespace Tributary.Kafka;

/// <summary>
/// The Kafka transport: a Kestrel connection handler over System.IO.Pipelines. Reads 4-byte
/// length-prefixed frames and starts each request in arrival order; a writer sends the responses strictly in
/// that order. Up to <see cref="MaxInFlight"/> requests of one connection may be outstanding, so an acks=all
/// produce waiting for its fsync does not hold back the appends of the requests behind it (they share the
/// next group commit) — the responses still leave in order, as clients require. A bad frame (negative or
/// oversized length, malformed request) closes only this connection; no request after it is started. When the
/// server stops, every connection stops reading, answers what it has started and closes, as a Kafka broker does on
/// shutdown: an idle client connection must not hold the listener open until Kestrel's shutdown timeout.
/// </summary>
public sealed class KafkaConnectionHandler : ConnectionHandler
{
    /// <summary>
    /// Outstanding requests per connection. librdkafka keeps up to 5 produce requests in flight for an
    /// idempotent producer and more otherwise; 32 bounds the memory a single connection can pin.
    /// </summary>
    public const int MaxInFlight = 32;

    private readonly KafkaRequestProcessor _processor;
    private readonly KafkaListenerOptions _options;
    private readonly ILogger<KafkaConnectionHandler> _logger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;

    public KafkaConnectionHandler(KafkaRequestProcessor processor, KafkaListenerOptions options, ILogger<KafkaConnectionHandler> logger, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        _processor = processor;
        _options = options;
        _logger = logger;
        _time = time;
        _stopping = lifetime.ApplicationStopping;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // Every listener tags its connections with its binding (KafkaServer); SASL listeners give each connection a session.
        var binding = (ListenerBinding)connection.Items[ListenerBinding.ConnectionItemKey]!;
        var authorization = _options.Security.Authorizer is { } authorizer
            ? new Security.Authorization.ConnectionAuthorization(authorizer, (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString() ?? "*")
            : null;
        var context = new RequestContextFactory(connection.ConnectionId, connection.RemoteEndPoint, binding.Advertised, authorization);
        if (binding.Endpoint.Protocol == SecurityProtocol.Ssl && connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate is { } certificate)
        {
            // mTLS on an SSL listener: the verified certificate names the principal (on SASL_SSL, SASL does, as in Kafka).
            if (_options.Security.ClientAuthentication.PrincipalOf(certificate) is not { } principal)
            {
                _logger.LogInformation("Closing {Connection}: no kafka.ssl.principal.mapping.rules rule applies to the client certificate's subject {Subject}.",
                    connection.ConnectionId, SslPrincipalMapper.DistinguishedName(certificate.SubjectName));
                return;
            }
            context.Principal = principal;
        }
        var sasl = binding.Endpoint.Protocol.UsesSasl() ? new SaslSession(_options.Security, _time, _logger, connection.ConnectionId) : null;
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, _stopping);
        var inFlight = Channel.CreateBounded<(ValueTask<ProcessedRequest> Response, byte[] Frame)>(
            new BoundedChannelOptions(MaxInFlight) { SingleReader = true, SingleWriter = true });
        var writer = WriteResponsesAsync(inFlight.Reader, connection.Transport.Output, closing);
        try
        {
            await ReadRequestsAsync(connection, context, sasl, inFlight.Writer, closing.Token).ConfigureAwait(false);
        }
        finally
        {
            inFlight.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
    }

    private async Task ReadRequestsAsync(ConnectionContext connection, RequestContextFactory context, SaslSession? sasl, ChannelWriter<(ValueTask<ProcessedRequest>, byte[])> inFlight, CancellationToken token)
    {
        var input = connection.Transport.Input;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var result = await input.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.Length >= 4)
                {
                    var size = ReadLength(buffer);
                    if (size < 0 || size > _options.MaxRequestBytes)
                    {
                        _logger.LogInformation("Closing {Connection}: request frame of {Size} bytes is outside [0, {Max}].", connection.ConnectionId, size, _options.MaxRequestBytes);
                        return;
                    }
                    if (buffer.Length < 4L + size)
                    {
                        break;
                    }
                    // Copied out of the pipe: a decoded request keeps slices of its frame (record batches) until
                    // its response is written; the writer returns the array then.
                    var frame = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
                    buffer.Slice(4, size).CopyTo(frame);
                    buffer = buffer.Slice(4L + size);
                    ValueTask<ProcessedRequest> response;
                    if (sasl is null || sasl.Passes(frame.AsSpan(0, size)))
                    {
                        response = _processor.ProcessAsync(frame.AsMemory(0, size), context, token);
                    }
                    else
                    {
                        // SASL steps run here, in arrival order, so the next frame is read in the state they leave.
                        response = new ValueTask<ProcessedRequest>(sasl.Process(frame.AsMemory(0, size)));
                        context.Principal = sasl.Principal ?? RequestContextFactory.AnonymousPrincipal;
                    }
                    if (response.IsCompletedSuccessfully && !response.Result.KeepOpen)
                    {
                        ArrayPool<byte>.Shared.Return(frame);
                        return;
                    }
                    await inFlight.WriteAsync((response, frame), token).ConfigureAwait(false);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException or ChannelClosedException)
        {
        }
    }

    private async Task WriteResponsesAsync(ChannelReader<(ValueTask<ProcessedRequest> Response, byte[] Frame)> inFlight, PipeWriter output, CancellationTokenSource closing)
    {
        var healthy = true;
        await foreach (var (pending, frame) in inFlight.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var processed = await pending.ConfigureAwait(false);
                using var response = processed.Response;
                if (!healthy)
                {
                    continue;
                }
                if (!processed.KeepOpen)
                {
                    healthy = false;
                    await closing.CancelAsync().ConfigureAwait(false);
                    continue;
                }
                if (response is not null)
                {
                    var flushed = await output.WriteAsync(response.WrittenMemory, closing.Token).ConfigureAwait(false);
                    if (flushed.IsCompleted || flushed.IsCanceled)
                    {
                        healthy = false;
                    }
                }
                if (processed.CloseAfterResponse)
                {
                    healthy = false;
                    await closing.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException)
            {
                healthy = false;
                await closing.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A handler failed in a way it should not: close this connection, keep serving the others.
                _logger.LogError(e, "Closing a connection after an unexpected error while handling a request.");
                healthy = false;
                await closing.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    private static int ReadLength(ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        return BinaryPrimitives.ReadInt32BigEndian(prefix);
    }
}
