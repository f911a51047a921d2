using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tributary.Delivery.Engine;

namespace Tributary.Firehose.Processing;

/// <summary>How the transformation endpoint is reached and what the records' source looks like to it.</summary>
public sealed record LambdaSettings
{
    /// <summary>The endpoint (Tributary's stand-in for the Lambda function): POST of the invocation JSON.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The LambdaArn as configured, written into error records.</summary>
    public required string LambdaArn { get; init; }

    /// <summary>NumberOfRetries: further attempts after the first (Firehose's default 3).</summary>
    public int Retries { get; init; } = 3;

    /// <summary>Time allowed for one invocation.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Invocation payload limit (BufferSizeInMBs, at most Lambda's 6 MB).</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    public required string DeliveryStreamArn { get; init; }

    public required string Region { get; init; }

    /// <summary>The MSK-shaped event (kafkaRecordValue, mskRecordMetadata) for Kafka sources; else Firehose's.</summary>
    public string? SourceMskArn { get; init; }

    /// <summary>Pause before retry n (n = 1, 2, …): 0.5 s · 2^(n−1), at most 10 s.</summary>
    public Func<int, TimeSpan> Backoff { get; init; } = n => TimeSpan.FromMilliseconds(Math.Min(10_000, 500 * (1 << Math.Min(n - 1, 10))));
}

