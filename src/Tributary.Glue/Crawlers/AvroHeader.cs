using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Glue.Crawlers;

/// <summary>
/// The writer schema of an Avro object container file (Avro specification, "Object Container Files": the magic
/// <c>Obj\x01</c>, then a metadata map of string keys to bytes whose <c>avro.schema</c> is the schema's JSON), and that
/// schema's record fields as Hive columns, the way Glue's Avro classifier reads them: long → bigint, enum → string,
/// record → struct, unions with null → the other branch, logical dates, timestamps and decimals.
/// </summary>
internal static class AvroHeader
{
    private static readonly byte[] Magic = "Obj\u0001"u8.ToArray();

    /// <summary>The schema JSON, or an exception with the reason the bytes are not an Avro container.</summary>
    public static string ReadSchema(Stream stream)
    {
        var magic = new byte[4];
        stream.ReadExactly(magic);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("not an Avro object container file (no Obj\\x01 magic)");
        }
        while (true)
        {
            var count = ReadLong(stream);
            if (count == 0)
            {
                break;
            }
            if (count < 0)
            {
                count = -count;
                ReadLong(stream);
            }
            for (var i = 0; i < count; i++)
            {
                var key = Encoding.UTF8.GetString(ReadBytes(stream));
                var value = ReadBytes(stream);
                if (key == "avro.schema")
                {
                    return Encoding.UTF8.GetString(value);
                }
            }
        }
        throw new InvalidDataException("the Avro container's header has no avro.schema");
    }

    /// <summary>The top-level record's fields as (name, Hive type).</summary>
    public static List<(string Name, string Type)> Columns(string schemaJson)
    {
        var schema = JsonNode.Parse(schemaJson);
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        if (schema is not JsonObject record || (string?)record["type"] != "record")
        {
            throw new InvalidDataException("the Avro schema is not a record");
        }
        var columns = new List<(string, string)>();
        foreach (var field in (record["fields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            columns.Add((((string)field["name"]!).ToLowerInvariant(), ToHive(field["type"], named)));
        }
        return columns;
    }

    private static string ToHive(JsonNode? type, Dictionary<string, string> named)
    {
        switch (type)
        {
            case JsonValue value:
                var name = (string)value!;
                return name switch
                {
                    "string" => "string",
                    "int" => "int",
                    "long" => "bigint",
                    "float" => "float",
                    "double" => "double",
                    "boolean" => "boolean",
                    "bytes" => "binary",
                    "null" => "string",
                    _ => named.TryGetValue(name, out var known) ? known : "string",
                };
            case JsonArray union:
                var branches = union.Where(b => !(b is JsonValue v && (string?)v == "null")).ToList();
                return branches.Count == 1 ? ToHive(branches[0], named) : "string";
            case JsonObject complex:
                var logical = (string?)complex["logicalType"];
                var kind = (string?)complex["type"];
                string result;
                if (logical is "date" && kind == "int")
                {
                    result = "date";
                }
                else if (logical is "timestamp-millis" or "timestamp-micros" && kind == "long")
                {
                    result = "timestamp";
                }
                else if (logical == "decimal")
                {
                    result = $"decimal({(int?)complex["precision"] ?? 38},{(int?)complex["scale"] ?? 0})";
                }
                else
                {
                    result = kind switch
                    {
                        "record" => "struct<" + string.Join(",", (complex["fields"] as JsonArray ?? []).OfType<JsonObject>()
                            .Select(f => ((string)f["name"]!).ToLowerInvariant() + ":" + ToHive(f["type"], named))) + ">",
                        "enum" => "string",
                        "fixed" => "binary",
                        "array" => $"array<{ToHive(complex["items"], named)}>",
                        "map" => $"map<string,{ToHive(complex["values"], named)}>",
                        _ => ToHive(complex["type"], named),
                    };
                }
                if ((string?)complex["name"] is { } typeName && kind is "record" or "enum" or "fixed")
                {
                    named[typeName] = result;
                    named[typeName[(typeName.LastIndexOf('.') + 1)..]] = result;
                }
                return result;
            default:
                return "string";
        }
    }

    private static long ReadLong(Stream stream)
    {
        ulong raw = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("the Avro header ends early");
            }
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }
        throw new InvalidDataException("the Avro header has a malformed long");
    }

    private static byte[] ReadBytes(Stream stream)
    {
        var length = ReadLong(stream);
        if (length < 0 || length > 16 << 20)
        {
            throw new InvalidDataException("the Avro header has a malformed length");
        }
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
