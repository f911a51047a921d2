using System.Globalization;
using System.Text.Json;
using Tributary.Foundation.Buffers;
using Tributary.Foundation.IO;

namespace Tributary.Kinesis;

/// <summary>
/// Persists every stream's control-plane state in <c>&lt;data dir&gt;/__cluster/kinesis-streams.json</c>, replaced
/// atomically (<see cref="DurableFile"/>) after each change. Format version 1, documented in docs/formats/kinesis.md
/// and frozen by <c>FormatTests.Stream_metadata_format_version_1_is_frozen</c>; a reader refuses versions it does not know rather than guess.
/// Record data is not here: it lives in the shards' logs.
/// </summary>
public static class StreamMetadataFile
{
    public const string FileName = "kinesis-streams.json";
    public const int FormatVersion = 1;

    public static byte[] Serialize(IEnumerable<StreamState> streams)
    {
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("streams");
            foreach (var stream in streams.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                WriteStream(writer, stream);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteStream(Utf8JsonWriter writer, StreamState stream)
    {
        writer.WriteStartObject();
        writer.WriteString("name", stream.Name);
        writer.WriteString("arn", stream.Arn);
        writer.WriteString("topic", stream.Topic);
        writer.WriteNumber("createdMs", stream.CreatedMs);
        writer.WriteString("status", stream.Status);
        writer.WriteString("mode", stream.Mode);
        writer.WriteNumber("retentionHours", stream.RetentionHours);
        writer.WriteString("encryptionType", stream.EncryptionType);
        if (stream.KeyId is not null)
        {
            writer.WriteString("keyId", stream.KeyId);
        }
        writer.WriteNumber("maxRecordSizeKiB", stream.MaxRecordSizeKiB);
        writer.WriteStartArray("shardLevelMetrics");
        foreach (var metric in stream.ShardLevelMetrics)
        {
            writer.WriteStringValue(metric);
        }
        writer.WriteEndArray();
        writer.WriteStartObject("tags");
        foreach (var (key, value) in stream.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }
        writer.WriteEndObject();
        writer.WriteStartArray("consumers");
        foreach (var consumer in stream.Consumers)
        {
            writer.WriteStartObject();
            writer.WriteString("name", consumer.Name);
            writer.WriteNumber("createdMs", consumer.CreatedMs);
            writer.WriteString("arn", consumer.Arn);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("shards");
        foreach (var shard in stream.Shards)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", shard.Index);
            if (shard.ParentShardId is not null)
            {
                writer.WriteString("parent", shard.ParentShardId);
            }
            if (shard.AdjacentParentShardId is not null)
            {
                writer.WriteString("adjacentParent", shard.AdjacentParentShardId);
            }
            writer.WriteString("hashStart", HashKey.Format(shard.HashStart));
            writer.WriteString("hashEnd", HashKey.Format(shard.HashEnd));
            writer.WriteNumber("createdMs", shard.CreatedMs);
            if (shard.ClosedMs is { } closed)
            {
                writer.WriteNumber("closedMs", closed);
                writer.WriteNumber("endOffset", shard.EndOffset);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        WriteNumbers(writer, "scalingEventsMs", stream.ScalingEventsMs);
        WriteNumbers(writer, "modeChangesMs", stream.ModeChangesMs);
        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, List<long> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>Parses the file; throws <see cref="InvalidDataException"/> for an unknown version or a malformed file.</summary>
    public static List<StreamState> Deserialize(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            var version = root.GetProperty("version").GetInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"{FileName} has format version {version}; this Tributary reads version {FormatVersion} only.");
            }
            var streams = new List<StreamState>();
            foreach (var element in root.GetProperty("streams").EnumerateArray())
            {
                streams.Add(ReadStream(element));
            }
            return streams;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{FileName} is malformed: {e.Message}", e);
        }
    }

    private static StreamState ReadStream(JsonElement element)
    {
        var stream = new StreamState(element.GetProperty("name").GetString()!, element.GetProperty("arn").GetString()!, element.GetProperty("topic").GetString()!, element.GetProperty("createdMs").GetInt64())
        {
            Status = element.GetProperty("status").GetString()!,
            Mode = element.GetProperty("mode").GetString()!,
            RetentionHours = element.GetProperty("retentionHours").GetInt32(),
            EncryptionType = element.GetProperty("encryptionType").GetString()!,
            KeyId = element.TryGetProperty("keyId", out var keyId) ? keyId.GetString() : null,
            MaxRecordSizeKiB = element.GetProperty("maxRecordSizeKiB").GetInt32(),
        };
        foreach (var metric in element.GetProperty("shardLevelMetrics").EnumerateArray())
        {
            stream.ShardLevelMetrics.Add(metric.GetString()!);
        }
        foreach (var tag in element.GetProperty("tags").EnumerateObject())
        {
            stream.Tags[tag.Name] = tag.Value.GetString()!;
        }
        foreach (var consumer in element.GetProperty("consumers").EnumerateArray())
        {
            stream.Consumers.Add(new ConsumerState(consumer.GetProperty("name").GetString()!, consumer.GetProperty("createdMs").GetInt64(), consumer.GetProperty("arn").GetString()!));
        }
        foreach (var shardElement in element.GetProperty("shards").EnumerateArray())
        {
            var shard = new ShardState(
                shardElement.GetProperty("index").GetInt32(),
                shardElement.TryGetProperty("parent", out var parent) ? parent.GetString() : null,
                shardElement.TryGetProperty("adjacentParent", out var adjacent) ? adjacent.GetString() : null,
                UInt128.Parse(shardElement.GetProperty("hashStart").GetString()!, CultureInfo.InvariantCulture),
                UInt128.Parse(shardElement.GetProperty("hashEnd").GetString()!, CultureInfo.InvariantCulture),
                shardElement.GetProperty("createdMs").GetInt64());
            if (shardElement.TryGetProperty("closedMs", out var closed))
            {
                shard.ClosedMs = closed.GetInt64();
                shard.EndOffset = shardElement.GetProperty("endOffset").GetInt64();
            }
            if (shard.Index != stream.Shards.Count)
            {
                throw new InvalidDataException($"{FileName}: stream {stream.Name} lists shard {shard.Index} at position {stream.Shards.Count}.");
            }
            stream.Shards.Add(shard);
        }
        stream.ScalingEventsMs.AddRange(element.GetProperty("scalingEventsMs").EnumerateArray().Select(e => e.GetInt64()));
        stream.ModeChangesMs.AddRange(element.GetProperty("modeChangesMs").EnumerateArray().Select(e => e.GetInt64()));
        stream.RefreshOpenShards();
        return stream;
    }
}
