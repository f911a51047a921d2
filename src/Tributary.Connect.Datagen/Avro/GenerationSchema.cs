using System.Text.Json;
using Tributary.Connect.Data;

namespace Tributary.Connect.Datagen.Avro;

/// <summary>An Avro schema datagen cannot use; the message names the field (a dotted path) and what is wrong.</summary>
public sealed class SchemaDefinitionException(string message) : Exception(message);

/// <summary>
/// An Avro schema read for generation: every node knows its Connect schema and how to make a value, from the Avro
/// Random Generator hints datagen's schemas carry in <c>arg.properties</c> — <c>options</c> (pick one of these values),
/// <c>range</c> (<c>min</c> inclusive, <c>max</c> exclusive, for numbers), <c>iteration</c> (<c>start</c>, <c>step</c>
/// (default 1), optional <c>restart</c>: a counter per field), <c>regex</c> (a string matching it, <see cref="RegexGenerator"/>)
/// and <c>length</c> (a number or <c>{min,max}</c>: of strings, bytes, arrays and maps). <c>options</c> also works on
/// records (JSON objects with the record's fields: the whole record is one of them), arrays (JSON arrays) and maps (JSON
/// objects), as datagen's quickstarts use it; each option is read against the type when the schema is read. Without
/// hints a value is drawn over the type (strings of 8 random letters, booleans, numbers over the type's range).
/// <para>Logical types become Connect's, as Confluent's AvroData maps them: <c>timestamp-millis</c> on a long is
/// Connect's Timestamp, <c>date</c> on an int its Date, <c>time-millis</c> on an int its Time (values are UTC
/// <see cref="DateTime"/>s; the hints still bound the underlying number); other logical types keep their base type.</para>
/// <para>Types: null, boolean, int, long, float, double, bytes, string, record (a Connect struct named with the Avro full
/// name), enum (a string), array, map (string keys), fixed (bytes), and unions: <c>["null", T]</c> is an optional T
/// (null one time in ten unless options say otherwise); other unions pick a branch at random and are generated as their
/// first non-null branch's Connect schema when all branches agree, otherwise refused.</para>
/// <para>Not thread-safe: iteration counters live in the nodes; one tree per task.</para>
/// </summary>
public abstract class GenerationSchema
{
    /// <summary>The Connect schema of the values this node makes.</summary>
    public abstract Schema ConnectSchema { get; }

    /// <summary>Makes the next value (Connect's representation: Struct, string, int, long, List, Dictionary, byte[]).</summary>
    public abstract object? Next(Random random);

