using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>DisableEnhancedMonitoring: ShardLevelMetrics* (names or ALL). Recorded and reported; answers the metrics before and after.</summary>
public sealed class DisableEnhancedMonitoring(KinesisStreams streams) : KinesisOperation(streams)
{
    private static readonly string[] Metrics = ["IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds", "ALL"];

    public override string Name => "DisableEnhancedMonitoring";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = new AwsValidation();
        var metrics = ReadStringList(request.Body, "ShardLevelMetrics");
        validation.Required(metrics, "shardLevelMetrics").Count(metrics?.Count, 1, 7, "shardLevelMetrics", "[" + string.Join(", ", metrics ?? []) + "]");
        foreach (var metric in metrics ?? [])
        {
            validation.Enum(metric, Metrics, "shardLevelMetrics.member");
        }
        var stream = ResolveStream(request.Body, validation);
        var requested = metrics!.Contains("ALL") ? Metrics[..^1] : [.. metrics!];
        lock (stream.Lock)
        {
            var before = stream.ShardLevelMetrics.ToList();
            foreach (var metric in requested)
            {
                stream.ShardLevelMetrics.Remove(metric);
            }
            Streams.Persist();
            response.WriteString("StreamName", stream.Name);
            response.WriteString("StreamARN", stream.Arn);
            WriteMetrics(response, "CurrentShardLevelMetrics", before);
            WriteMetrics(response, "DesiredShardLevelMetrics", stream.ShardLevelMetrics);
        }
        return ValueTask.CompletedTask;
    }

    private static void WriteMetrics(AwsResponseWriter response, string name, IEnumerable<string> metrics)
    {
        response.WriteStartArray(name);
        foreach (var metric in metrics)
        {
            response.WriteStringValue(metric);
        }
        response.WriteEndArray();
    }
}
