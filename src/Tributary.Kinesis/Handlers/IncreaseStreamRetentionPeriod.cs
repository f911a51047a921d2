using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// IncreaseStreamRetentionPeriod: RetentionPeriodHours* (24–8760), which must not be shorter than the current one.
/// The new retention is applied to the shards' logs at once; readers stop seeing older records immediately.
/// </summary>
public sealed class IncreaseStreamRetentionPeriod(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "IncreaseStreamRetentionPeriod";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = new AwsValidation();
        var hours = body.GetInt64("RetentionPeriodHours");
        validation.Required(hours, "retentionPeriodHours").Range(hours, 1, 8760, "retentionPeriodHours");
        var stream = ResolveStream(body, validation);
        RetentionChange.Apply(Streams, stream, (int)hours!.Value, increase: true);
        return ValueTask.CompletedTask;
    }
}