/// <summary>
/// The record transformation hook with Lambda's Firehose contract. Request:
/// <c>{invocationId, deliveryStreamArn, region, records: [{recordId, approximateArrivalTimestamp, data}]}</c> (for Kafka
/// sources the MSK shape: <c>sourceMSKArn</c>, records with <c>kafkaRecordValue</c> and <c>mskRecordMetadata</c>).
/// Response: <c>{records: [{recordId, result: Ok|Dropped|ProcessingFailed, data, metadata: {partitionKeys}}]}</c>; every
/// record id must come back exactly once. A failed invocation (transport error, non-2xx, timeout, bad JSON, missing or
/// extra ids) is retried; after the last attempt every record of the batch fails with the last error code.
/// </summary>
public sealed class LambdaTransform(LambdaSettings settings, HttpClient http)
{
    /// <summary>Transforms the Ok records of <paramref name="records"/> in place, in invocations of at most MaxPayloadBytes.</summary>
    public async Task TransformAsync(IReadOnlyList<ProcessedRecord> records, CancellationToken cancellationToken)
    {
        var batch = new List<ProcessedRecord>();
        long batchBytes = 0;
        foreach (var record in records)
        {
            if (record.Outcome != ProcessedOutcome.Ok)
            {
                continue;
            }
            var size = record.Data.Length * 4 / 3 + 200;
            if (batch.Count > 0 && batchBytes + size > settings.MaxPayloadBytes)
            {
                await InvokeWithRetriesAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
                batchBytes = 0;
            }
            batch.Add(record);
            batchBytes += size;
        }
        if (batch.Count > 0)
        {
            await InvokeWithRetriesAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InvokeWithRetriesAsync(List<ProcessedRecord> batch, CancellationToken cancellationToken)
    {
        var attempts = 0;
        while (true)
        {
            attempts++;
            var (code, message) = await InvokeAsync(batch, cancellationToken).ConfigureAwait(false);
            if (code is null)
            {
                return;
            }
            if (attempts > settings.Retries)
            {
                foreach (var record in batch)
                {
                    record.Fail(ErrorOutputTypes.ProcessingFailed, code, message!, attempts);
                }
                return;
            }
            await Task.Delay(settings.Backoff(attempts), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One invocation; returns null on success (records updated), else the error code and message.</summary>
    private async Task<(string? Code, string? Message)> InvokeAsync(List<ProcessedRecord> batch, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, ProcessedRecord>(batch.Count, StringComparer.Ordinal);
        byte[] body;
        using (var stream = new MemoryStream())
        {
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("invocationId", Guid.NewGuid().ToString());
                json.WriteString("deliveryStreamArn", settings.DeliveryStreamArn);
                if (settings.SourceMskArn is not null)
                {
                    json.WriteString("sourceMSKArn", settings.SourceMskArn);
                }
                json.WriteString("region", settings.Region);
                json.WriteStartArray("records");
                foreach (var record in batch)
                {
                    var id = RecordId(record);
                    ids[id] = record;
                    json.WriteStartObject();
                    json.WriteString("recordId", id);
                    json.WriteNumber("approximateArrivalTimestamp", record.Source.ArrivalMs);
                    if (settings.SourceMskArn is not null)
                    {
                        json.WriteBase64String("kafkaRecordValue", record.Data.Span);
                        json.WriteStartObject("mskRecordMetadata");
                        json.WriteNumber("offset", record.Source.Offset);
                        json.WriteNumber("partitionId", record.Source.Partition);
                        json.WriteNumber("approximateArrivalTimestamp", record.Source.ArrivalMs);
                        json.WriteEndObject();
                    }
                    else
                    {
                        json.WriteBase64String("data", record.Data.Span);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            body = stream.ToArray();
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        byte[] response;
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var reply = await http.PostAsync(settings.Endpoint, content, timeout.Token).ConfigureAwait(false);
            response = await reply.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (!reply.IsSuccessStatusCode)
            {
                return ("Lambda.FunctionError", $"The transformation endpoint answered HTTP {(int)reply.StatusCode}: {Truncate(Encoding.UTF8.GetString(response))}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ("Lambda.FunctionTimeout", $"The transformation endpoint did not answer within {settings.Timeout.TotalSeconds} s.");
        }
        catch (HttpRequestException e)
        {
            return ("Lambda.InvokeError", "The transformation endpoint could not be reached: " + e.Message);
        }
        return Apply(response, ids);
    }

    private static (string? Code, string? Message) Apply(byte[] response, Dictionary<string, ProcessedRecord> ids)
    {
        var updates = new List<(ProcessedRecord Record, string Result, byte[]? Data, Dictionary<string, string>? Keys)>(ids.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(response);
            if (!document.RootElement.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
            {
                return ("Lambda.JsonProcessingException", "The transformation's response has no \"records\" array.");
            }
            foreach (var item in records.EnumerateArray())
            {
                var id = item.TryGetProperty("recordId", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : "";
                if (!ids.TryGetValue(id, out var record))
                {
                    return ("Lambda.MissingRecordId", $"The transformation returned record id '{Truncate(id)}', which was not in the invocation.");
                }
                if (!seen.Add(id))
                {
                    return ("Lambda.DuplicatedRecordId", $"The transformation returned record id '{Truncate(id)}' more than once.");
                }
                var result = item.TryGetProperty("result", out var resultElement) && resultElement.ValueKind == JsonValueKind.String ? resultElement.GetString()! : "";
                if (result is not ("Ok" or "Dropped" or "ProcessingFailed"))
                {
                    return ("Lambda.InvalidResult", $"Record '{Truncate(id)}' has result '{Truncate(result)}'; expected Ok, Dropped or ProcessingFailed.");
                }
                byte[]? data = null;
                if (result == "Ok")
                {
                    if (!item.TryGetProperty("data", out var dataElement) && !item.TryGetProperty("kafkaRecordValue", out dataElement))
                    {
                        return ("Lambda.JsonProcessingException", $"Record '{Truncate(id)}' has result Ok but no data.");
                    }
                    data = dataElement.GetBytesFromBase64();
                }
                Dictionary<string, string>? keys = null;
                if (item.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                    && metadata.TryGetProperty("partitionKeys", out var partitionKeys) && partitionKeys.ValueKind == JsonValueKind.Object)
                {
                    keys = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var key in partitionKeys.EnumerateObject())
                    {
                        keys[key.Name] = key.Value.ValueKind == JsonValueKind.String ? key.Value.GetString()! : key.Value.GetRawText();
                    }
                }
                updates.Add((record, result, data, keys));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return ("Lambda.JsonProcessingException", "The transformation's response is not valid: " + e.Message);
        }
        if (seen.Count != ids.Count)
        {
            return ("Lambda.MissingRecordId", $"The transformation returned {seen.Count} of the {ids.Count} records it was given.");
        }
        foreach (var (record, result, data, keys) in updates)
        {
            switch (result)
            {
                case "Ok":
                    record.Data = data!;
                    record.LambdaKeys = keys;
                    break;
                case "Dropped":
                    record.Outcome = ProcessedOutcome.Dropped;
                    break;
                default:
                    record.Fail(ErrorOutputTypes.ProcessingFailed, "Lambda.ProcessingFailed", "The transformation returned ProcessingFailed for the record.");
                    break;
            }
        }
        return (null, null);
    }

    /// <summary>A record id from the record's source position: unique within an invocation and stable across retries.</summary>
    public static string RecordId(ProcessedRecord record) =>
        $"{record.Source.Partition}.{record.Source.Offset}.{record.SubSequence}";

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
