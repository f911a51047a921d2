using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;
using Tributary.Firehose.Model;
using Tributary.Jq;

namespace Tributary.Firehose.Processing;

/// <summary>
/// Runs a stream's ProcessingConfiguration over source records, in Firehose's order whatever the order of the
/// processors in the list: de-aggregation (KPL records of Kinesis sources always; RecordDeAggregation's JSON or
/// DELIMITED sub-records), Decompression (GZIP), CloudWatchLogProcessing (DataMessageExtraction), the Lambda
/// transformation, MetadataExtraction (jq, for dynamic partitioning), and AppendDelimiterToRecord. Failures become
/// <see cref="ProcessedOutcome.Failed"/> records bound for the error output, never exceptions. With S3BackupMode
/// Enabled every source record also goes, as it arrived, to the backup buffer (<see cref="BackupBufferId"/>).
/// </summary>
public sealed class RecordProcessor : IRecordProcessor<ProcessedRecord>
{
    /// <summary>The buffer of the source-record backup (S3BackupMode Enabled); a delivery-mark key in the state file.</summary>
    public const string BackupBufferId = "backup";

    private readonly bool _kplDeaggregation;
    private readonly string? _subRecordType;
    private readonly byte[] _delimiter = "\n"u8.ToArray();
    private readonly bool _gunzip;
    private readonly bool _cloudWatchLogs;
    private readonly LambdaTransform? _lambda;
    private readonly JqProgram? _query;
    private readonly SimpleKeyQuery? _simpleQuery;
    private readonly bool _appendDelimiter;

    /// <param name="definition">The stream's processing configuration (ignored when not Enabled).</param>
    /// <param name="kinesisSource">Records come from a Kinesis stream: KPL aggregates are split, as Firehose does.</param>
    /// <param name="lambda">Settings of the Lambda processor, resolved by the caller (null when there is none).</param>
    /// <param name="backup">S3BackupMode Enabled: source records also go to the backup buffer.</param>
    public RecordProcessor(ProcessingDefinition definition, bool kinesisSource, LambdaTransform? lambda, bool backup = false)
    {
        SourceCopyBufferId = backup ? BackupBufferId : null;
        _kplDeaggregation = kinesisSource;
        if (!definition.Enabled)
        {
            return;
        }
        foreach (var processor in definition.Processors)
        {
            switch (processor.Type)
            {
                case "RecordDeAggregation":
                    _kplDeaggregation = true;
                    _subRecordType = processor.Parameter("SubRecordType") ?? "JSON";
                    if (processor.Parameter("Delimiter") is { } delimiter)
                    {
                        _delimiter = Convert.FromBase64String(delimiter);
                    }
                    break;
                case "Decompression":
                    _gunzip = (processor.Parameter("CompressionFormat") ?? "GZIP") == "GZIP";
                    break;
                case "CloudWatchLogProcessing":
                    _cloudWatchLogs = string.Equals(processor.Parameter("DataMessageExtraction"), "true", StringComparison.OrdinalIgnoreCase);
                    break;
                case "Lambda":
                    _lambda = lambda;
                    break;
                case "MetadataExtraction":
                    var query = processor.Parameter("MetadataExtractionQuery");
                    if (query is not null)
                    {
                        _query = JqProgram.Parse(query);
                        _simpleQuery = SimpleKeyQuery.TryParse(query);
                    }
                    break;
                case "AppendDelimiterToRecord":
                    _appendDelimiter = true;
                    break;
            }
        }
    }

    /// <summary>Compiles a MetadataExtractionQuery, reporting a syntax error as InvalidArgumentException (used at create).</summary>
    public static void ValidateQuery(string query)
    {
        try
        {
            JqProgram.Parse(query);
        }
        catch (JqException e)
        {
            throw DeliveryException.InvalidArgument($"MetadataExtractionQuery is not a valid JQ-1.6 expression: {e.Message}");
        }
    }

    public string? SourceCopyBufferId { get; }

    /// <summary>The backup holds the record as it arrived, before de-aggregation or any processing.</summary>
    public ProcessedRecord CopyOf(SourceRecord record) => new(record, 0, record.Data);

    /// <summary>
    /// The list every call returns, emptied first: a poll's tens of thousands of records would put a new list's array
    /// on the large object heap each time (the engine is done with it by the next call).
    /// </summary>
    private readonly List<ProcessedRecord> _output = [];

    public async Task<List<ProcessedRecord>> ProcessAsync(IReadOnlyList<SourceRecord> records, CancellationToken cancellationToken)
    {
        var output = _output;
        output.Clear();
        foreach (var record in records)
        {
            Split(record, output);
        }
        if (_lambda is not null)
        {
            await _lambda.TransformAsync(output, cancellationToken).ConfigureAwait(false);
        }
        foreach (var record in output)
        {
            if (record.Outcome != ProcessedOutcome.Ok)
            {
                continue;
            }
            if (_query is not null)
            {
                ExtractKeys(record);
            }
            if (_appendDelimiter && record.Outcome == ProcessedOutcome.Ok)
            {
                var data = new byte[record.Data.Length + 1];
                record.Data.Span.CopyTo(data);
                data[^1] = (byte)'\n';
                record.Data = data;
            }
        }
        return output;
    }

