using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// StartDeliveryStreamEncryption: DeliveryStreamName*, DeliveryStreamEncryptionConfigurationInput{KeyType*, KeyARN}.
/// Recorded and described as ENABLED; Tributary does not encrypt what it stores.
/// </summary>
public sealed class StartDeliveryStreamEncryption(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "StartDeliveryStreamEncryption";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "deliveryStreamEncryptionConfigurationInput"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var invalid = new List<string>();
        var name = ReadStreamName(request.Body, validation);
        ReadEncryptionInput(request.Body, validation, invalid);
        ThrowIfAny(validation, invalid);
        await Streams.SetEncryptionAsync(name!, true, request.Aborted).ConfigureAwait(false);
    }
}
