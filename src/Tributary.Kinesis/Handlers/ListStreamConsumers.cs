using System.Globalization;
using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>ListStreamConsumers: StreamARN*, MaxResults (1–10000, default 100), NextToken → Consumers, NextToken.</summary>
public sealed class ListStreamConsumers(KinesisStreams streams) : KinesisOperation(streams)
{
    public override string Name => "ListStreamConsumers";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamARN", "nextToken", "maxResults", "streamCreationTimestamp"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var streamArn = body.GetString("StreamARN");
        var maxResults = body.GetInt32("MaxResults");
        var nextToken = body.GetString("NextToken");
        validation.Required(streamArn, "streamARN");
        ValidateStreamArn(validation, streamArn, "streamARN");
        validation.Length(nextToken, 1, 1048576, "nextToken");
        validation.Range(maxResults, 1, 10000, "maxResults");
        validation.ThrowIfAny();
        var stream = Streams.Resolve(null, streamArn);
        var skip = 0;
        if (nextToken is not null && !int.TryParse(nextToken, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            throw AwsErrorException.InvalidArgument($"NextToken {nextToken} is not valid.");
        }
        lock (stream.Lock)
        {
            var page = stream.Consumers.Skip(skip).Take((int)(maxResults ?? 100)).ToList();
            response.WriteStartArray("Consumers");
            foreach (var consumer in page)
            {
                response.WriteStartObject();
                response.WriteString("ConsumerName", consumer.Name);
                response.WriteString("ConsumerARN", consumer.Arn);
                response.WriteString("ConsumerStatus", "ACTIVE");
                response.WriteTimestamp("ConsumerCreationTimestamp", consumer.CreatedMs);
                response.WriteEndObject();
            }
            response.WriteEndArray();
            if (skip + page.Count < stream.Consumers.Count)
            {
                response.WriteString("NextToken", (skip + page.Count).ToString(CultureInfo.InvariantCulture));
            }
        }
        return ValueTask.CompletedTask;
    }
}
