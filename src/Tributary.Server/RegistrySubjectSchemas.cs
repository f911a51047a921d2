using System.Globalization;
using System.Text.Json;
using Tributary.Formats;
using Tributary.Formats.Json;
using Tributary.Registry;
using Tributary.Registry.Store;

namespace Tributary.Server;

/// <summary>
/// Firehose's SchemaConfiguration.RegistrySubject resolved against this process's schema registry: the subject's Avro
/// record schema at a version (null or "LATEST": the latest live one) becomes the conversion's Hive columns, one per
/// field, typed as Hive/Glue would type the Avro (boolean, int, bigint, float, double, string for string and enum,
/// binary for bytes and fixed, decimal(p,s), date, timestamp for timestamp-millis/micros, array, map&lt;string,…&gt;,
/// struct; a union with null is its other branch). Other unions and non-Avro subjects are refused with a
/// <see cref="ParquetFormatException"/>, which fails the records as a missing table does. The registry is looked up at
/// each resolution (it starts after the delivery streams). Thread-safe.
/// </summary>
public sealed class RegistrySubjectSchemas(Func<SchemaRegistry?> registry)
{
    public TableDefinition Resolve(string subject, string? version)
    {
        var store = registry() ?? throw new ParquetFormatException($"Schema registry subject {subject}: the schema registry is disabled (registry.port = -1).");
        SchemaVersionRecord record;
        try
        {
            record = store.GetVersion(subject, version is null or "LATEST" ? "latest" : version, deleted: false);
        }
        catch (RegistryException e)
        {
            throw new ParquetFormatException($"Schema registry subject {subject} version {version ?? "LATEST"} could not be read: {e.Message}");
        }
        if (record.SchemaType is not null)
        {
            throw new ParquetFormatException($"Schema registry subject {subject}: a {record.SchemaType} schema; only Avro record schemas give Parquet columns.");
        }
        using var document = JsonDocument.Parse(record.Schema);
        var named = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || root.GetProperty("type").GetString() != "record")
        {
            throw new ParquetFormatException($"Schema registry subject {subject}: the schema is not an Avro record, so it has no columns.");
        }
        Remember(root, null, named);
        var columns = Fields(root, Namespace(root, null), named, subject).ToList();
        var definition = new TableDefinition(subject, columns);
        definition.ToSchema();
        return definition;
    }

    private static IEnumerable<(string Name, string Type)> Fields(JsonElement record, string? space, Dictionary<string, JsonElement> named, string subject) =>
        record.GetProperty("fields").EnumerateArray().Select(f => (f.GetProperty("name").GetString()!, Hive(f.GetProperty("type"), space, named, subject)));

    private static string Hive(JsonElement type, string? space, Dictionary<string, JsonElement> named, string subject)
    {
        switch (type.ValueKind)
        {
            case JsonValueKind.String:
                var name = type.GetString()!;
                return name switch
                {
                    "boolean" => "boolean",
                    "int" => "int",
                    "long" => "bigint",
                    "float" => "float",
                    "double" => "double",
                    "bytes" => "binary",
                    "string" => "string",
                    _ when named.TryGetValue(name.Contains('.', StringComparison.Ordinal) || space is null ? name : space + "." + name, out var definition)
                        || named.TryGetValue(name, out definition) => Hive(definition, space, named, subject),
                    _ => throw new ParquetFormatException($"Schema registry subject {subject}: Avro type {name} has no Hive column type."),
                };
            case JsonValueKind.Array:
                var branches = type.EnumerateArray().Where(b => !(b.ValueKind == JsonValueKind.String && b.GetString() == "null")).ToArray();
                return branches.Length == 1
                    ? Hive(branches[0], space, named, subject)
                    : throw new ParquetFormatException($"Schema registry subject {subject}: an Avro union other than [null, T] has no Hive column type.");
            case JsonValueKind.Object:
                var kind = type.GetProperty("type");
                var logical = type.TryGetProperty("logicalType", out var l) ? l.GetString() : null;
                if (kind.ValueKind != JsonValueKind.String)
                {
                    return Hive(kind, space, named, subject);
                }
                switch (kind.GetString(), logical)
                {
                    case ("bytes" or "fixed", "decimal"):
                        var precision = type.GetProperty("precision").GetInt32();
                        var scale = type.TryGetProperty("scale", out var s) ? s.GetInt32() : 0;
                        Remember(type, space, named);
                        return string.Create(CultureInfo.InvariantCulture, $"decimal({precision},{scale})");
                    case ("int", "date"):
                        return "date";
                    case ("long", "timestamp-millis" or "timestamp-micros"):
                        return "timestamp";
                    case ("array", _):
                        return $"array<{Hive(type.GetProperty("items"), space, named, subject)}>";
                    case ("map", _):
                        return $"map<string,{Hive(type.GetProperty("values"), space, named, subject)}>";
                    case ("enum", _):
                        Remember(type, space, named);
                        return "string";
                    case ("fixed", _):
                        Remember(type, space, named);
                        return "binary";
                    case ("record", _):
                        Remember(type, space, named);
                        var inner = Namespace(type, space);
                        return $"struct<{string.Join(',', Fields(type, inner, named, subject).Select(f => $"{f.Name}:{f.Type}"))}>";
                    default:
                        return Hive(kind, space, named, subject);
                }
            default:
                throw new ParquetFormatException($"Schema registry subject {subject}: not an Avro type: {type.GetRawText()}");
        }
    }

    private static string? Namespace(JsonElement named, string? enclosing)
    {
        var name = named.GetProperty("name").GetString()!;
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[..dot] : named.TryGetProperty("namespace", out var space) ? space.GetString() : enclosing;
    }

    private static void Remember(JsonElement named, string? enclosing, Dictionary<string, JsonElement> names)
    {
        if (!named.TryGetProperty("name", out var nameElement))
        {
            return;
        }
        var name = nameElement.GetString()!;
        var space = Namespace(named, enclosing);
        names[name.Contains('.', StringComparison.Ordinal) || string.IsNullOrEmpty(space) ? name : space + "." + name] = named.Clone();
    }
}
