using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Aws;
using Tributary.Foundation.Buffers;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// SubscribeToShard (enhanced fan-out): ConsumerARN*, ShardId*, StartingPosition*{Type*, SequenceNumber,
/// Timestamp}. Answers HTTP 200 with an <c>application/vnd.amazon.eventstream</c> body: an <c>initial-response</c>
/// event, then <c>SubscribeToShardEvent</c>s (JSON payloads: Records, ContinuationSequenceNumber,
/// MillisBehindLatest, and ChildShards once the shard is drained, which ends the subscription) as records
/// arrive and at least every 5 seconds, for at most 5 minutes. A second subscription of the same consumer to the
/// same shard within 5 seconds is refused with ResourceInUseException; after that it takes over. Errors after the
/// stream started are exception events. Served on both ports (AWS requires HTTP/2; HTTP/1.1 chunked works too).
/// </summary>
public sealed class SubscribeToShard(KinesisStreams streams) : KinesisOperation(streams), IAwsStreamingOperation
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private const long TakeOverAfterMs = 5000;

    private readonly ConcurrentDictionary<string, Subscription> _active = new(StringComparer.Ordinal);

    public override string Name => "SubscribeToShard";

    public override IReadOnlyList<string> InputMembers { get; } = ["consumerARN", "shardId", "startingPosition"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response) =>
        throw new InvalidOperationException("SubscribeToShard streams its response.");

    public async Task StreamAsync(AwsRequest request, HttpResponse response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var consumerArn = body.GetString("ConsumerARN");
        var shardId = body.GetString("ShardId");
        var position = body.GetElement("StartingPosition", JsonValueKind.Object);
        var type = position?.GetString("Type");
        var sequence = position?.GetString("SequenceNumber");
        var timestamp = position?.GetTimestampMilliseconds("Timestamp");
        validation.Required(consumerArn, "consumerARN");
        ValidateConsumerArn(validation, consumerArn, "consumerARN");
        ValidateShardId(validation, shardId, "shardId", required: true);
        validation.Required(position, "startingPosition");
        if (position is not null)
        {
            validation.Required(type, "startingPosition.type");
        }
        validation.Enum(type, IteratorStart.Types, "startingPosition.type");
        validation.ThrowIfAny();
        var (stream, consumer) = Streams.FindConsumer(null, null, consumerArn);
        var shard = Streams.GetShard(stream, shardId!);
        var next = IteratorStart.Resolve(Streams, stream, shard, type!, sequence, timestamp);

        var key = consumer.Arn + "|" + shard.Id;
        using var subscription = new Subscription(Streams.NowMs, request.Aborted);
        while (true)
        {
            if (_active.TryGetValue(key, out var existing))
            {
                if (Streams.NowMs - existing.StartedMs < TakeOverAfterMs)
                {
                    throw AwsErrorException.ResourceInUse($"Another active subscription exists for consumer {consumer.Arn} and shard {shard.Id}; a new one may take over 5 seconds after it started.");
                }
                existing.Cancel();
                _active.TryRemove(new KeyValuePair<string, Subscription>(key, existing));
            }
            if (_active.TryAdd(key, subscription))
            {
                break;
            }
        }
        try
        {
            await RunAsync(request, response, stream, consumer, shard, next, subscription.Token).ConfigureAwait(false);
        }
        finally
        {
            _active.TryRemove(new KeyValuePair<string, Subscription>(key, subscription));
        }
    }

    private async Task RunAsync(AwsRequest request, HttpResponse response, StreamState stream, ConsumerState consumer, ShardState shard, long next, CancellationToken cancellationToken)
    {
        response.StatusCode = 200;
        response.ContentType = "application/vnd.amazon.eventstream";
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        using var frame = new PooledBufferWriter();
        using var payload = new PooledBufferWriter();
        EventStream.WriteEvent(frame, "initial-response", "application/json", "{}"u8);
        await SendAsync(response, frame, cancellationToken).ConfigureAwait(false);

        var lifetime = Stopwatch.StartNew();
        var sinceEvent = Stopwatch.StartNew();
        var first = true;
        // The arrival time of the last record delivered, so the continuation number is that record's own number;
        // before any record of this subscription the shard's creation time stands in (only the offset is read back).
        var lastArrival = shard.CreatedMs;
        try
        {
            while (lifetime.Elapsed < SubscriptionLifetime && !cancellationToken.IsCancellationRequested)
            {
                if (stream.Deleted || !stream.Consumers.Contains(consumer))
                {
                    EventStream.WriteException(frame, "ResourceNotFoundException", $"Consumer {consumer.Arn} or its stream no longer exists.");
                    await SendAsync(response, frame, cancellationToken).ConfigureAwait(false);
                    return;
                }
                payload.Reset();
                var writer = new JsonResponseWriter(payload);
                writer.WriteStartObject();
                writer.WriteStartArray("Records");
                var sink = new RecordWriter(writer, stream, shard);
                var outcome = await Streams.ReadAsync(stream, shard, next, KinesisStreams.MaxRecordsPerRead, sink, cancellationToken).ConfigureAwait(false);
                writer.WriteEndArray();
                next = outcome.NextOffset;
                if (outcome.LastArrivalMs >= 0)
                {
                    lastArrival = outcome.LastArrivalMs;
                }
                if (outcome.Count > 0 || outcome.ShardEnded || first || sinceEvent.Elapsed >= HeartbeatInterval)
                {
                    // Continue after the last record delivered. Before any record of the shard there is no such
                    // number; the shard's starting number is given (AFTER it would skip record 0 — see docs/kinesis.md).
                    writer.WriteString("ContinuationSequenceNumber", KinesisStreams.Sequence(stream, shard, Math.Max(0, next - 1), lastArrival));
                    writer.WriteNumber("MillisBehindLatest", outcome.MillisBehindLatest);
                    if (outcome.ShardEnded)
                    {
                        RecordWriter.WriteChildShards(writer, stream, shard);
                    }
                    writer.WriteEndObject();
                    writer.Flush();
                    EventStream.WriteEvent(frame, "SubscribeToShardEvent", "application/json", payload.WrittenSpan);
                    await SendAsync(response, frame, cancellationToken).ConfigureAwait(false);
                    sinceEvent.Restart();
                    first = false;
                }
                if (outcome.ShardEnded)
                {
                    return;
                }
                if (outcome.Count == 0)
                {
                    var waited = Stopwatch.StartNew();
                    await Streams.WaitForDataAsync(stream, shard, next, 1000, cancellationToken).ConfigureAwait(false);
                    if (waited.ElapsedMilliseconds < 50)
                    {
                        // The position is past the log end (e.g. a future sequence number): no long-poll possible.
                        await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client left, or a newer subscription took over.
        }
        catch (AwsErrorException e) when (!request.Aborted.IsCancellationRequested)
        {
            EventStream.WriteException(frame, e.ErrorType, e.Message);
            await SendAsync(response, frame, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(HttpResponse response, PooledBufferWriter frame, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        frame.Reset();
    }

    /// <summary>One live subscription: when it started, and how to end it when another takes over.</summary>
    private sealed class Subscription(long startedMs, CancellationToken aborted) : IDisposable
    {
        private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(aborted);

        public long StartedMs { get; } = startedMs;

        public CancellationToken Token => _cancel.Token;

        public void Cancel()
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose() => _cancel.Dispose();
    }
}
