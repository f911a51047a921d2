using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// PutRecord: DeliveryStreamName*, Record*{Data* ≤ 1,024,000 bytes} → RecordId once the record is durable in the
/// stream, and Encrypted false (Tributary does not encrypt). A record the registry could not take is answered with
/// its error (ServiceUnavailableException, 503). InvalidArgumentException for a stream that is not DirectPut.
/// </summary>
public sealed class PutRecord(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public override string Name => "PutRecord";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "record"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var name = ReadStreamName(body, validation);
        var record = body.GetElement("Record", JsonValueKind.Object);
        validation.Required(record, "record");
        var records = record is { } one ? RecordReader.Read([one], "record", validation) : [];
        validation.ThrowIfAny();
        var results = await Streams.PutAsync(name!, records, request.Aborted).ConfigureAwait(false);
        var result = results[0];
        if (result.ErrorCode is { } code)
        {
            throw new AwsErrorException(code, result.ErrorMessage ?? code, FirehoseErrors.StatusOf(code));
        }
        response.WriteString("RecordId", result.RecordId!);
        response.WriteBoolean("Encrypted", false);
    }
}
