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

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = new AwsValidation();
        var name = body.GetString("StreamName");
        var shardCount = body.GetInt32("ShardCount");
        var mode = body.GetElement("StreamModeDetails", JsonValueKind.Object) is { } details ? details.GetString("StreamMode") : null;
        var maxRecordSize = body.GetInt32("MaxRecordSizeInKiB");
        validation.Required(name, "streamName");
        ValidateStreamName(validation, name, "streamName");
        validation.Range(shardCount, 1, 100_000, "shardCount");
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
