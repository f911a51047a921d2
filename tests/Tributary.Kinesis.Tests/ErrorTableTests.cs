using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Aws;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// Renders docs/aws-errors-kinesis.md from the implementation (issue 23): for every operation of the service, the
/// constraints its handler checks (recorded by <see cref="AwsValidation.Recording"/> while the handler runs, so the
/// table cannot drift from the code) and the exception, status and message the handler answers to each probe
/// request below (run in-process on a real broker). Fails when the committed file differs; run with
/// TRIBUTARY_WRITE_DOCS=1 to rewrite it. The probes are inputs only: every output in the table is what the code said.
/// </summary>
public sealed class ErrorTableTests : IAsyncDisposable
{
    private const string Existing = "existing";
    private const string ExistingArn = "arn:aws:kinesis:us-east-1:000000000000:stream/existing";
    private const string MissingArn = "arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "tributary-kinesis-errors-" + Guid.NewGuid().ToString("N"));
    private Broker.Broker? _broker;

    /// <summary>
    /// Probe requests per operation, beyond the empty body every operation gets. A stream named "existing" with two
    /// shards exists; "no-such-stream" does not. Probes whose answer would hold a clock reading are left out so the
    /// file is reproducible.
    /// </summary>
    private static readonly Dictionary<string, string[]> Probes = new()
    {
        ["CreateStream"] = ["""{"StreamName":"existing","ShardCount":1}""", """{"StreamName":"s","StreamModeDetails":{"StreamMode":"PROVISIONED"}}""", """{"StreamName":"s","ShardCount":1,"StreamModeDetails":{},"Tags":{"k":"v"},"MaxRecordSizeInKiB":1024}""", """{"StreamName":"s","ShardCount":100000}"""],
        ["DeleteStream"] = ["""{"StreamName":"no-such-stream"}""", $$$"""{"StreamName":"existing","StreamARN":"{{{MissingArn}}}"}"""],
        ["DescribeStream"] = ["""{"StreamName":"no-such-stream","Limit":1,"ExclusiveStartShardId":"shardId-000000000000"}"""],
        ["DescribeStreamSummary"] = ["""{"StreamName":"no-such-stream"}""", """{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream"}"""],
        ["ListStreams"] = ["""{"Limit":1,"ExclusiveStartStreamName":"a","NextToken":"x"}"""],
        ["ListShards"] = ["""{"StreamName":"existing","NextToken":"x"}""", """{"NextToken":"x"}""", """{"StreamName":"existing","ShardFilter":{"Type":"AFTER_SHARD_ID"},"MaxResults":1,"ExclusiveStartShardId":"shardId-000000000000"}""", """{"StreamName":"existing","ShardFilter":{"Type":"AT_TIMESTAMP","ShardId":"shardId-000000000000"}}"""],
        ["PutRecord"] = ["""{"StreamName":"no-such-stream","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"1","SequenceNumberForOrdering":"1"}""", """{"StreamName":"existing","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"340282366920938463463374607431768211456"}"""],
        ["PutRecords"] = ["""{"StreamName":"no-such-stream","Records":[{"Data":"AA==","PartitionKey":"k","ExplicitHashKey":"1"}]}""", """{"StreamName":"existing","Records":[]}"""],
        ["GetShardIterator"] = ["""{"StreamName":"existing","ShardId":"shardId-000000000009","ShardIteratorType":"LATEST"}""", """{"StreamName":"existing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER"}""", """{"StreamName":"existing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"1"}""", """{"StreamName":"existing","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP"}"""],
        ["GetRecords"] = ["""{"ShardIterator":"AAAA","Limit":1}"""],
        ["SplitShard"] = ["""{"StreamName":"existing","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"0"}""", """{"StreamName":"existing","ShardToSplit":"shardId-000000000009","NewStartingHashKey":"1"}"""],
        ["MergeShards"] = ["""{"StreamName":"existing","ShardToMerge":"shardId-000000000001","AdjacentShardToMerge":"shardId-000000000009"}"""],
        ["UpdateShardCount"] = ["""{"StreamName":"existing","TargetShardCount":5,"ScalingType":"UNIFORM_SCALING"}""", """{"StreamName":"existing","TargetShardCount":0,"ScalingType":"x"}"""],
        ["UpdateStreamMode"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}"""],
        ["IncreaseStreamRetentionPeriod"] = ["""{"StreamName":"existing","RetentionPeriodHours":12}""", """{"StreamName":"existing","RetentionPeriodHours":100000}"""],
        ["DecreaseStreamRetentionPeriod"] = ["""{"StreamName":"existing","RetentionPeriodHours":12}""", """{"StreamName":"existing","RetentionPeriodHours":48}"""],
        ["RegisterStreamConsumer"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","ConsumerName":"c","Tags":{"k":"v"}}"""],
        ["DeregisterStreamConsumer"] = [$$$"""{"StreamARN":"{{{ExistingArn}}}","ConsumerName":"c"}""", """{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/existing/consumer/c:1"}"""],
        ["DescribeStreamConsumer"] = [$$$"""{"StreamARN":"{{{ExistingArn}}}","ConsumerName":"c"}"""],
        ["ListStreamConsumers"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","MaxResults":1,"NextToken":"x"}""", $$$"""{"StreamARN":"{{{ExistingArn}}}","NextToken":"x"}"""],
        ["AddTagsToStream"] = ["""{"StreamName":"no-such-stream","Tags":{"k":"v"}}"""],
        ["RemoveTagsFromStream"] = ["""{"StreamName":"no-such-stream","TagKeys":["k"]}"""],
        ["ListTagsForStream"] = ["""{"StreamName":"no-such-stream","ExclusiveStartTagKey":"k","Limit":1}"""],
        ["TagResource"] = [$$$"""{"ResourceARN":"{{{MissingArn}}}","Tags":{"k":"v"}}"""],
        ["UntagResource"] = [$$$"""{"ResourceARN":"{{{MissingArn}}}","TagKeys":["k"]}"""],
        ["ListTagsForResource"] = [$$$"""{"ResourceARN":"{{{MissingArn}}}"}"""],
        ["StartStreamEncryption"] = ["""{"StreamName":"existing","EncryptionType":"NONE","KeyId":"k"}""", """{"StreamName":"no-such-stream","EncryptionType":"KMS","KeyId":"k"}"""],
        ["StopStreamEncryption"] = ["""{"StreamName":"no-such-stream","EncryptionType":"KMS","KeyId":"k"}"""],
        ["UpdateMaxRecordSize"] = [$$$"""{"StreamARN":"{{{MissingArn}}}","MaxRecordSizeInKiB":1024}"""],
        ["EnableEnhancedMonitoring"] = ["""{"StreamName":"no-such-stream","ShardLevelMetrics":["ALL"]}"""],
        ["DisableEnhancedMonitoring"] = ["""{"StreamName":"no-such-stream","ShardLevelMetrics":["ALL"]}"""],
        ["SubscribeToShard"] = ["""{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/existing/consumer/c:1","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}"""],
    };

    [Fact]
    public async Task The_committed_error_table_is_what_the_handlers_answer()
    {
        _broker = await Broker.Broker.OpenAsync(new Broker.BrokerOptions { DataDirectory = _dataDirectory });
        var streams = KinesisStreams.Open(_broker, new KinesisOptions());
        streams.Create(Existing, 2, StreamModes.Provisioned, null, null);
        var service = KinesisApi.CreateService(streams);

        var text = new StringBuilder();
        text.Append("# Kinesis errors per operation\n\n")
            .Append("GENERATED by `tests/Tributary.Kinesis.Tests/ErrorTableTests.cs` from the handlers: do not edit. Rewrite with\n")
            .Append("`TRIBUTARY_WRITE_DOCS=1 dotnet test tests/Tributary.Kinesis.Tests --filter ErrorTableTests`.\n\n")
            .Append("Errors answered before any operation runs (method, content type, body, target, signature) are the same for\n")
            .Append("every operation: see \"Malformed requests\" in `docs/kinesis.md`. Per operation below: the members its handler\n")
            .Append("validates, in the model's order (the order violations are listed in), each with AWS's constraint texts; then\n")
            .Append("what it answers to probe requests (stream `existing` has two shards, `no-such-stream` does not exist). A\n")
            .Append("ValidationException joins several violations as \"N validation errors detected: …; …\". Wrong JSON types are\n")
            .Append("SerializationException with `Message` (see `docs/kinesis.md`).\n");
        foreach (var name in service.OperationNames.Order(StringComparer.Ordinal))
        {
            Assert.True(service.TryGetOperation(name, out var operation));
            var constraints = new List<(string Path, string Constraint)>();
            var answers = new List<(string Request, string Answer)>();
            foreach (var probe in (string[])["{}", .. Probes.GetValueOrDefault(name, [])])
            {
                using (AwsValidation.Recording(constraints))
                {
                    answers.Add((probe, await RunAsync(operation, probe)));
                }
            }
            RenderOperation(text, operation, constraints, answers);
        }

        var path = Path.Combine(InteropPaths.RepositoryRoot, "docs", "aws-errors-kinesis.md");
        var rendered = text.ToString();
        if (Environment.GetEnvironmentVariable("TRIBUTARY_WRITE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, rendered);
        }
        Assert.True(File.Exists(path), $"{path} is missing: run with TRIBUTARY_WRITE_DOCS=1 to write it");
        Assert.True(rendered == await File.ReadAllTextAsync(path), $"{path} differs from what the handlers answer: run with TRIBUTARY_WRITE_DOCS=1 and review the diff");
    }

    /// <summary>Runs the operation in-process; the answer as "200", "200 (empty body)" or "TYPE (status): message".</summary>
    private static async Task<string> RunAsync(IAwsOperation operation, string body)
    {
        using var document = JsonDocument.Parse(body);
        var request = new AwsRequest { Operation = operation.Name, Format = AwsBodyFormat.Json, Body = document.RootElement, Http = new DefaultHttpContext() };
        try
        {
            if (operation is IAwsStreamingOperation streaming)
            {
                await streaming.StreamAsync(request, request.Http.Response);
            }
            else
            {
                var output = new ArrayBufferWriter<byte>();
                var writer = AwsResponseWriter.Create(AwsBodyFormat.Json, output);
                writer.WriteStartObject();
                await operation.ExecuteAsync(request, writer);
            }
            return operation.HasOutput ? "200" : "200 (empty body)";
        }
        catch (AwsErrorException e)
        {
            return $"{e.ErrorType} ({e.StatusCode}): {e.AwsMessage}";
        }
    }

    private static void RenderOperation(StringBuilder text, IAwsOperation operation, List<(string Path, string Constraint)> constraints, List<(string Request, string Answer)> answers)
    {
        text.Append("\n## ").Append(operation.Name).Append("\n\n");
        if (constraints.Count > 0)
        {
            // Paths in the model's member order (unknown ones last), each path's constraints in first-checked order.
            var order = operation.InputMembers;
            int Rank(string path)
            {
                var dot = path.IndexOf('.');
                var index = order.ToList().IndexOf(dot < 0 ? path : path[..dot]);
                return index < 0 ? order.Count : index;
            }
            text.Append("| Member | Constraints (ValidationException) |\n|---|---|\n");
            foreach (var group in constraints.Select(c => c.Path).Distinct().Select((p, i) => (Path: p, First: i)).OrderBy(p => Rank(p.Path)).ThenBy(p => p.First))
            {
                var texts = constraints.Where(c => c.Path == group.Path).Select(c => c.Constraint).Distinct();
                text.Append("| `").Append(group.Path).Append("` | ").Append(Cell(string.Join("; ", texts))).Append(" |\n");
            }
            text.Append('\n');
        }
        text.Append("| Request | Answer |\n|---|---|\n");
        foreach (var (request, answer) in answers)
        {
            text.Append("| `").Append(Cell(request)).Append("` | ").Append(Cell(answer)).Append(" |\n");
        }
    }

    /// <summary>Markdown table cells: pipes escaped, one line.</summary>
    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
