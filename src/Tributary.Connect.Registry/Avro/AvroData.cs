using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using AvroSchema = global::Avro.Schema;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Connect.Registry.Avro;

/// <summary>
/// Connect schemas ↔ Avro schemas as Confluent's AvroData maps them (connect.meta.data on): INT8/INT16 are Avro ints
/// with <c>connect.type</c>; optional values are unions with null (null first, or second when the default is not
/// null); unnamed structs are records <c>io.confluent.connect.avro.ConnectDefault</c>, <c>ConnectDefault2</c>, ...;
/// maps with string keys are Avro maps, others arrays of <c>io.confluent.connect.avro.MapEntry</c> records;
/// Decimal is bytes with logicalType decimal (precision from <c>connect.decimal.precision</c>, default 64), Date
/// int/date, Time int/time-millis, Timestamp long/timestamp-millis; names, versions, docs and parameters travel as
/// <c>connect.name</c>, <c>connect.version</c>, <c>connect.doc</c> and <c>connect.parameters</c>.
/// Thread-safe (stateless); the converter caches results.
/// </summary>
internal static class AvroData
{
    public const string Namespace = "io.confluent.connect.avro";
    public const string DefaultRecordName = "ConnectDefault";
    public const string PrecisionParameter = "connect.decimal.precision";

    /// <summary>The Avro schema JSON of a Connect schema and the plan that encodes its values.</summary>
    public static (string Json, AvroPlan Plan) FromConnect(Schema schema)
    {
        var counter = 0;
        var node = ToAvro(schema, ref counter, new HashSet<string>(StringComparer.Ordinal), topLevel: true, out var plan);
        return (node.ToJsonString(), plan);
    }

