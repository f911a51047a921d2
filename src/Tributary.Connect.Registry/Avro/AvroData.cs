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

    /// <summary>The Connect struct name AvroData gives an Avro union other than [null, T].</summary>
    public const string UnionName = Namespace + ".Union";
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
    /// <param name="bare">An optional schema is written without its null branch (the branches of a Connect union struct,
    /// whose null is the union's own).</param>
    private static JsonNode ToAvro(Schema schema, ref int unnamed, HashSet<string> defined, bool topLevel, out AvroPlan plan, bool bare = false)
    {
        if (schema.Type == SchemaType.Struct && schema.Name == UnionName)
        {
            return UnionToAvro(schema, ref unnamed, defined, out plan);
        }
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
                    if (field.Schema.DefaultValue is { } fieldDefault)
                    {
                        // A default Avro cannot express for this field's schema is left out (the field then has no default).
                        if (TryDefaultJson(field.Schema, fieldDefault, out var json))
                        {
                            fieldNode["default"] = json;
                        }
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
        if (schema.IsOptional && bare)
        {
            // A union branch: the union holds the null.
        }
        else if (schema.IsOptional && !topLevel)
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

    /// <summary>
    /// A Connect union struct (AvroData's <c>io.confluent.connect.avro.Union</c>) as an Avro union: null first when the
    /// struct is optional, then one branch per field in field order (each field's schema without its optional null).
    /// Avro forbids a union directly inside a union and two branches of one type or name; both are DataExceptions.
    /// </summary>
    private static JsonNode UnionToAvro(Schema schema, ref int unnamed, HashSet<string> defined, out AvroPlan plan)
    {
        var branches = new JsonArray();
        var offset = 0;
        if (schema.IsOptional)
        {
            branches.Add("null");
            offset = 1;
        }
        var fields = new AvroPlan[schema.Fields.Count];
        var fieldBranches = new int[fields.Length];
        var branchFields = new int[fields.Length + offset];
        branchFields[0] = -1;
        for (var i = 0; i < fields.Length; i++)
        {
            var member = schema.Fields[i].Schema;
            if (member.Type == SchemaType.Struct && member.Name == UnionName)
            {
                throw new DataException($"Field {schema.Fields[i].Name} of a Connect union is itself a union; Avro unions cannot contain unions");
            }
            branches.Add(ToAvro(member, ref unnamed, defined, false, out fields[i], bare: true));
            fieldBranches[i] = i + offset;
            branchFields[i + offset] = i;
        }
        plan = new AvroPlan
        {
            Kind = AvroKind.Union,
            Connect = schema,
            Fields = fields,
            FieldBranches = fieldBranches,
            BranchFields = branchFields,
            UnionNullBranch = offset == 1 ? 0 : -1,
        };
        return branches;
    }

    /// <summary>
    /// The Avro JSON default of a Connect default value, as AvroData writes it: numbers, booleans and strings as
    /// themselves, bytes (and Decimal's unscaled bytes) as a string of code points 0-255 (the specification's JSON
    /// encoding of bytes), Date/Time/Timestamp as their int/long encodings, arrays as arrays, maps with string keys as
    /// objects and others as arrays of {key, value}, structs as objects of their fields' values, a union struct as its
    /// set branch's value. The specification ties a union's default to its first branch, so a value the first branch
    /// cannot hold (a non-null value of an optional schema whose union starts with null, or the reverse) has no
    /// default: false, and the field is written without one.
    /// </summary>
    private static bool TryDefaultJson(Schema schema, object? value, out JsonNode? json)
    {
        json = null;
        if (schema.IsOptional)
        {
            // Optional schemas are [null, T] unions when their default is null and [T, null] otherwise (see ToAvro).
            var nullFirst = schema.DefaultValue is null;
            if (value is null)
            {
                return nullFirst;
            }
            if (nullFirst)
            {
                return false;
            }
        }
        else if (value is null)
        {
            return false;
        }
        return TryValueJson(schema, value!, out json);
    }

    private static bool TryValueJson(Schema schema, object value, out JsonNode? json)
    {
        json = null;
        switch (Logical(schema))
        {
            case ConnectLogical.Decimal:
                json = Latin1(ConnectDecimal.FromLogical(schema, value));
                return true;
            case ConnectLogical.Date when value is DateTime date:
                json = JsonValue.Create(Date.FromLogical(schema, date));
                return true;
            case ConnectLogical.Time when value is DateTime time:
                json = JsonValue.Create(Time.FromLogical(schema, time));
                return true;
            case ConnectLogical.Timestamp when value is DateTime timestamp:
                json = JsonValue.Create(Timestamp.FromLogical(schema, timestamp));
                return true;
        }
        switch (schema.Type)
        {
            case SchemaType.Boolean:
                json = JsonValue.Create((bool)value);
                return true;
            case SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32 or SchemaType.Int64:
                json = JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return true;
            case SchemaType.Float32:
                json = JsonValue.Create((float)value);
                return true;
            case SchemaType.Float64:
                json = JsonValue.Create((double)value);
                return true;
            case SchemaType.String:
                json = JsonValue.Create((string)value);
                return true;
            case SchemaType.Bytes:
                json = Latin1(value switch
                {
                    byte[] raw => raw,
                    ReadOnlyMemory<byte> memory => memory.ToArray(),
                    ArraySegment<byte> segment => segment.ToArray(),
                    _ => throw new DataException($"Bytes expected in a default, got {value.GetType().Name}"),
                });
                return true;
            case SchemaType.Array:
                var array = new JsonArray();
                foreach (var item in (System.Collections.IList)value)
                {
                    if (!TryDefaultJson(schema.ValueSchema, item, out var itemJson))
                    {
                        return false;
                    }
                    array.Add(itemJson);
                }
                json = array;
                return true;
            case SchemaType.Map:
                var stringKeys = schema.KeySchema.Type == SchemaType.String && !schema.KeySchema.IsOptional;
                var entries = new JsonArray();
                var map = new JsonObject();
                foreach (System.Collections.DictionaryEntry entry in (System.Collections.IDictionary)value)
                {
                    if (!TryDefaultJson(schema.ValueSchema, entry.Value, out var entryValue))
                    {
                        return false;
                    }
                    if (stringKeys)
                    {
                        map[(string)entry.Key] = entryValue;
                    }
                    else if (TryDefaultJson(schema.KeySchema, entry.Key, out var entryKey))
                    {
                        entries.Add(new JsonObject { ["key"] = entryKey, ["value"] = entryValue });
                    }
                    else
                    {
                        return false;
                    }
                }
                json = stringKeys ? map : entries;
                return true;
            case SchemaType.Struct when schema.Name == UnionName:
                // The first branch is null for an optional union, else the first field: only that one can be a default.
                var union = (Struct)value;
                return !schema.IsOptional && union.Get(schema.Fields[0]) is { } first && TryValueJson(schema.Fields[0].Schema, first, out json);
            case SchemaType.Struct:
                var record = (Struct)value;
                var fields = new JsonObject();
                foreach (var field in schema.Fields)
                {
                    if (!TryDefaultJson(field.Schema, record.Get(field), out var fieldJson))
                    {
                        return false;
                    }
                    fields[field.Name] = fieldJson;
                }
                json = fields;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Bytes in Avro's JSON encoding: one character per byte, code points 0-255.</summary>
    private static JsonValue Latin1(byte[] bytes) => JsonValue.Create(System.Text.Encoding.Latin1.GetString(bytes));

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
            return UnionToConnect(union, records);
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
                    throw new DataException($"Avro record {record.Fullname} is recursive (it contains itself); Connect schemas are trees, so it has no Connect mapping");
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
                    if (record.Fields[i].DefaultValue is { Type: not Newtonsoft.Json.Linq.JTokenType.Null } defaultJson
                        && ConnectDefault(fields[i], defaultJson) is { } connectDefault)
                    {
                        fields[i] = fields[i] with { Connect = SchemaBuilder.From(fields[i].Connect).DefaultValue(connectDefault).Build() };
                    }
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

    /// <summary>
    /// An Avro union other than [null, T] as AvroData maps it: a struct named <c>io.confluent.connect.avro.Union</c>,
    /// optional when a branch is null, with one optional field per other branch in branch order, named after the
    /// branch: a record, enum or fixed by its name without namespace, any other type by its type name (<c>string</c>,
    /// <c>int</c>, <c>array</c>, <c>map</c>, ...; a logical type by its underlying type). Two branches with one field name
    /// (records of one name in different namespaces) are a DataException, as in AvroData.
    /// </summary>
    private static AvroPlan UnionToConnect(global::Avro.UnionSchema union, Dictionary<string, AvroPlan> records)
    {
        var builder = SchemaBuilder.Struct().Name(UnionName);
        var branches = union.Schemas;
        var branchFields = new int[branches.Count];
        var fieldBranches = new List<int>();
        var fields = new List<AvroPlan>();
        var nullBranch = -1;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var b = 0; b < branches.Count; b++)
        {
            var branch = branches[b];
            if (branch.Tag == AvroSchema.Type.Null)
            {
                nullBranch = b;
                branchFields[b] = -1;
                builder.Optional();
                continue;
            }
            var name = UnionMemberName(branch);
            if (!names.Add(name))
            {
                throw new DataException($"Two branches of the Avro union {union} map to the Connect union field {name}");
            }
            var member = ToConnect(branch, true, -1, records);
            builder.Field(name, member.Connect);
            branchFields[b] = fields.Count;
            fieldBranches.Add(b);
            fields.Add(member);
        }
        return new AvroPlan
        {
            Kind = AvroKind.Union,
            Connect = builder.Build(),
            Fields = [.. fields],
            FieldBranches = [.. fieldBranches],
            BranchFields = branchFields,
            UnionNullBranch = nullBranch,
        };
    }

    private static string UnionMemberName(AvroSchema branch) => branch switch
    {
        global::Avro.NamedSchema named => named.Name,
        global::Avro.LogicalSchema logical => UnionMemberName(logical.BaseSchema),
        _ => branch.Tag switch
        {
            AvroSchema.Type.Boolean => "boolean",
            AvroSchema.Type.Int => "int",
            AvroSchema.Type.Long => "long",
            AvroSchema.Type.Float => "float",
            AvroSchema.Type.Double => "double",
            AvroSchema.Type.Bytes => "bytes",
            AvroSchema.Type.String => "string",
            AvroSchema.Type.Array => "array",
            AvroSchema.Type.Map => "map",
            _ => throw new DataException($"Avro type {branch.Tag} has no Connect mapping"),
        },
    };

    /// <summary>
    /// The Connect value of an Avro field default (JSON per the specification: a union's default is its first branch's
    /// value; bytes and fixed are strings of code points 0-255), so that a schema read back keeps its defaults and maps
    /// to the same Avro schema again. A default that does not fit its schema is dropped (null) rather than failing the
    /// read: it does not affect the data.
    /// </summary>
    private static object? ConnectDefault(AvroPlan plan, Newtonsoft.Json.Linq.JToken json)
    {
        try
        {
            return DefaultValue(plan, json, unionFirstBranch: true);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException or DataException or Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    private static object? DefaultValue(AvroPlan plan, Newtonsoft.Json.Linq.JToken json, bool unionFirstBranch)
    {
        if (json.Type == Newtonsoft.Json.Linq.JTokenType.Null)
        {
            return null;
        }
        if (plan.NullBranch == 0 && unionFirstBranch)
        {
            throw new DataException("A non-null default for a union whose first branch is null");
        }
        switch (plan.Kind)
        {
            case AvroKind.Boolean:
                return (bool)json;
            case AvroKind.Int:
                return AvroBinary.FromInt(plan, (int)json);
            case AvroKind.Long:
                return AvroBinary.FromLong(plan, (long)json);
            case AvroKind.Float:
                return (float)json;
            case AvroKind.Double:
                return (double)json;
            case AvroKind.String or AvroKind.Enum:
                return (string)json!;
            case AvroKind.Bytes or AvroKind.Fixed:
                var bytes = System.Text.Encoding.Latin1.GetBytes((string)json!);
                return plan.Logical == ConnectLogical.Decimal ? ConnectDecimal.ToLogical(plan.Connect, bytes) : bytes;
            case AvroKind.Array:
                var list = new List<object?>();
                foreach (var item in (Newtonsoft.Json.Linq.JArray)json)
                {
                    list.Add(DefaultValue(plan.Items!, item, true));
                }
                return list;
            case AvroKind.Map:
                var map = new Dictionary<object, object?>();
                foreach (var (key, value) in (Newtonsoft.Json.Linq.JObject)json)
                {
                    map[key] = DefaultValue(plan.Items!, value!, true);
                }
                return map;
            case AvroKind.MapEntries:
                var entries = new Dictionary<object, object?>();
                foreach (var entry in (Newtonsoft.Json.Linq.JArray)json)
                {
                    entries[DefaultValue(plan.Keys!, entry["key"]!, true) ?? throw new DataException("Null map key")] = DefaultValue(plan.Items!, entry["value"]!, true);
                }
                return entries;
            case AvroKind.Union:
                // Only the first branch can be a union's default.
                if (plan.UnionNullBranch == 0)
                {
                    throw new DataException("A non-null default for a union whose first branch is null");
                }
                var member = plan.BranchFields[0];
                return new Struct(plan.Connect).Put(plan.Connect.Fields[member], DefaultValue(plan.Fields[member], json, false));
            default:
                var record = new Struct(plan.Connect);
                var fields = plan.Connect.Fields;
                var values = (Newtonsoft.Json.Linq.JObject)json;
                for (var i = 0; i < fields.Count; i++)
                {
                    if (values.TryGetValue(fields[i].Name, out var fieldJson))
                    {
                        record.Put(fields[i], DefaultValue(plan.Fields[i], fieldJson, true));
                    }
                }
                return record;
        }
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
