using Tributary.Aws;

namespace Tributary.Kinesis;

/// <summary>The rules shared by Increase- and DecreaseStreamRetentionPeriod, with AWS's messages.</summary>
internal static class RetentionChange
{
    public const int MinHours = 24;
    public const int MaxHours = 8760;

    public static void Apply(KinesisStreams streams, StreamState stream, int hours, bool increase)
    {
        if (hours < MinHours)
        {
            throw AwsErrorException.InvalidArgument($"Minimum allowed retention period is {MinHours} hours. Requested retention period ({hours} hours) is too short.");
        }
        if (hours > MaxHours)
        {
            throw AwsErrorException.InvalidArgument($"Maximum allowed retention period is {MaxHours} hours. Requested retention period ({hours} hours) is too long.");
        }
        lock (stream.Lock)
        {
            streams.EnsureActive(stream);
            if (increase && hours < stream.RetentionHours)
            {
                throw AwsErrorException.InvalidArgument($"Requested retention period ({hours} hours) for stream {stream.Name} can not be shorter than existing retention period ({stream.RetentionHours} hours). Use DecreaseRetentionPeriod API.");
            }
            if (!increase && hours > stream.RetentionHours)
            {
                throw AwsErrorException.InvalidArgument($"Requested retention period ({hours} hours) for stream {stream.Name} can not be longer than existing retention period ({stream.RetentionHours} hours). Use IncreaseRetentionPeriod API.");
            }
            stream.RetentionHours = hours;
            streams.Persist();
            streams.ApplyRetention(stream);
        }
    }
}
