using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod (one operation, two names):
/// RetentionPeriodHours* (24–8760), which must not be shorter (increase) or longer (decrease) than the current one,
/// with AWS's messages. The new retention is applied to the shards' logs at once; readers stop seeing older records
/// immediately.
/// </summary>
public sealed class StreamRetentionPeriod(KinesisStreams streams, bool increase) : KinesisOperation(streams)
{
    public const int MinHours = 24;
    public const int MaxHours = 8760;

    public override string Name => increase ? "IncreaseStreamRetentionPeriod" : "DecreaseStreamRetentionPeriod";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "retentionPeriodHours", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var requested = body.GetInt32("RetentionPeriodHours");
        validation.Required(requested, "retentionPeriodHours").Range(requested, 1, MaxHours, "retentionPeriodHours");
        var stream = ResolveStream(body, validation);
        var hours = (int)requested!.Value;
        if (hours < MinHours)
        {
            throw AwsErrorException.InvalidArgument($"Minimum allowed retention period is {MinHours} hours. Requested retention period ({hours} hours) is too short.");
        }
        lock (stream.Lock)
        {
            Streams.EnsureActive(stream);
            if (increase && hours < stream.RetentionHours)
            {
                throw AwsErrorException.InvalidArgument($"Requested retention period ({hours} hours) for stream {stream.Name} can not be shorter than existing retention period ({stream.RetentionHours} hours). Use DecreaseRetentionPeriod API.");
            }
            if (!increase && hours > stream.RetentionHours)
            {
                throw AwsErrorException.InvalidArgument($"Requested retention period ({hours} hours) for stream {stream.Name} can not be longer than existing retention period ({stream.RetentionHours} hours). Use IncreaseRetentionPeriod API.");
            }
            stream.RetentionHours = hours;
            Streams.Persist();
            Streams.ApplyRetention(stream);
        }
        return ValueTask.CompletedTask;
    }
}
