using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// EnableEnhancedMonitoring and DisableEnhancedMonitoring (one operation, two names): ShardLevelMetrics* (1–7 metric
/// names, or ALL). The metrics are recorded and reported (DescribeStream), not computed; the answer names the
/// metrics before and after the change.
/// </summary>
public sealed class EnhancedMonitoring(KinesisStreams streams, bool enable) : KinesisOperation(streams)
{
    private static readonly string[] Metrics = ["IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds", "ALL"];

    public override string Name => enable ? "EnableEnhancedMonitoring" : "DisableEnhancedMonitoring";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "shardLevelMetrics", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var metrics = ReadStringList(request.Body, "ShardLevelMetrics");
        validation.Required(metrics, "shardLevelMetrics").Count(metrics?.Count, 1, 7, "shardLevelMetrics", "[" + string.Join(", ", metrics ?? []) + "]");
        validation.MemberEnum(metrics, Metrics, "shardLevelMetrics");
        var stream = ResolveStream(request.Body, validation);
        var requested = metrics!.Contains("ALL") ? Metrics[..^1] : [.. metrics!];
        lock (stream.Lock)
        {
            var before = stream.ShardLevelMetrics.ToList();
            foreach (var metric in requested)
            {
                if (!enable)
                {
                    stream.ShardLevelMetrics.Remove(metric);
                }
                else if (!stream.ShardLevelMetrics.Contains(metric))
                {
                    stream.ShardLevelMetrics.Add(metric);
                }
            }
            Streams.Persist();
            // EnhancedMonitoringOutput's members in the model's order.
            response.WriteString("StreamName", stream.Name);
            WriteMetrics(response, "CurrentShardLevelMetrics", before);
            WriteMetrics(response, "DesiredShardLevelMetrics", stream.ShardLevelMetrics);
            response.WriteString("StreamARN", stream.Arn);
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
