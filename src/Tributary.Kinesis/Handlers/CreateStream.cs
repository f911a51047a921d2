using System.Text.Json;
using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// CreateStream: StreamName*, ShardCount (required for PROVISIONED, ≥ 1; ON_DEMAND starts with
/// <see cref="KinesisOptions.OnDemandInitialShards"/>), StreamModeDetails, Tags (≤ 200), MaxRecordSizeInKiB
/// (1024–10240). The stream is ACTIVE as soon as this returns (AWS passes through CREATING for seconds; clients
/// poll DescribeStream and see ACTIVE at once).
/// </summary>
public sealed class CreateStream(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "CreateStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "shardCount", "streamModeDetails", "tags", "warmThroughputMiBps", "maxRecordSizeInKiB"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var name = body.GetString("StreamName");
        var shardCount = body.GetInt32("ShardCount");
        var details = body.GetElement("StreamModeDetails", JsonValueKind.Object);
        var mode = details?.GetString("StreamMode");
        var maxRecordSize = body.GetInt32("MaxRecordSizeInKiB");
        validation.Required(name, "streamName");
        ValidateStreamName(validation, name, "streamName");
        validation.Range(shardCount, 1, 100_000, "shardCount");
        if (details is not null)
        {
            validation.Required(mode, "streamModeDetails.streamMode");
        }
        validation.Enum(mode, StreamModes.All, "streamModeDetails.streamMode");
        validation.Range(maxRecordSize, 1024, 10240, "maxRecordSizeInKiB");
        var tags = ReadTagMap(body, "Tags", validation, 200);
        validation.ThrowIfAny();
        mode ??= StreamModes.Provisioned;
        if (mode == StreamModes.Provisioned && shardCount is null)
        {
            throw AwsErrorException.InvalidArgument("ShardCount must be specified for a stream in PROVISIONED mode.");
        }
        var count = (int)(shardCount ?? Streams.Options.OnDemandInitialShards);
        Streams.Create(name!, count, mode, tags, (int?)maxRecordSize);
        return ValueTask.CompletedTask;
    }
}
