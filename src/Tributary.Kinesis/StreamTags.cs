using Tributary.Aws;

namespace Tributary.Kinesis;

/// <summary>Tag changes shared by the stream-name and resource-ARN tagging operations. A stream holds at most 50 tags.</summary>
internal static class StreamTags
{
    public const int MaxTagsPerStream = 50;

    public static void Add(KinesisStreams streams, StreamState stream, IReadOnlyDictionary<string, string> tags)
    {
        lock (stream.Lock)
        {
            var total = stream.Tags.Keys.Union(tags.Keys).Count();
            if (total > MaxTagsPerStream)
            {
                throw AwsErrorException.LimitExceeded($"Failed to add tags to stream {stream.Name} under account {streams.Options.AccountId} because a given stream cannot have more than {MaxTagsPerStream} tags.");
            }
            foreach (var (key, value) in tags)
            {
                stream.Tags[key] = value;
            }
            streams.Persist();
        }
    }

    public static void Remove(KinesisStreams streams, StreamState stream, IEnumerable<string> keys)
    {
        lock (stream.Lock)
        {
            foreach (var key in keys)
            {
                stream.Tags.Remove(key);
            }
            streams.Persist();
        }
    }

    public static void WriteList(AwsResponseWriter response, IEnumerable<KeyValuePair<string, string>> tags)
    {
        response.WriteStartArray("Tags");
        foreach (var (key, value) in tags)
        {
            response.WriteStartObject();
            response.WriteString("Key", key);
            response.WriteString("Value", value);
            response.WriteEndObject();
        }
        response.WriteEndArray();
    }

    /// <summary>The stream a ResourceARN names (a stream ARN, or a consumer ARN whose stream is taken).</summary>
    public static StreamState ResolveResource(KinesisStreams streams, string arn)
    {
        var name = KinesisStreams.ParseStreamArn(arn) ?? throw AwsErrorException.InvalidArgument($"ResourceARN {arn} is not a Kinesis stream ARN.");
        return streams.Resolve(name, null);
    }
}
