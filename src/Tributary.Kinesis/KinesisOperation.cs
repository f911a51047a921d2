using System.Text.Json;
using System.Text.RegularExpressions;
using Tributary.Aws;

namespace Tributary.Kinesis;

/// <summary>
/// Base of the operation handlers (one per file in Handlers/): access to the stream model and the request
/// shapes several operations share (stream name/ARN, Shard, tags), with AWS's validation rules and messages.
/// Handlers are stateless and thread-safe.
/// </summary>
public abstract partial class KinesisOperation(KinesisStreams streams) : IAwsOperation
{
    public const string StreamNamePattern = "[a-zA-Z0-9_.-]+";
    public const string StreamArnPattern = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";
    public const string ShardIdPattern = "[a-zA-Z0-9_.-]+";
    public const string HashKeyPattern = "0|([1-9]\\d{0,38})";

    [GeneratedRegex("^(?:" + StreamNamePattern + ")\\z")]
    public static partial Regex StreamNameRegex();

    [GeneratedRegex("^(?:" + StreamArnPattern + ")\\z")]
    public static partial Regex StreamArnRegex();

    [GeneratedRegex("^(?:" + HashKeyPattern + ")\\z")]
    public static partial Regex HashKeyRegex();

    public const string ResourceArnPattern = "arn:aws.*:kinesis:.*:\\d{12}:.+";
    public const string ConsumerArnPattern = "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";

    [GeneratedRegex("^(?:" + ResourceArnPattern + ")\\z")]
    public static partial Regex ResourceArnRegex();

    [GeneratedRegex("^(?:" + ConsumerArnPattern + ")\\z")]
    public static partial Regex ConsumerArnRegex();

    protected KinesisStreams Streams { get; } = streams;

    public abstract string Name { get; }

    /// <summary>False for the operations the model gives no output shape: AWS answers them with an empty body.</summary>
    public virtual bool HasOutput => true;

    /// <summary>The input shape's members in the service model's order (lower-camel): the order AWS reports violations in.</summary>
    public virtual IReadOnlyList<string> InputMembers { get; } = [];

    /// <summary>A validation reporting in <see cref="InputMembers"/> order.</summary>
    protected AwsValidation NewValidation() => new(InputMembers);

