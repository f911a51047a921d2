using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Schemas;

namespace Tributary.Registry.Store;

/// <summary>A registered schema version (a SCHEMA record's value).</summary>
public sealed record SchemaVersionRecord(string Subject, int Version, int Id, string? SchemaType, IReadOnlyList<SchemaReference> References, string Schema, bool Deleted);

/// <summary>One record of the <c>_schemas</c> topic, decoded. A null value in the topic (a tombstone) is a hard delete.</summary>
public abstract record RegistryRecord;

public sealed record SchemaRecord(string Subject, int Version, SchemaVersionRecord? Value) : RegistryRecord;

/// <summary>A CONFIG record: the compatibility level of a subject, or the global one when Subject is null; Level null = removed.</summary>
public sealed record ConfigRecord(string? Subject, string? Level) : RegistryRecord;

/// <summary>A MODE record: the mode of a subject or the global one; Mode null = removed.</summary>
public sealed record ModeRecord(string? Subject, string? Mode) : RegistryRecord;

/// <summary>A DELETE_SUBJECT record: every version up to Version was soft-deleted.</summary>
public sealed record DeleteSubjectRecord(string Subject, int Version) : RegistryRecord;

/// <summary>
/// The key and value formats of Confluent's <c>_schemas</c> topic, so the topic reads the same to either registry:
/// keys <c>{"keytype":"SCHEMA","subject":S,"version":V,"magic":1}</c>, <c>{"keytype":"CONFIG","subject":S|null,"magic":0}</c>,
/// <c>{"keytype":"MODE",...}</c>, <c>{"keytype":"DELETE_SUBJECT","subject":S,"magic":0}</c>, <c>{"keytype":"NOOP","magic":0}</c>;
/// values as <c>docs/formats/schemas-topic.md</c> lists them. Keep in sync with that document. Thread-safe (stateless).
/// </summary>
public static class RegistryRecords
{
    public static byte[] SchemaKey(string subject, int version) =>
        Write(w =>
        {
            w.WriteString("keytype", "SCHEMA");
            w.WriteString("subject", subject);
            w.WriteNumber("version", version);
            w.WriteNumber("magic", 1);
        });

    public static byte[] SchemaValue(SchemaVersionRecord value) =>
        Write(w =>
        {
            w.WriteString("subject", value.Subject);
            w.WriteNumber("version", value.Version);
            w.WriteNumber("id", value.Id);
            if (value.SchemaType is { } type && type != SchemaTypes.Avro)
            {
                w.WriteString("schemaType", type);
            }
            if (value.References.Count > 0)
            {
                w.WriteStartArray("references");
                foreach (var reference in value.References)
                {
                    w.WriteStartObject();
                    w.WriteString("name", reference.Name);
                    w.WriteString("subject", reference.Subject);
                    w.WriteNumber("version", reference.Version);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString("schema", value.Schema);
            w.WriteBoolean("deleted", value.Deleted);
        });

    public static byte[] ConfigKey(string? subject) => SubjectKey("CONFIG", subject);

    public static byte[] ConfigValue(string level) => Write(w => w.WriteString("compatibilityLevel", level));

    public static byte[] ModeKey(string? subject) => SubjectKey("MODE", subject);

    public static byte[] ModeValue(string mode) => Write(w => w.WriteString("mode", mode));

    public static byte[] DeleteSubjectKey(string subject) => SubjectKey("DELETE_SUBJECT", subject);

    public static byte[] DeleteSubjectValue(string subject, int version) =>
        Write(w =>
        {
            w.WriteString("subject", subject);
            w.WriteNumber("version", version);
        });

    /// <summary>Decodes a record; null for a key type this version does not act on (NOOP, CLEAR_SUBJECT, unknown).</summary>
    /// <exception cref="JsonException">The key or value is not the JSON these formats describe.</exception>
    public static RegistryRecord? Decode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool hasValue)
    {
        var keyNode = JsonNode.Parse(key) as JsonObject ?? throw new JsonException("key is not a JSON object");
        var subject = keyNode["subject"]?.GetValue<string>();
        var valueNode = hasValue ? JsonNode.Parse(value) as JsonObject : null;
        switch (keyNode["keytype"]?.GetValue<string>())
        {
            case "SCHEMA":
                var version = keyNode["version"]!.GetValue<int>();
                if (valueNode is null)
                {
                    return new SchemaRecord(subject!, version, null);
                }
                var references = new List<SchemaReference>();
                foreach (var reference in valueNode["references"] as JsonArray ?? [])
                {
                    references.Add(new SchemaReference(reference!["name"]!.GetValue<string>(), reference["subject"]!.GetValue<string>(), reference["version"]!.GetValue<int>()));
                }
                return new SchemaRecord(subject!, version, new SchemaVersionRecord(
                    valueNode["subject"]!.GetValue<string>(),
                    valueNode["version"]!.GetValue<int>(),
                    valueNode["id"]!.GetValue<int>(),
                    valueNode["schemaType"]?.GetValue<string>(),
                    references,
                    valueNode["schema"]!.GetValue<string>(),
                    valueNode["deleted"]?.GetValue<bool>() ?? false));
            case "CONFIG":
                return new ConfigRecord(subject, valueNode?["compatibilityLevel"]?.GetValue<string>());
            case "MODE":
                return new ModeRecord(subject, valueNode?["mode"]?.GetValue<string>());
            case "DELETE_SUBJECT":
                return valueNode is null ? null : new DeleteSubjectRecord(subject!, valueNode["version"]!.GetValue<int>());
            default:
                return null;
        }
    }

    private static byte[] SubjectKey(string type, string? subject) =>
        Write(w =>
        {
            w.WriteString("keytype", type);
            if (subject is null)
            {
                w.WriteNull("subject");
            }
            else
            {
                w.WriteString("subject", subject);
            }
            w.WriteNumber("magic", 0);
        });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    internal static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
