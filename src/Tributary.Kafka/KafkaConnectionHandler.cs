using System.Buffers;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Tributary.Kafka;

/// <summary>
/// The Kafka transport: a Kestrel connection handler over System.IO.Pipelines. Reads 4-byte
/// length-prefixed frames, hands each to the <see cref="KafkaRequestProcessor"/> in order and closes
/// only this connection on a bad frame (negative or oversized length, malformed request). Pipe limits give
/// backpressure: while a request is being processed nothing more is read from the socket.
/// </summary>
public sealed class KafkaConnectionHandler : ConnectionHandler
{
    private readonly KafkaRequestProcessor _processor;
    private readonly KafkaListenerOptions _options;
    private readonly ILogger<KafkaConnectionHandler> _logger;

    public KafkaConnectionHandler(KafkaRequestProcessor processor, KafkaListenerOptions options, ILogger<KafkaConnectionHandler> logger)
    {
        _processor = processor;
        _options = options;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var context = new RequestContextFactory(connection.ConnectionId, connection.RemoteEndPoint);
        var token = connection.ConnectionClosed;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var result = await input.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (true)
                {
                    if (buffer.Length < 4)
                    {
                        break;
                    }
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
                    // The frame is copied out of the pipe: decoded requests keep slices of it (record batches)
                    // for as long as the handler runs.
                    var frame = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
                    try
                    {
                        buffer.Slice(4, size).CopyTo(frame);
                        buffer = buffer.Slice(4L + size);
                        if (!await _processor.ProcessAsync(frame.AsMemory(0, size), output, context, token).ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(frame);
                    }
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ConnectionResetException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static int ReadLength(ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        return BinaryPrimitives.ReadInt32BigEndian(prefix);
    }
}
