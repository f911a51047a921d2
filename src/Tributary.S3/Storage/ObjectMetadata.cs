using System.Text.Json;

namespace Tributary.S3.Storage;

/// <summary>
/// What S3 keeps beside an object's bytes: its ETag (quoted), Content-Type and <c>x-amz-meta-*</c> user metadata. Kept
/// in a sidecar file (<see cref="MetadataSidecars"/>) stamped with the object file's length and modification time, so a
/// sidecar that no longer describes the file (the object was replaced by a delivery stream or by hand) is ignored.
/// </summary>
public sealed record ObjectMetadata(string ETag, string ContentType, IReadOnlyDictionary<string, string> UserMetadata, long Length, long ModifiedTicks)
{
    /// <summary>S3's Content-Type for an object stored without one.</summary>
    public const string DefaultContentType = "binary/octet-stream";

    public static readonly IReadOnlyDictionary<string, string> NoUserMetadata = new Dictionary<string, string>();

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteString("etag", ETag);
            writer.WriteString("contentType", ContentType);
            writer.WriteNumber("length", Length);
            writer.WriteNumber("modifiedTicks", ModifiedTicks);
            writer.WriteStartObject("userMetadata");
            foreach (var (name, value) in UserMetadata)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The sidecar's metadata, or null when it is not one this version wrote.</summary>
    public static ObjectMetadata? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != 1)
            {
                return null;
            }
            var user = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.GetProperty("userMetadata").EnumerateObject())
            {
                user[property.Name] = property.Value.GetString() ?? "";
            }
            return new ObjectMetadata(root.GetProperty("etag").GetString()!, root.GetProperty("contentType").GetString()!, user,
                root.GetProperty("length").GetInt64(), root.GetProperty("modifiedTicks").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
