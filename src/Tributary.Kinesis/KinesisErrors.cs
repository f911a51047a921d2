using Tributary.Aws;

namespace Tributary.Kinesis;

/// <summary>Kinesis's modelled errors with AWS's wording, so clients' parsers and users' searches match.</summary>
internal static class KinesisErrors
{
    public static AwsErrorException StreamNotFound(string stream, string account) =>
        AwsErrorException.ResourceNotFound($"Stream {stream} under account {account} not found.");

    public static AwsErrorException ShardNotFound(string shardId, string stream, string account) =>
        AwsErrorException.ResourceNotFound($"Shard {shardId} in stream {stream} under account {account} does not exist");

    public static AwsErrorException StreamInUse(string stream, string account, string status) =>
        AwsErrorException.ResourceInUse($"Stream {stream} under account {account} not ACTIVE, instead in state {status}");

    public static AwsErrorException ExpiredIterator(string message) => new("ExpiredIteratorException", message);

    public static AwsErrorException Throughput(string message) => new("ProvisionedThroughputExceededException", message);
}
