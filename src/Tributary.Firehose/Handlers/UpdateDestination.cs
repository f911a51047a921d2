using System.Globalization;
using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// UpdateDestination: DeliveryStreamName*, CurrentDeliveryStreamVersionId* (digits), DestinationId*, and one of
/// ExtendedS3DestinationUpdate / S3DestinationUpdate merged onto the current destination (only the members given
/// change; see <see cref="FirehoseDefinitions.ParseUpdate"/>). ConcurrentModificationException when the version is
/// not the stream's; InvalidArgumentException for another destination type or a rule the merged destination breaks.
/// </summary>
public sealed class UpdateDestination(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "UpdateDestination";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "currentDeliveryStreamVersionId", "destinationId", "s3DestinationUpdate", "extendedS3DestinationUpdate", "redshiftDestinationUpdate", "elasticsearchDestinationUpdate", "amazonopensearchserviceDestinationUpdate", "splunkDestinationUpdate", "httpEndpointDestinationUpdate", "amazonOpenSearchServerlessDestinationUpdate", "snowflakeDestinationUpdate", "icebergDestinationUpdate"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var invalid = new List<string>();
        var name = ReadStreamName(body, validation);
        var version = body.GetString("CurrentDeliveryStreamVersionId");
        var destinationId = body.GetString("DestinationId");
        validation.Required(version, "currentDeliveryStreamVersionId").Length(version, 1, 50, "currentDeliveryStreamVersionId")
            .Pattern(version, FirehoseShapes.VersionId(), FirehoseShapes.VersionIdPattern, "currentDeliveryStreamVersionId");
        validation.Required(destinationId, "destinationId").Length(destinationId, 1, 100, "destinationId")
            .Pattern(destinationId, FirehoseShapes.DestinationId(), FirehoseShapes.DestinationIdPattern, "destinationId");
        var update = FirehoseDefinitions.ParseUpdate(body, validation, invalid);
        ThrowIfAny(validation, invalid);
        // A version too large for the registry's counter cannot be the current one.
        var currentVersion = int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        if (currentVersion < 0)
        {
            var stream = Describe(name!);
            throw new AwsErrorException("ConcurrentModificationException",
                $"Cannot update firehose: {name} since the current version id: {stream.Definition.VersionId} and the specified version id: {version} do not match");
        }
        await Streams.UpdateDestinationAsync(name!, currentVersion, destinationId!, update, request.Aborted).ConfigureAwait(false);
    }
}