    /// <summary>Reads an Avro schema (JSON text).</summary>
    public static GenerationSchema Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SchemaDefinitionException("The schema is not valid JSON: " + e.Message);
        }
        using (document)
        {
            return Read(document.RootElement, "", null, new Dictionary<string, GenerationSchema>(StringComparer.Ordinal), optional: false);
        }
    }

    /// <summary>The record fields' nodes by name (a record root), for <c>schema.keyfield</c>.</summary>
    public virtual GenerationSchema? Field(string name) => null;

    /// <summary>
    /// An <c>options</c> entry (a JSON literal) as a value of this node, checked against its type; throws
    /// <see cref="SchemaDefinitionException"/> saying where (<paramref name="where"/>) and what is wrong.
    /// </summary>
    internal abstract object? FromJson(JsonElement value, string where);

    /// <summary>An <c>options</c> hint on a record, array or map: each entry read through <see cref="FromJson"/>; none: null.</summary>
    private static object?[]? CompositeOptions(JsonElement hints, GenerationSchema node, string path)
    {
        if (hints.ValueKind != JsonValueKind.Object || !hints.TryGetProperty("options", out var options))
        {
            return null;
        }
        var where = Where(path);
        if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
        {
            throw new SchemaDefinitionException($"{where}: \"options\" must be a non-empty array");
        }
        return [.. options.EnumerateArray().Select((option, i) => node.FromJson(option, $"{where}: option {i + 1}"))];
    }

    /// <summary>A primitive with an Avro <c>logicalType</c> that AvroData maps to a Connect logical type; otherwise the primitive.</summary>
    private static GenerationSchema WithLogicalType(JsonElement node, ScalarNode primitive, bool optional)
    {
        if (!node.TryGetProperty("logicalType", out var logical) || logical.ValueKind != JsonValueKind.String)
        {
            return primitive;
        }
        var type = primitive.ConnectSchema.Type;
        var builder = (logical.GetString(), type) switch
        {
            ("timestamp-millis", SchemaType.Int64) => Timestamp.Builder(),
            ("date", SchemaType.Int32) => Date.Builder(),
            ("time-millis", SchemaType.Int32) => Time.Builder(),
            _ => null,
        };
        return builder is null ? primitive : new LogicalNode(primitive, (optional ? builder.Optional() : builder).Build());
    }

    private static GenerationSchema Read(JsonElement node, string path, string? space, Dictionary<string, GenerationSchema> named, bool optional)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.String:
                var name = node.GetString()!;
                if (Primitive(name, default, path, optional) is { } primitive)
                {
                    return primitive;
                }
                if (named.TryGetValue(name, out var known) || (space is not null && named.TryGetValue(space + "." + name, out known)))
                {
                    return known;
                }
                throw new SchemaDefinitionException($"{Where(path)}: unknown type \"{name}\"");
            case JsonValueKind.Array:
                return ReadUnion(node, path, space, named);
            case JsonValueKind.Object:
                break;
            default:
                throw new SchemaDefinitionException($"{Where(path)}: a type must be a name, an object or a union array, not {node.GetRawText()}");
        }
        if (!node.TryGetProperty("type", out var type))
        {
            throw new SchemaDefinitionException($"{Where(path)}: no \"type\"");
        }
        var hints = node.TryGetProperty("arg.properties", out var properties) ? properties : default;
        if (type.ValueKind != JsonValueKind.String)
        {
            // {"type": {...}} or {"type": [...]}: the hints of the outer object apply to the inner type.
            return Read(type, path, space, named, optional);
        }
        var typeName = type.GetString()!;
        if (Primitive(typeName, hints, path, optional) is { } hinted)
        {
            return WithLogicalType(node, hinted, optional);
        }
        switch (typeName)
        {
            case "record":
            case "error":
                {
                    var recordName = FullName(node, space, path);
                    var recordSpace = recordName.Contains('.') ? recordName[..recordName.LastIndexOf('.')] : space;
                    if (!node.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array)
                    {
                        throw new SchemaDefinitionException($"{Where(path)}: record {recordName} has no \"fields\" array");
                    }
                    var record = new RecordNode(recordName, optional);
                    named[recordName] = record;
                    foreach (var field in fields.EnumerateArray())
                    {
                        if (!field.TryGetProperty("name", out var fieldName) || fieldName.ValueKind != JsonValueKind.String)
                        {
                            throw new SchemaDefinitionException($"{Where(path)}: a field of {recordName} has no \"name\"");
                        }
                        var fieldPath = path.Length == 0 ? fieldName.GetString()! : path + "." + fieldName.GetString();
                        if (!field.TryGetProperty("type", out var fieldType))
                        {
                            throw new SchemaDefinitionException($"{Where(fieldPath)}: no \"type\"");
                        }
                        // Hints may sit on the field as well as on its type.
                        var node2 = field.TryGetProperty("arg.properties", out var fieldHints) && fieldType.ValueKind == JsonValueKind.String
                            ? WithHints(fieldType.GetString()!, fieldHints, fieldPath, recordSpace, named)
                            : Read(fieldType, fieldPath, recordSpace, named, optional: false);
                        record.Add(fieldName.GetString()!, node2);
                    }
                    record.Seal();
                    record.Options = CompositeOptions(hints, record, path);
                    return record;
                }
            case "enum":
                {
                    var enumName = FullName(node, space, path);
                    if (!node.TryGetProperty("symbols", out var symbols) || symbols.ValueKind != JsonValueKind.Array || symbols.GetArrayLength() == 0)
                    {
                        throw new SchemaDefinitionException($"{Where(path)}: enum {enumName} has no symbols");
                    }
                    var values = symbols.EnumerateArray().Select(s => s.GetString() ?? "").ToArray();
                    var node3 = new ScalarNode(optional ? Schema.OptionalString : Schema.String, Hints.Read(hints, path, ScalarKind.String, values));
                    named[enumName] = node3;
                    return node3;
                }
            case "array":
                {
                    var items = node.TryGetProperty("items", out var itemType) ? Read(itemType, path + "[]", space, named, optional: false)
                        : throw new SchemaDefinitionException($"{Where(path)}: array without \"items\"");
                    var array = new CollectionNode(items, isMap: false, Hints.Length(hints, path), optional);
                    array.Options = CompositeOptions(hints, array, path);
                    return array;
                }
            case "map":
                {
                    var values = node.TryGetProperty("values", out var valueType) ? Read(valueType, path + "{}", space, named, optional: false)
                        : throw new SchemaDefinitionException($"{Where(path)}: map without \"values\"");
                    var map = new CollectionNode(values, isMap: true, Hints.Length(hints, path), optional);
                    map.Options = CompositeOptions(hints, map, path);
                    return map;
                }
            case "fixed":
                {
                    var size = node.TryGetProperty("size", out var s) && s.TryGetInt32(out var n) && n >= 0 ? n
                        : throw new SchemaDefinitionException($"{Where(path)}: fixed without a \"size\"");
                    var fixedNode = new ScalarNode(optional ? Schema.OptionalBytes : Schema.Bytes, Hints.Read(hints, path, ScalarKind.Bytes, null) with { MinLength = size, MaxLength = size });
                    named[FullName(node, space, path)] = fixedNode;
                    return fixedNode;
                }
            default:
                if (named.TryGetValue(typeName, out var reference))
                {
                    return reference;
                }
                throw new SchemaDefinitionException($"{Where(path)}: unknown type \"{typeName}\"");
        }
    }

    private static GenerationSchema WithHints(string typeName, JsonElement hints, string path, string? space, Dictionary<string, GenerationSchema> named) =>
        Primitive(typeName, hints, path, optional: false) ?? Read(JsonDocument.Parse($"\"{typeName}\"").RootElement, path, space, named, optional: false);

    private static GenerationSchema ReadUnion(JsonElement union, string path, string? space, Dictionary<string, GenerationSchema> named)
    {
        var branches = union.EnumerateArray().ToList();
        var nonNull = branches.Where(b => !(b.ValueKind == JsonValueKind.String && b.GetString() == "null")).ToList();
        var hasNull = nonNull.Count < branches.Count;
        if (nonNull.Count == 0)
        {
            return new ScalarNode(Schema.OptionalString, new Hints(ScalarKind.Null));
        }
        if (nonNull.Count == 1)
        {
            var inner = Read(nonNull[0], path, space, named, optional: hasNull);
            return hasNull ? new NullableNode(inner) : inner;
        }
        var nodes = nonNull.Select(b => Read(b, path, space, named, optional: hasNull)).ToList();
        if (nodes.Any(n => n.ConnectSchema.Type != nodes[0].ConnectSchema.Type))
        {
            throw new SchemaDefinitionException($"{Where(path)}: a union of different types ({string.Join(", ", nodes.Select(n => n.ConnectSchema.Type))}) has no single Connect schema");
        }
        return new UnionNode(nodes, hasNull);
    }

    private static ScalarNode? Primitive(string name, JsonElement hints, string path, bool optional)
    {
        (Schema required, Schema nullable, ScalarKind kind) = name switch
        {
            "boolean" => (Schema.Boolean, Schema.OptionalBoolean, ScalarKind.Boolean),
            "int" => (Schema.Int32, Schema.OptionalInt32, ScalarKind.Int),
            "long" => (Schema.Int64, Schema.OptionalInt64, ScalarKind.Long),
            "float" => (Schema.Float32, Schema.OptionalFloat32, ScalarKind.Float),
            "double" => (Schema.Float64, Schema.OptionalFloat64, ScalarKind.Double),
            "string" => (Schema.String, Schema.OptionalString, ScalarKind.String),
            "bytes" => (Schema.Bytes, Schema.OptionalBytes, ScalarKind.Bytes),
            "null" => (Schema.OptionalString, Schema.OptionalString, ScalarKind.Null),
            _ => (null!, null!, ScalarKind.Null),
        };
        return required is null ? null : new ScalarNode(optional ? nullable : required, Hints.Read(hints, path, kind, null));
    }

    private static string FullName(JsonElement node, string? space, string path)
    {
        var name = node.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!
            : throw new SchemaDefinitionException($"{Where(path)}: a named type without \"name\"");
        if (name.Contains('.'))
        {
            return name;
        }
        var ns = node.TryGetProperty("namespace", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : space;
        return string.IsNullOrEmpty(ns) ? name : ns + "." + name;
    }

    internal static string Where(string path) => path.Length == 0 ? "the schema" : $"field '{path}'";
}

