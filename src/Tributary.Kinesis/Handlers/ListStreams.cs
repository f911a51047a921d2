using System.Text;
using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// ListStreams: Limit (1–10000, default 100), ExclusiveStartStreamName or NextToken; answers StreamNames,
/// StreamSummaries, HasMoreStreams and a NextToken when more remain. Names are listed in ordinal order.
/// </summary>
public sealed class ListStreams(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "ListStreams";

    public override IReadOnlyList<string> InputMembers { get; } = ["limit", "exclusiveStartStreamName", "nextToken"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var limit = body.GetInt32("Limit");
        var exclusiveStart = body.GetString("ExclusiveStartStreamName");
        var nextToken = body.GetString("NextToken");
        validation.Range(limit, 1, 10000, "limit");
        ValidateStreamName(validation, exclusiveStart, "exclusiveStartStreamName");
        validation.Length(nextToken, 1, 1048576, "nextToken");
        validation.ThrowIfAny();
        if (nextToken is not null)
        {
            try
            {
                exclusiveStart = Encoding.UTF8.GetString(Convert.FromBase64String(nextToken));
            }
            catch (FormatException)
            {
                throw AwsErrorException.InvalidArgument($"NextToken {nextToken} is not valid.");
            }
        }
        var all = Streams.ListStreams().Where(s => exclusiveStart is null || string.CompareOrdinal(s.Name, exclusiveStart) > 0).ToList();
        var page = all.Take((int)(limit ?? 100)).ToList();
        response.WriteStartArray("StreamNames");
        foreach (var stream in page)
        {
            response.WriteStringValue(stream.Name);
        }
        response.WriteEndArray();
        response.WriteBoolean("HasMoreStreams", all.Count > page.Count);
        if (all.Count > page.Count)
        {
            response.WriteString("NextToken", Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Name)));
        }
        response.WriteStartArray("StreamSummaries");
        foreach (var stream in page)
        {
            response.WriteStartObject();
            response.WriteString("StreamName", stream.Name);
            response.WriteString("StreamARN", stream.Arn);
            response.WriteString("StreamStatus", stream.Status);
            WriteStreamModeDetails(response, stream);
            response.WriteTimestamp("StreamCreationTimestamp", stream.CreatedMs);
            response.WriteEndObject();
        }
        response.WriteEndArray();
        return ValueTask.CompletedTask;
    }
}
