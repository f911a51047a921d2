using System.Globalization;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Handlers;

/// <summary>
/// PutRecordBatch: DeliveryStreamName*, Records* (1–500, each Data* ≤ 1,024,000 bytes, at most 4 MiB in all) →
/// FailedPutCount, Encrypted false and RequestResponses in request order: a RecordId per record taken, or its
/// ErrorCode and ErrorMessage.
/// </summary>
public sealed class PutRecordBatch(IDeliveryStreams streams, FirehoseOptions options) : FirehoseOperation(streams, options)
{
    public const int MaxRecords = 500;
    public const long MaxRequestBytes = 4L * 1024 * 1024;

    public override string Name => "PutRecordBatch";

    public override IReadOnlyList<string> InputMembers { get; } = ["deliveryStreamName", "records"];

    protected override async ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var name = ReadStreamName(body, validation);
        var list = body.GetElement("Records", JsonValueKind.Array);
        validation.Required(list, "records");
        var count = list?.GetArrayLength() ?? 0;
        if (list is not null)
        {
            // AWS shows the list itself: "[]" when empty; a long list is summarised as "[N records]" (as for Kinesis's PutRecords).
            validation.Count(count, 1, MaxRecords, "records", count == 0 ? "[]" : "[" + count.ToString(CultureInfo.InvariantCulture) + " records]");
        }
        ReadOnlyMemory<byte>[] records = [];
        if (list is { } array && count <= MaxRecords)
        {
            var elements = new JsonElement[count];
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                elements[index++] = item.ValueKind == JsonValueKind.Object ? item : throw AwsRequestReader.WrongType("Records", "a list of structures", item);
            }
            records = RecordReader.Read(elements, null, validation);
        }
        validation.ThrowIfAny();
        long total = 0;
        foreach (var record in records)
        {
            total += record.Length;
        }
        if (total > MaxRequestBytes)
        {
            // AWS documents the limit, not its message: this is the form Kinesis gives for PutRecords (10 MB).
            throw AwsErrorException.InvalidArgument($"Records size exceeds {MaxRequestBytes / (1024 * 1024)} MB limit");
        }
        var results = await Streams.PutAsync(name!, records, request.Aborted).ConfigureAwait(false);
        var failed = 0;
        foreach (var result in results)
        {
            if (result.ErrorCode is not null)
            {
                failed++;
            }
        }
        response.WriteNumber("FailedPutCount", failed);
        response.WriteBoolean("Encrypted", false);
        response.WriteStartArray("RequestResponses");
        foreach (var result in results)
        {
            response.WriteStartObject();
            if (result.ErrorCode is { } code)
            {
                response.WriteString("ErrorCode", code);
                response.WriteString("ErrorMessage", result.ErrorMessage ?? code);
            }
            else
            {
                response.WriteString("RecordId", result.RecordId!);
            }
            response.WriteEndObject();
        }
        response.WriteEndArray();
    }
}