    private void Split(SourceRecord record, List<ProcessedRecord> output)
    {
        if (!_kplDeaggregation && _subRecordType is null && !_gunzip && !_cloudWatchLogs)
        {
            // Nothing splits or rewrites the record: it is its one part (no list per record).
            output.Add(new ProcessedRecord(record, 0, record.Data));
            return;
        }
        List<byte[]>? parts = null;
        if (_kplDeaggregation)
        {
            parts = Deaggregation.TryKpl(record.Data.ToArray());
        }
        parts ??= [record.Data.ToArray()];
        if (_subRecordType is not null)
        {
            var split = new List<byte[]>();
            foreach (var part in parts)
            {
                if (_subRecordType == "DELIMITED")
                {
                    split.AddRange(Deaggregation.SplitDelimited(part, _delimiter));
                }
                else if (Deaggregation.TrySplitJson(part) is { } json)
                {
                    split.AddRange(json);
                }
                else
                {
                    var failed = new ProcessedRecord(record, output.Count, part);
                    failed.Fail(ErrorOutputTypes.ProcessingFailed, "RecordDeAggregation.InvalidJson", "The record is not a sequence of JSON objects.");
                    output.Add(failed);
                }
            }
            parts = split;
        }
        var sub = 0;
        foreach (var part in parts)
        {
            var data = part;
            if (_gunzip)
            {
                try
                {
                    data = Gunzip(part);
                }
                catch (InvalidDataException e)
                {
                    var failed = new ProcessedRecord(record, sub++, part);
                    failed.Fail(ErrorOutputTypes.ProcessingFailed, "Decompression.InvalidData", "The record is not GZIP data: " + e.Message);
                    output.Add(failed);
                    continue;
                }
            }
            if (_cloudWatchLogs)
            {
                var messages = CloudWatchMessages(data, out var error);
                foreach (var message in messages)
                {
                    output.Add(new ProcessedRecord(record, sub++, message) { RawData = part });
                }
                if (error is not null)
                {
                    var failed = new ProcessedRecord(record, sub++, part);
                    failed.Fail(ErrorOutputTypes.ProcessingFailed, "CloudWatchLogProcessing.InvalidData", error);
                    output.Add(failed);
                }
                continue;
            }
            output.Add(new ProcessedRecord(record, sub++, data) { RawData = part });
        }
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var result = new MemoryStream();
        input.CopyTo(result);
        return result.ToArray();
    }

    /// <summary>CloudWatch Logs subscription data: DATA_MESSAGE events' messages, one record each (newline-terminated); CONTROL_MESSAGE yields none.</summary>
    private static List<byte[]> CloudWatchMessages(byte[] data, out string? error)
    {
        error = null;
        var messages = new List<byte[]>();
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.TryGetProperty("messageType", out var type) && type.GetString() == "CONTROL_MESSAGE")
            {
                return messages;
            }
            foreach (var logEvent in root.GetProperty("logEvents").EnumerateArray())
            {
                messages.Add(System.Text.Encoding.UTF8.GetBytes(logEvent.GetProperty("message").GetString() + "\n"));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            error = "The record is not CloudWatch Logs subscription data: " + e.Message;
        }
        return messages;
    }

    /// <summary>Runs the query; its single output must be an object of scalars, which become the record's keys.</summary>
    private void ExtractKeys(ProcessedRecord record)
    {
        if (_simpleQuery is not null && _simpleQuery.TryExtract(record.Data, out var simple, out var failure))
        {
            if (simple is null)
            {
                record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MetadataExtractionFailed", failure!);
            }
            else
            {
                record.QueryKeys = simple;
            }
            return;
        }
        JsonNode? input;
        try
        {
            input = JsonNode.Parse(record.Data.Span);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MetadataExtractionFailed", "The record is not valid JSON: " + e.Message);
            return;
        }
        try
        {
            var results = _query!.Run(input);
            if (results.Count != 1 || results[0] is not JsonObject keys)
            {
                record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MetadataExtractionFailed", "The MetadataExtractionQuery must produce exactly one JSON object.");
                return;
            }
            var extracted = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in keys)
            {
                if (value is null || value.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array)
                {
                    // The same wording as SimpleKeyQuery's.
                    record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MetadataExtractionFailed", $"Partition key '{name}' is {(value is null ? "null" : "not a scalar")}.");
                    return;
                }
                extracted[name] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : JqProgram.ToJson(value);
            }
            record.QueryKeys = extracted;
        }
        catch (JqException e)
        {
            record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MetadataExtractionFailed", "The MetadataExtractionQuery failed: " + e.Message);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // JsonNode materialises objects lazily: a duplicated property name surfaces here.
            record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MetadataExtractionFailed", "The record could not be read as JSON: " + e.Message);
        }
    }
}
