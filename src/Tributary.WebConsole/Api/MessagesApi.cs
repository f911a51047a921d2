using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Broker;
using Tributary.Foundation.Buffers;
using Tributary.Protocol;
using Tributary.Protocol.Records;

namespace Tributary.WebConsole.Api;

/// <summary>
/// The message browser and the test producer of one partition.
/// <c>GET /topics/{name}/messages?partition=P&amp;offset=O|timestamp=T&amp;limit=N</c> reads up to N records (at most
/// <see cref="MaxMessages"/>) from offset O, or from the first record at or after time T (ms), or — with neither —
/// the last N records. Keys, values and header values travel as base64 with a UTF-8 text form when they are valid
/// UTF-8; the page decides how to show them (JSON, text, hex). Control batches (transaction markers) are skipped.
/// <c>POST /topics/{name}/messages</c> ({partition, key, value, headers}) appends one record with acks=all.
/// </summary>
internal static class MessagesApi
{
    public const int MaxMessages = 1000;

    /// <summary>Bytes asked of the log per fetch: enough for a page of typical records in one or two reads.</summary>
    private const int FetchBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder api, IBrokerApi broker)
    {
        api.MapGet("/topics/{name}/messages", (string name, HttpRequest request) => BrowseAsync(broker, name, request));
        api.MapPost("/topics/{name}/messages", (string name, HttpRequest request) => ProduceAsync(broker, name, request));
    }

    internal sealed record Bytes(string? Text, string Base64, int Length);

    internal sealed record HeaderView(string Key, Bytes? Value);

    internal sealed record MessageView(int Partition, long Offset, long Timestamp, Bytes? Key, Bytes? Value, IReadOnlyList<HeaderView> Headers);

    internal sealed record Messages(string Topic, int Partition, long LogStartOffset, long HighWatermark, long From, IReadOnlyList<MessageView> Items);

    private static async Task<IResult> BrowseAsync(IBrokerApi broker, string name, HttpRequest request)
    {
        var partition = Query.Int(request, "partition") ?? 0;
        var limit = Math.Clamp(Query.Int(request, "limit") ?? 100, 1, MaxMessages);
        if (broker.GetTopic(name) is not { } topic)
        {
            return Query.Error(404, nameof(ErrorCode.UnknownTopicOrPartition), $"Topic '{name}' does not exist.");
        }
        if (partition < 0 || partition >= topic.PartitionCount || broker.GetOffsets(name, partition) is not { } offsets)
        {
            return Query.Error(404, nameof(ErrorCode.UnknownTopicOrPartition), $"Topic '{name}' has no partition {partition} (it has {topic.PartitionCount}).", [new FieldError("partition", $"0 to {topic.PartitionCount - 1}")]);
        }
        long from;
        if (Query.Long(request, "offset") is { } offset)
        {
            from = Math.Clamp(offset, offsets.LogStartOffset, offsets.HighWatermark);
        }
        else if (Query.Long(request, "timestamp") is { } timestamp)
        {
            var found = broker.ListOffset(name, partition, timestamp);
            from = found.Error == ErrorCode.None && found.Offset >= 0 ? found.Offset : offsets.HighWatermark;
        }
        else
        {
            from = Math.Max(offsets.LogStartOffset, offsets.HighWatermark - limit);
        }
        var items = new List<MessageView>(Math.Min(limit, 256));
        var next = from;
        using var scratch = new PooledBufferWriter();
        while (items.Count < limit && next < offsets.HighWatermark)
        {
            var results = await broker.FetchAsync([new FetchPartitionRequest(name, partition, next, FetchBytes)], maxWaitMs: 0, minBytes: 0, maxBytes: FetchBytes, request.HttpContext.RequestAborted).ConfigureAwait(false);
            var result = results[0];
            if (result.Error != ErrorCode.None)
            {
                return Query.Error(400, result.Error.ToString(), $"Cannot read {name}-{partition} at offset {next}: {result.Error}.");
            }
            using var records = result.Records;
            if (records is null || records.IsEmpty)
            {
                break;
            }
            var after = Decode(records.ToArray(), partition, next, limit, items, scratch);
            if (after <= next)
            {
                break;
            }
            next = after;
        }
        return Results.Json(new Messages(name, partition, offsets.LogStartOffset, offsets.HighWatermark, from, items));
    }

    /// <summary>Adds the records at or after <paramref name="from"/> to <paramref name="items"/> (up to the limit); returns the offset after the last batch read.</summary>
    private static long Decode(byte[] region, int partition, long from, int limit, List<MessageView> items, PooledBufferWriter scratch)
    {
        var span = region.AsSpan();
        var next = from;
        while (span.Length >= RecordBatchLayout.RecordsOffset && items.Count < limit)
        {
            var size = RecordBatch.TotalSize(span);
            if (size > span.Length)
            {
                break;
            }
            var batch = span[..size];
            next = RecordBatch.NextOffset(batch);
            if (!RecordBatch.IsControl(batch))
            {
                var baseOffset = RecordBatch.BaseOffset(batch);
                var baseTimestamp = RecordBatch.BaseTimestamp(batch);
                var logAppendTime = RecordBatch.IsLogAppendTime(batch) ? RecordBatch.MaxTimestamp(batch) : (long?)null;
                var reader = BatchRecords.Read(batch, scratch);
                while (items.Count < limit && reader.TryReadNext(out var record))
                {
                    var offset = baseOffset + record.OffsetDelta;
                    if (offset < from)
                    {
                        continue;
                    }
                    items.Add(new MessageView(partition, offset, logAppendTime ?? baseTimestamp + record.TimestampDelta,
                        record.HasKey ? View(record.Key) : null, record.HasValue ? View(record.Value) : null, Headers(record.Headers, record.HeaderCount)));
                }
            }
            span = span[size..];
        }
        return next;
    }

    private static Bytes View(ReadOnlySpan<byte> bytes)
    {
        string? text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = null;
        }
        return new Bytes(text, Convert.ToBase64String(bytes), bytes.Length);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A record's headers section: [keyLength varint, key, valueLength varint (-1: null), value]*; a corrupt section ends the list.</summary>
    private static HeaderView[] Headers(ReadOnlySpan<byte> encoded, int count)
    {
        var headers = new List<HeaderView>(count);
        for (var i = 0; i < count; i++)
        {
            if (!Varint.TryReadVarint(encoded, out var keyLength, out var read) || keyLength < 0 || keyLength > encoded.Length - read)
            {
                break;
            }
            var key = Encoding.UTF8.GetString(encoded.Slice(read, keyLength));
            encoded = encoded[(read + keyLength)..];
            if (!Varint.TryReadVarint(encoded, out var valueLength, out read) || valueLength > encoded.Length - read)
            {
                break;
            }
            headers.Add(new HeaderView(key, valueLength < 0 ? null : View(encoded.Slice(read, valueLength))));
            encoded = encoded[(read + Math.Max(0, valueLength))..];
        }
        return [.. headers];
    }

    internal sealed record ProduceHeader(string? Key, string? Value);

    internal sealed record ProduceRequest(int? Partition, string? Key, string? Value, List<ProduceHeader>? Headers);

    private static async Task<IResult> ProduceAsync(IBrokerApi broker, string name, HttpRequest request)
    {
        var (body, invalid) = await Query.BodyAsync<ProduceRequest>(request, "a message").ConfigureAwait(false);
        if (body is null)
        {
            return invalid!;
        }
        var headers = new List<RecordHeader>();
        foreach (var header in body.Headers ?? [])
        {
            if (string.IsNullOrEmpty(header.Key))
            {
                return Query.Error(400, "InvalidRequest", "A header needs a key.", [new FieldError("headers", "A header needs a key.")]);
            }
            headers.Add(new RecordHeader(header.Key, header.Value is null ? null : Encoding.UTF8.GetBytes(header.Value)));
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var builder = new RecordBatchBuilder(now);
        builder.Append(now, body.Key is null ? default : Encoding.UTF8.GetBytes(body.Key), body.Value is null ? default : Encoding.UTF8.GetBytes(body.Value),
            hasKey: body.Key is not null, hasValue: body.Value is not null, headers: headers.ToArray());
        var partition = body.Partition ?? 0;
        var result = await broker.ProduceAsync(name, partition, builder.ToArray(new BatchOptions()), Acks.All, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.Error != ErrorCode.None)
        {
            var message = result.ErrorMessage ?? $"Cannot produce to {name}-{partition}: {result.Error}.";
            return Query.Error(TopicsApi.StatusFor(result.Error), result.Error.ToString(), message);
        }
        return Results.Json(new { Topic = name, Partition = partition, Offset = result.BaseOffset });
    }
}
