using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// CreateDeliveryStream: the request is parsed and validated by <see cref="FirehoseDefinitions.ParseCreate"/> (shared
/// with the configuration file), then created by the registry (ResourceInUseException, LimitExceededException,
/// InvalidArgumentException for an unusable source or bucket). Answers DeliveryStreamARN.
/// </summary>
public sealed class CreateDeliveryStream(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "CreateDeliveryStream";

    public override IReadOnlyList<string> InputMembers => FirehoseDefinitions.CreateMembers;

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var definition = FirehoseDefinitions.ParseCreate(request.Body);
        var created = await Streams.CreateAsync(definition, request.Aborted).ConfigureAwait(false);
        response.WriteString("DeliveryStreamARN", Options.StreamArn(created.Name));
    }
}
