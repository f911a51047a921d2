using System.Text.Json;
using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>UpdateStreamMode: StreamARN*, StreamModeDetails{StreamMode*}. At most two switches per rolling 24 hours.</summary>
public sealed class UpdateStreamMode(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "UpdateStreamMode";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamARN", "streamModeDetails"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var details = body.GetElement("StreamModeDetails", JsonValueKind.Object);
        var mode = details?.GetString("StreamMode");
        validation.Required(body.GetString("StreamARN"), "streamARN");
        validation.Required(details, "streamModeDetails");
        if (details is not null)
        {
            validation.Required(mode, "streamModeDetails.streamMode");
        }
        validation.Enum(mode, StreamModes.All, "streamModeDetails.streamMode");
        var stream = ResolveStream(body, validation);
        Streams.UpdateMode(stream, mode!);
        return ValueTask.CompletedTask;
    }
}
