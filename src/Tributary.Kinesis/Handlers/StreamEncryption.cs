using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// StartStreamEncryption and StopStreamEncryption (one operation, two names): EncryptionType* (KMS), KeyId*
/// (1–2048). Recorded and reported (DescribeStream, records' EncryptionType); Tributary does not encrypt data at
/// rest itself.
/// </summary>
public sealed class StreamEncryption(KinesisStreams streams, bool start) : KinesisOperation(streams)
{
    public override string Name => start ? "StartStreamEncryption" : "StopStreamEncryption";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "encryptionType", "keyId", "streamARN"];

    /// <summary>No output shape in the model: an empty body.</summary>
    public override bool HasOutput => false;

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var type = body.GetString("EncryptionType");
        var keyId = body.GetString("KeyId");
        validation.Required(type, "encryptionType").Enum(type, ["NONE", "KMS"], "encryptionType");
        validation.Required(keyId, "keyId").Length(keyId, 1, 2048, "keyId");
        var stream = ResolveStream(body, validation);
        if (type != "KMS")
        {
            throw AwsErrorException.InvalidArgument("EncryptionType must be KMS.");
        }
        lock (stream.Lock)
        {
            Streams.EnsureActive(stream);
            stream.EncryptionType = start ? "KMS" : "NONE";
            stream.KeyId = start ? keyId : null;
            Streams.Persist();
        }
        return ValueTask.CompletedTask;
    }
}