internal sealed class RecordNode(string name, bool optional) : GenerationSchema
{
    private readonly List<(string Name, GenerationSchema Node)> _fields = [];
    private Schema? _schema;

    /// <summary>
    /// The record's <c>options</c> as structs, or null. A pick hands out the same instance each time (no allocation per
    /// record); Connect's records are not changed in place by converters or transformations, which build new structs.
    /// </summary>
    public object?[]? Options { get; set; }

    public override Schema ConnectSchema => _schema ?? throw new SchemaDefinitionException($"record {name} refers to itself; recursive records cannot be generated");

    public void Add(string field, GenerationSchema node) => _fields.Add((field, node));

    public RecordNode Seal()
    {
        var builder = SchemaBuilder.Struct().Name(name);
        foreach (var (field, node) in _fields)
        {
            builder.Field(field, node.ConnectSchema);
        }
        if (optional)
        {
            builder.Optional();
        }
        _schema = builder.Build();
        return this;
    }

    public override GenerationSchema? Field(string fieldName) => _fields.FirstOrDefault(f => f.Name == fieldName).Node;

    public override object? Next(Random random)
    {
        if (Options is { } options)
        {
            return options[random.Next(options.Length)];
        }
        var value = new Struct(ConnectSchema);
        foreach (var (field, node) in _fields)
        {
            value.Put(field, node.Next(random));
        }
        return value;
    }