    /// <param name="defined">Full names of the records already written: Avro defines a name once, so a struct schema met
    /// again (Debezium's <c>before</c> and <c>after</c> share their <c>Value</c> struct) is written as a reference to its
    /// name, as Confluent's AvroData does.</param>
    private static JsonNode ToAvro(Schema schema, ref int unnamed, HashSet<string> defined, bool topLevel, out AvroPlan plan)
    {
        string? reference = null;
        JsonObject avro;
        var logical = Logical(schema);
        AvroKind kind;
        AvroPlan[] fields = [];
        AvroPlan? items = null;
        AvroPlan? keys = null;
        switch (schema.Type)
        {
            case SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32:
                kind = AvroKind.Int;
                avro = new JsonObject { ["type"] = "int" };
                if (schema.Type != SchemaType.Int32)
                {
                    avro["connect.type"] = schema.Type == SchemaType.Int8 ? "int8" : "int16";
                }
                break;
            case SchemaType.Int64:
                kind = AvroKind.Long;
                avro = new JsonObject { ["type"] = "long" };
                break;
            case SchemaType.Float32:
                kind = AvroKind.Float;
                avro = new JsonObject { ["type"] = "float" };
                break;
            case SchemaType.Float64:
                kind = AvroKind.Double;
                avro = new JsonObject { ["type"] = "double" };
                break;
            case SchemaType.Boolean:
                kind = AvroKind.Boolean;
                avro = new JsonObject { ["type"] = "boolean" };
                break;
            case SchemaType.String:
                kind = AvroKind.String;
                avro = new JsonObject { ["type"] = "string" };
                break;
            case SchemaType.Bytes:
                kind = AvroKind.Bytes;
                avro = new JsonObject { ["type"] = "bytes" };
                break;
            case SchemaType.Array:
                kind = AvroKind.Array;
                avro = new JsonObject { ["type"] = "array", ["items"] = ToAvro(schema.ValueSchema, ref unnamed, defined, false, out var itemPlan) };
                items = itemPlan;
                break;
            case SchemaType.Map when schema.KeySchema.Type == SchemaType.String && !schema.KeySchema.IsOptional:
                kind = AvroKind.Map;
                avro = new JsonObject { ["type"] = "map", ["values"] = ToAvro(schema.ValueSchema, ref unnamed, defined, false, out var valuePlan) };
                items = valuePlan;
                break;
            case SchemaType.Map:
                kind = AvroKind.MapEntries;
                var keyNode = ToAvro(schema.KeySchema, ref unnamed, defined, false, out var keyPlan);
                var valueNode = ToAvro(schema.ValueSchema, ref unnamed, defined, false, out var entryValuePlan);
                keys = keyPlan;
                items = entryValuePlan;
                avro = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = defined.Add(Namespace + ".MapEntry")
                        ? new JsonObject
                        {
                            ["type"] = "record",
                            ["name"] = "MapEntry",
                            ["namespace"] = Namespace,
                            ["fields"] = new JsonArray(new JsonObject { ["name"] = "key", ["type"] = keyNode }, new JsonObject { ["name"] = "value", ["type"] = valueNode }),
                        }
                        : JsonValue.Create(Namespace + ".MapEntry"),
                };
                break;
            case SchemaType.Struct:
                kind = AvroKind.Record;
                string name;
                if (schema.Name is { } named)
                {
                    name = named;
                }
                else
                {
                    unnamed++;
                    name = Namespace + "." + DefaultRecordName + (unnamed == 1 ? "" : unnamed.ToString(CultureInfo.InvariantCulture));
                }
                if (!defined.Add(name))
                {
                    reference = name;
                }
                var dot = name.LastIndexOf('.');
                avro = new JsonObject { ["type"] = "record", ["name"] = dot < 0 ? name : name[(dot + 1)..] };
                if (dot > 0)
                {
                    avro["namespace"] = name[..dot];
                }
                if (schema.Doc is { } doc)
                {
                    avro["doc"] = doc;
                }
                var avroFields = new JsonArray();
                fields = new AvroPlan[schema.Fields.Count];
                for (var i = 0; i < schema.Fields.Count; i++)
                {
                    var field = schema.Fields[i];
                    var fieldNode = new JsonObject { ["name"] = field.Name, ["type"] = ToAvro(field.Schema, ref unnamed, defined, false, out fields[i]) };
                    if (field.Schema.DefaultValue is { } fieldDefault && DefaultJson(field.Schema, fieldDefault) is { } json)
                    {
                        fieldNode["default"] = json;
                    }
                    else if (field.Schema.IsOptional)
                    {
                        fieldNode["default"] = null;
                    }
                    avroFields.Add(fieldNode);
                }
                avro["fields"] = avroFields;
                break;
            default:
                throw new DataException($"Connect type {schema.Type} has no Avro mapping");
        }
        if (schema.Type != SchemaType.Struct)
        {
            // Named non-record schemas (logical types among them) keep their Connect name, version, doc and parameters as properties.
            if (schema.Name is { } connectName)
            {
                avro["connect.name"] = connectName;
            }
            if (schema.Doc is { } connectDoc)
            {
                avro["connect.doc"] = connectDoc;
            }
        }
        if (schema.Version is { } version)
        {
            avro["connect.version"] = version;
        }
        if (schema.Parameters is { Count: > 0 } parameters)
        {
            var map = new JsonObject();
            foreach (var (key, value) in parameters)
            {
                map[key] = value;
            }
            avro["connect.parameters"] = map;
        }
        switch (logical)
        {
            case ConnectLogical.Decimal:
                avro["logicalType"] = "decimal";
                avro["scale"] = ConnectDecimal.ScaleOf(schema);
                avro["precision"] = schema.Parameters?.TryGetValue(PrecisionParameter, out var precision) == true ? int.Parse(precision, CultureInfo.InvariantCulture) : 64;
                break;
            case ConnectLogical.Date:
                avro["logicalType"] = "date";
                break;
            case ConnectLogical.Time:
                avro["logicalType"] = "time-millis";
                break;
            case ConnectLogical.Timestamp:
                avro["logicalType"] = "timestamp-millis";
                break;
        }
        var nullBranch = -1;
        JsonNode result = reference is not null ? JsonValue.Create(reference)
            : avro.Count == 1 && avro["type"] is JsonValue primitive ? JsonValue.Create(primitive.GetValue<string>())! : avro;
        if (schema.IsOptional && !topLevel)
        {
            // Null first, unless a non-null default must match the union's first branch.
            nullBranch = schema.DefaultValue is null ? 0 : 1;
            result = nullBranch == 0 ? new JsonArray("null", result) : new JsonArray(result, "null");
        }
        else if (schema.IsOptional)
        {
            nullBranch = 0;
            result = new JsonArray("null", result);
        }
        plan = new AvroPlan { Kind = kind, Connect = schema, NullBranch = nullBranch, Logical = logical, Fields = fields, Items = items, Keys = keys };
        return result;
    }

    private static JsonNode? DefaultJson(Schema schema, object value) => value switch
    {
        bool b => JsonValue.Create(b),
        sbyte or short or int or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        _ => null, // Structured and binary defaults are not carried (the field stays without an Avro default).
    };

    private static ConnectLogical Logical(Schema schema) => schema.Name switch
    {
        ConnectDecimal.LogicalName when schema.Type == SchemaType.Bytes => ConnectLogical.Decimal,
        Date.LogicalName when schema.Type == SchemaType.Int32 => ConnectLogical.Date,
        Time.LogicalName when schema.Type == SchemaType.Int32 => ConnectLogical.Time,
        Timestamp.LogicalName when schema.Type == SchemaType.Int64 => ConnectLogical.Timestamp,
        _ => schema.Type switch
        {
            SchemaType.Int8 => ConnectLogical.Int8,
            SchemaType.Int16 => ConnectLogical.Int16,
            _ => ConnectLogical.None,
        },
    };

    /// <summary>The Connect schema of an Avro (writer) schema and the plan that decodes its data.</summary>
    public static AvroPlan ToConnect(AvroSchema avro) => ToConnect(avro, optional: false, nullBranch: -1, new Dictionary<string, AvroPlan>(StringComparer.Ordinal));

    private static AvroPlan ToConnect(AvroSchema avro, bool optional, int nullBranch, Dictionary<string, AvroPlan> records)
    {
        if (avro is global::Avro.UnionSchema union)
        {
            var branches = union.Schemas;
            if (branches.Count == 2 && (branches[0].Tag == AvroSchema.Type.Null || branches[1].Tag == AvroSchema.Type.Null))
            {
                var nullIndex = branches[0].Tag == AvroSchema.Type.Null ? 0 : 1;
                return ToConnect(branches[1 - nullIndex], true, nullIndex, records);
            }
            throw new DataException("Avro unions other than [null, T] are not supported by this converter yet: " + avro);
        }
        SchemaBuilder? builder = avro.Tag switch
        {
            AvroSchema.Type.Boolean => SchemaBuilder.Bool(),
            AvroSchema.Type.Int => (avro.GetProperty("connect.type") ?? "") switch
            {
                "\"int8\"" => SchemaBuilder.Int8(),
                "\"int16\"" => SchemaBuilder.Int16(),
                _ => SchemaBuilder.Int32(),
            },
            AvroSchema.Type.Long => SchemaBuilder.Int64(),
            AvroSchema.Type.Float => SchemaBuilder.Float32(),
            AvroSchema.Type.Double => SchemaBuilder.Float64(),
            AvroSchema.Type.String or AvroSchema.Type.Enumeration => SchemaBuilder.String(),
            AvroSchema.Type.Bytes or AvroSchema.Type.Fixed => SchemaBuilder.Bytes(),
            AvroSchema.Type.Array when avro is global::Avro.ArraySchema { ItemSchema: global::Avro.RecordSchema { Fullname: Namespace + ".MapEntry" } } => null,
            AvroSchema.Type.Array => null,
            AvroSchema.Type.Map => null,
            AvroSchema.Type.Record => null,
            AvroSchema.Type.Logical => null,
            _ => throw new DataException($"Avro type {avro.Tag} has no Connect mapping"),
        };
        var logical = ConnectLogical.None;
        AvroKind kind;
        AvroPlan[] fields = [];
        AvroPlan? items = null;
        AvroPlan? keys = null;
        string[] symbols = [];
        var fixedSize = 0;
        var schemaForProps = avro;
        if (avro is global::Avro.LogicalSchema logicalSchema)
        {
            schemaForProps = logicalSchema;
            var baseSchema = logicalSchema.BaseSchema;
            switch (logicalSchema.LogicalTypeName)
            {
                case "decimal" when baseSchema.Tag == AvroSchema.Type.Bytes:
                    builder = ConnectDecimal.Builder(int.Parse(logicalSchema.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture));
                    logical = ConnectLogical.Decimal;
                    kind = AvroKind.Bytes;
                    break;
                case "date":
                    builder = Date.Builder();
                    logical = ConnectLogical.Date;
                    kind = AvroKind.Int;
                    break;
                case "time-millis":
                    builder = Time.Builder();
                    logical = ConnectLogical.Time;
                    kind = AvroKind.Int;
                    break;
                case "timestamp-millis":
                    builder = Timestamp.Builder();
                    logical = ConnectLogical.Timestamp;
                    kind = AvroKind.Long;
                    break;
                default:
                    // A logical type Connect has no name for reads as its underlying type, as the specification asks.
                    builder = SchemaBuilder.From(ToConnect(baseSchema, false, -1, records).Connect);
                    kind = KindOf(baseSchema);
                    break;
            }
            // The default precision (64) is left implicit, so a schema read back maps to the same Avro schema again.
            if (logicalSchema.LogicalTypeName == "decimal" && logicalSchema.GetProperty("precision") is { } precision && precision != "64")
            {
                builder.Parameter(PrecisionParameter, precision);
            }
        }
        else
        {
            kind = KindOf(avro);
        }
        builder ??= SchemaBuilder.Struct(); // replaced below for arrays, maps and records
        switch (avro)
        {
            case global::Avro.EnumSchema enumSchema:
                symbols = [.. enumSchema.Symbols];
                break;
            case global::Avro.FixedSchema fixedSchema:
                fixedSize = fixedSchema.Size;
                break;
            case global::Avro.ArraySchema { ItemSchema: global::Avro.RecordSchema { Fullname: Namespace + ".MapEntry" } entry } when entry.Fields.Count == 2:
                kind = AvroKind.MapEntries;
                keys = ToConnect(entry.Fields[0].Schema, false, -1, records);
                items = ToConnect(entry.Fields[1].Schema, false, -1, records);
                builder = SchemaBuilder.Map(keys.Connect, items.Connect);
                break;
            case global::Avro.ArraySchema array:
                items = ToConnect(array.ItemSchema, false, -1, records);
                builder = SchemaBuilder.Array(items.Connect);
                break;
            case global::Avro.MapSchema map:
                items = ToConnect(map.ValueSchema, false, -1, records);
                builder = SchemaBuilder.Map(Schema.String, items.Connect);
                break;
            case global::Avro.RecordSchema record:
                if (records.ContainsKey(record.Fullname))
                {
                    throw new DataException($"Recursive Avro record {record.Fullname} has no Connect mapping");
                }
                records[record.Fullname] = null!;
                builder = SchemaBuilder.Struct();
                if (!record.Fullname.StartsWith(Namespace + "." + DefaultRecordName, StringComparison.Ordinal))
                {
                    builder.Name(record.Fullname);
                }
                if (record.Documentation is { } recordDoc)
                {
                    builder.Doc(recordDoc);
                }
                fields = new AvroPlan[record.Fields.Count];
                for (var i = 0; i < record.Fields.Count; i++)
                {
                    fields[i] = ToConnect(record.Fields[i].Schema, false, -1, records);
                    builder.Field(record.Fields[i].Name, fields[i].Connect);
                }
                records.Remove(record.Fullname);
                break;
        }
        if (logical == ConnectLogical.None && avro is not global::Avro.RecordSchema)
        {
            if (Unquote(schemaForProps.GetProperty("connect.name")) is { } connectName)
            {
                builder.Name(connectName);
            }
            if (Unquote(schemaForProps.GetProperty("connect.doc")) is { } connectDoc)
            {
                builder.Doc(connectDoc);
            }
        }
        if (logical == ConnectLogical.None && schemaForProps.GetProperty("connect.version") is { } connectVersion)
        {
            builder.Version(int.Parse(connectVersion, CultureInfo.InvariantCulture));
        }
        if (logical == ConnectLogical.None && schemaForProps.GetProperty("connect.parameters") is { } parameters && JsonNode.Parse(parameters) is JsonObject parameterMap)
        {
            foreach (var (key, value) in parameterMap)
            {
                builder.Parameter(key, value?.ToString() ?? "");
            }
        }
        if (optional)
        {
            builder.Optional();
        }
        if (logical == ConnectLogical.None)
        {
            logical = builder.Type switch
            {
                SchemaType.Int8 => ConnectLogical.Int8,
                SchemaType.Int16 => ConnectLogical.Int16,
                _ => ConnectLogical.None,
            };
        }
        return new AvroPlan { Kind = kind, Connect = builder.Build(), NullBranch = nullBranch, Logical = logical, Fields = fields, Items = items, Keys = keys, Symbols = symbols, FixedSize = fixedSize };
    }

    private static AvroKind KindOf(AvroSchema avro) => avro.Tag switch
    {
        AvroSchema.Type.Boolean => AvroKind.Boolean,
        AvroSchema.Type.Int => AvroKind.Int,
        AvroSchema.Type.Long => AvroKind.Long,
        AvroSchema.Type.Float => AvroKind.Float,
        AvroSchema.Type.Double => AvroKind.Double,
        AvroSchema.Type.Bytes => AvroKind.Bytes,
        AvroSchema.Type.String => AvroKind.String,
        AvroSchema.Type.Enumeration => AvroKind.Enum,
        AvroSchema.Type.Fixed => AvroKind.Fixed,
        AvroSchema.Type.Array => AvroKind.Array,
        AvroSchema.Type.Map => AvroKind.Map,
        AvroSchema.Type.Record or AvroSchema.Type.Error => AvroKind.Record,
        _ => throw new DataException($"Avro type {avro.Tag} has no Connect mapping"),
    };

    /// <summary>Apache.Avro returns string properties as JSON text ("\"x\""); the bare string, or null.</summary>
    private static string? Unquote(string? json) => json is null ? null : JsonNode.Parse(json) is JsonValue value && value.TryGetValue<string>(out var text) ? text : json;
}
