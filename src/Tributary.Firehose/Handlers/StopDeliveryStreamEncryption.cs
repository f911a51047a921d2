using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>StopDeliveryStreamEncryption: DeliveryStreamName*; described as DISABLED afterwards.</summary>
public sealed class StopDeliveryStreamEncryption(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "StopDeliveryStreamEncryption";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var name = ReadStreamName(request.Body, validation);
        validation.ThrowIfAny();
        await Streams.SetEncryptionAsync(name!, false, request.Aborted).ConfigureAwait(false);
    }
}