    /// <summary>An object with the record's fields (an optional field may be left out: null); no others.</summary>
    internal override object? FromJson(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SchemaDefinitionException($"{where} is not an object with the fields of {name}: {value.GetRawText()}");
        }
        foreach (var property in value.EnumerateObject())
        {
            if (Field(property.Name) is null)
            {
                throw new SchemaDefinitionException($"{where}: {name} has no field '{property.Name}'");
            }
        }
        var result = new Struct(ConnectSchema);
        foreach (var (field, node) in _fields)
        {
            if (value.TryGetProperty(field, out var fieldValue))
            {
                result.Put(field, node.FromJson(fieldValue, $"{where}.{field}"));
            }
            else if (!node.ConnectSchema.IsOptional)
            {
                throw new SchemaDefinitionException($"{where} lacks the field '{field}'");
            }
        }
        return result;
    }
}

internal sealed class NullableNode(GenerationSchema inner) : GenerationSchema
{
    public override Schema ConnectSchema => inner.ConnectSchema;

    public override object? Next(Random random) => random.Next(10) == 0 ? null : inner.Next(random);

    internal override object? FromJson(JsonElement value, string where) => value.ValueKind == JsonValueKind.Null ? null : inner.FromJson(value, where);
}

internal sealed class UnionNode(List<GenerationSchema> branches, bool hasNull) : GenerationSchema
{
    public override Schema ConnectSchema => branches[0].ConnectSchema;