    public abstract ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response);

    /// <summary>Validates StreamName/StreamARN (adding to <paramref name="validation"/>), throws on errors, then resolves the stream.</summary>
    protected StreamState ResolveStream(JsonElement body, AwsValidation? validation = null)
    {
        validation ??= NewValidation();
        var name = body.GetString("StreamName");
        var arn = body.GetString("StreamARN");
        ValidateStreamName(validation, name, "streamName");
        ValidateStreamArn(validation, arn, "streamARN");
        validation.ThrowIfAny();
        return Streams.Resolve(name, arn);
    }

    protected static void ValidateStreamName(AwsValidation validation, string? name, string path) =>
        validation.Length(name, 1, 128, path).Pattern(name, StreamNameRegex(), StreamNamePattern, path);

    protected static void ValidateStreamArn(AwsValidation validation, string? arn, string path) =>
        validation.Length(arn, 1, 2048, path).Pattern(arn, StreamArnRegex(), StreamArnPattern, path);

    protected static void ValidateConsumerArn(AwsValidation validation, string? arn, string path) =>
        validation.Length(arn, 1, 2048, path).Pattern(arn, ConsumerArnRegex(), ConsumerArnPattern, path);

    /// <summary>ResourceARN (TagResource, UntagResource, ListTagsForResource): required, 1–2048, a Kinesis ARN.</summary>
    protected static void ValidateResourceArn(AwsValidation validation, string? arn) =>
        validation.Required(arn, "resourceARN").Length(arn, 1, 2048, "resourceARN").Pattern(arn, ResourceArnRegex(), ResourceArnPattern, "resourceARN");

    /// <summary>The members naming a consumer (StreamARN, ConsumerName, ConsumerARN; all optional in the model), validated then thrown.</summary>
    protected void ValidateConsumerMembers(JsonElement body)
    {
        var validation = NewValidation();
        ValidateStreamArn(validation, body.GetString("StreamARN"), "streamARN");
        ValidateStreamName(validation, body.GetString("ConsumerName"), "consumerName");
        ValidateConsumerArn(validation, body.GetString("ConsumerARN"), "consumerARN");
        validation.ThrowIfAny();
    }

    protected static void ValidateShardId(AwsValidation validation, string? shardId, string path, bool required)
    {
        if (required)
        {
            validation.Required(shardId, path);
        }
        validation.Length(shardId, 1, 128, path).Pattern(shardId, StreamNameRegex(), ShardIdPattern, path);
    }

    /// <summary>A shard as AWS describes it (DescribeStream, ListShards).</summary>
    protected static void WriteShard(AwsResponseWriter writer, StreamState stream, ShardState shard)
    {
        writer.WriteStartObject();
        writer.WriteString("ShardId", shard.Id);
        if (shard.ParentShardId is not null)
        {
            writer.WriteString("ParentShardId", shard.ParentShardId);
        }
        if (shard.AdjacentParentShardId is not null)
        {
            writer.WriteString("AdjacentParentShardId", shard.AdjacentParentShardId);
        }
        writer.WriteStartObject("HashKeyRange");
        writer.WriteString("StartingHashKey", HashKey.Format(shard.HashStart));
        writer.WriteString("EndingHashKey", HashKey.Format(shard.HashEnd));
        writer.WriteEndObject();
        writer.WriteStartObject("SequenceNumberRange");
        writer.WriteString("StartingSequenceNumber", KinesisStreams.StartingSequence(stream, shard));
        if (!shard.IsOpen)
        {
            writer.WriteString("EndingSequenceNumber", KinesisStreams.EndingSequence(stream, shard));
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    protected static void WriteStreamModeDetails(AwsResponseWriter writer, StreamState stream)
    {
        writer.WriteStartObject("StreamModeDetails");
        writer.WriteString("StreamMode", stream.Mode);
        writer.WriteEndObject();
    }

    protected static void WriteEnhancedMonitoring(AwsResponseWriter writer, StreamState stream)
    {
        writer.WriteStartArray("EnhancedMonitoring");
        writer.WriteStartObject();
        writer.WriteStartArray("ShardLevelMetrics");
        foreach (var metric in stream.ShardLevelMetrics)
        {
            writer.WriteStringValue(metric);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    /// <summary>Reads a Tags map (string → string), validating AWS's key/value lengths; null when absent.</summary>
    protected static Dictionary<string, string>? ReadTagMap(JsonElement body, string member, AwsValidation validation, int maxCount)
    {
        if (body.GetElement(member, JsonValueKind.Object, map: true) is not { } tags)
        {
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags.EnumerateObject())
        {
            if (tag.Value.ValueKind != JsonValueKind.String)
            {
                throw AwsRequestReader.WrongType(member + "." + tag.Name, "a string", tag.Value);
            }
            result[tag.Name] = tag.Value.GetString()!;
        }
        var path = char.ToLowerInvariant(member[0]) + member[1..];
        validation.Count(result.Count, 1, maxCount, path, "{" + string.Join(", ", result.Select(t => t.Key + "=" + t.Value)) + "}");
        foreach (var (key, value) in result)
        {
            validation.Length(key, 1, 128, path + ".key");
            validation.Length(value, 0, 256, path + ".value");
        }
        return result;
    }

    protected static List<string>? ReadStringList(JsonElement body, string member)
    {
        if (body.GetElement(member, JsonValueKind.Array) is not { } list)
        {
            return null;
        }
        var result = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsRequestReader.WrongType(member, "a list of strings", item));
        }
        return result;
    }
}
