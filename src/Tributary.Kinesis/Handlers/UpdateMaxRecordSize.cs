using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>UpdateMaxRecordSize: StreamARN*, MaxRecordSizeInKiB* (1024–10240): the largest record PutRecord(s) accept.</summary>
public sealed class UpdateMaxRecordSize(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "UpdateMaxRecordSize";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamARN", "maxRecordSizeInKiB"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var size = body.GetInt32("MaxRecordSizeInKiB");
        validation.Required(body.GetString("StreamARN"), "streamARN");
        validation.Required(size, "maxRecordSizeInKiB").Range(size, 1024, 10240, "maxRecordSizeInKiB");
        var stream = ResolveStream(body, validation);
        lock (stream.Lock)
        {
            Streams.EnsureActive(stream);
            stream.MaxRecordSizeKiB = (int)size!.Value;
            Streams.Persist();
        }
        return ValueTask.CompletedTask;
    }
}