    public override object? Next(Random random)
    {
        var pick = random.Next(branches.Count + (hasNull ? 1 : 0));
        return pick < branches.Count ? branches[pick].Next(random) : null;
    }

    /// <summary>Null (when the union has it), else the first branch that reads the value.</summary>
    internal override object? FromJson(JsonElement value, string where)
    {
        if (hasNull && value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        foreach (var branch in branches)
        {
            try
            {
                return branch.FromJson(value, where);
            }
            catch (SchemaDefinitionException)
            {
                // The next branch may take it.
            }
        }
        throw new SchemaDefinitionException($"{where}: {value.GetRawText()} fits no branch of the union");
    }
}

/// <summary>A long or int with an Avro logical type Connect knows: the underlying number as Connect's logical value.</summary>
internal sealed class LogicalNode(ScalarNode inner, Schema schema) : GenerationSchema
{
    public override Schema ConnectSchema => schema;

    public override object? Next(Random random) => ToLogical(inner.Next(random));

    internal override object? FromJson(JsonElement value, string where) => ToLogical(inner.FromJson(value, where));

    private object? ToLogical(object? number) => (schema.Name, number) switch
    {
        (Timestamp.LogicalName, long millis) => Epoch.FromMillis(millis),
        (Date.LogicalName, int days) => DateTime.UnixEpoch.AddDays(days),
        (Time.LogicalName, int millis) => DateTime.UnixEpoch.AddMilliseconds(millis),
        _ => number,
    };
}

internal sealed class CollectionNode(GenerationSchema items, bool isMap, (int Min, int Max) length, bool optional) : GenerationSchema
{
    private readonly Schema _schema = Build(items, isMap, optional);

    /// <summary>The <c>options</c> as lists or dictionaries, or null; a pick hands out the same instance (see <see cref="RecordNode.Options"/>).</summary>
    public object?[]? Options { get; set; }

    public override Schema ConnectSchema => _schema;

    private static Schema Build(GenerationSchema items, bool isMap, bool optional)
    {
        var builder = isMap ? SchemaBuilder.Map(Schema.String, items.ConnectSchema) : SchemaBuilder.Array(items.ConnectSchema);
        return (optional ? builder.Optional() : builder).Build();
    }

    public override object? Next(Random random)
    {
        if (Options is { } options)
        {
            return options[random.Next(options.Length)];
        }
        var count = random.Next(length.Min, length.Max + 1);
        if (isMap)
        {
            var map = new Dictionary<object, object?>();
            for (var i = 0; i < count; i++)
            {
                map[RegexGenerator.RandomLetters(random, 8)] = items.Next(random);
            }
            return map;
        }
        var list = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(items.Next(random));
        }
        return list;
    }

    /// <summary>A JSON array (an array's option) or object (a map's), each element read by the item node.</summary>
    internal override object? FromJson(JsonElement value, string where)
    {
        if (isMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw new SchemaDefinitionException($"{where} is not an object (a map's entries): {value.GetRawText()}");
            }
            var map = new Dictionary<object, object?>();
            foreach (var entry in value.EnumerateObject())
            {
                map[entry.Name] = items.FromJson(entry.Value, $"{where}.{entry.Name}");
            }
            return map;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SchemaDefinitionException($"{where} is not an array: {value.GetRawText()}");
        }
        return value.EnumerateArray().Select((element, i) => items.FromJson(element, $"{where}[{i}]")).ToList();
    }
}
