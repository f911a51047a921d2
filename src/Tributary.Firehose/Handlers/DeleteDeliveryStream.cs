using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// DeleteDeliveryStream: DeliveryStreamName*, AllowForceDelete (accepted: Tributary's deletion does not wait on
/// anything a force would skip). Undelivered direct puts are dropped, as Firehose does.
/// </summary>
public sealed class DeleteDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "DeleteDeliveryStream";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "allowForceDelete"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = NewValidation();
        var name = ReadStreamName(request.Body, validation);
        request.Body.GetBoolean("AllowForceDelete");
        validation.ThrowIfAny();
        await Streams.DeleteAsync(name!, request.Aborted).ConfigureAwait(false);
    }
}
