using System.Collections;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Data;

/// <summary>
/// An immutable Connect schema (Kafka's <c>ConnectSchema</c>): a type, optionality, a default, an optional name,
/// version, doc and parameters, fields (STRUCT), a key schema (MAP) and a value schema (MAP, ARRAY). Logical types
/// are schemas with a well-known name (<see cref="Decimal.LogicalName"/> …). Built with <see cref="SchemaBuilder"/>;
/// the predefined primitive schemas are properties here. Equality is structural over every member, as in Kafka, so
/// converters can cache by schema. Thread-safe.
/// </summary>
public sealed class Schema : IEquatable<Schema>
{
    private readonly IReadOnlyList<Field>? _fields;
    private readonly Dictionary<string, Field>? _fieldsByName;
    private readonly Schema? _keySchema;
    private readonly Schema? _valueSchema;
    private int _hash;

    internal Schema(SchemaType type, bool optional, object? defaultValue, string? name, int? version, string? doc,
        IReadOnlyDictionary<string, string>? parameters, IReadOnlyList<Field>? fields, Schema? keySchema, Schema? valueSchema)
    {
        Type = type;
        IsOptional = optional;
        DefaultValue = defaultValue;
        Name = name;
        Version = version;
        Doc = doc;
        Parameters = parameters;
        if (type == SchemaType.Struct)
        {
            _fields = fields ?? [];
            _fieldsByName = new Dictionary<string, Field>(StringComparer.Ordinal);
            foreach (var field in _fields)
            {
                _fieldsByName[field.Name] = field;
            }
        }
        _keySchema = keySchema;
        _valueSchema = valueSchema;
    }

    public SchemaType Type { get; }

    public bool IsOptional { get; }

    public object? DefaultValue { get; }

    public string? Name { get; }

    public int? Version { get; }

    public string? Doc { get; }

    public IReadOnlyDictionary<string, string>? Parameters { get; }

    /// <summary>The fields of a STRUCT, in order; DataException for any other type.</summary>
    public IReadOnlyList<Field> Fields => _fields ?? throw new DataException("Cannot list fields on non-struct type");

    /// <summary>The field named <paramref name="name"/>, or null; DataException for a non-STRUCT schema.</summary>
    public Field? Field(string name)
    {
        if (_fieldsByName is null)
        {
            throw new DataException("Cannot look up fields on non-struct type");
        }
        return _fieldsByName.GetValueOrDefault(name);
    }

    /// <summary>The key schema of a MAP; DataException for any other type.</summary>
    public Schema KeySchema => Type == SchemaType.Map ? _keySchema! : throw new DataException("Cannot look up key schema on non-map type");

    /// <summary>The value schema of a MAP or the element schema of an ARRAY; DataException for any other type.</summary>
    public Schema ValueSchema => Type is SchemaType.Map or SchemaType.Array ? _valueSchema! : throw new DataException("Cannot look up value schema on non-array and non-map type");

    public static Schema Int8 { get; } = new(SchemaType.Int8, false, null, null, null, null, null, null, null, null);
    public static Schema Int16 { get; } = new(SchemaType.Int16, false, null, null, null, null, null, null, null, null);
    public static Schema Int32 { get; } = new(SchemaType.Int32, false, null, null, null, null, null, null, null, null);
    public static Schema Int64 { get; } = new(SchemaType.Int64, false, null, null, null, null, null, null, null, null);
    public static Schema Float32 { get; } = new(SchemaType.Float32, false, null, null, null, null, null, null, null, null);
    public static Schema Float64 { get; } = new(SchemaType.Float64, false, null, null, null, null, null, null, null, null);
    public static Schema Boolean { get; } = new(SchemaType.Boolean, false, null, null, null, null, null, null, null, null);
    public static Schema String { get; } = new(SchemaType.String, false, null, null, null, null, null, null, null, null);
    public static Schema Bytes { get; } = new(SchemaType.Bytes, false, null, null, null, null, null, null, null, null);
    public static Schema OptionalInt8 { get; } = new(SchemaType.Int8, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalInt16 { get; } = new(SchemaType.Int16, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalInt32 { get; } = new(SchemaType.Int32, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalInt64 { get; } = new(SchemaType.Int64, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalFloat32 { get; } = new(SchemaType.Float32, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalFloat64 { get; } = new(SchemaType.Float64, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalBoolean { get; } = new(SchemaType.Boolean, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalString { get; } = new(SchemaType.String, true, null, null, null, null, null, null, null, null);
    public static Schema OptionalBytes { get; } = new(SchemaType.Bytes, true, null, null, null, null, null, null, null, null);

    /// <summary>The predefined schema of a primitive type (optional or not), the one converters fall back to.</summary>
    public static Schema OfType(SchemaType type, bool optional = false) => (type, optional) switch
    {
        (SchemaType.Int8, false) => Int8,
        (SchemaType.Int16, false) => Int16,
        (SchemaType.Int32, false) => Int32,
        (SchemaType.Int64, false) => Int64,
        (SchemaType.Float32, false) => Float32,
        (SchemaType.Float64, false) => Float64,
        (SchemaType.Boolean, false) => Boolean,
        (SchemaType.String, false) => String,
        (SchemaType.Bytes, false) => Bytes,
        (SchemaType.Int8, true) => OptionalInt8,
        (SchemaType.Int16, true) => OptionalInt16,
        (SchemaType.Int32, true) => OptionalInt32,
        (SchemaType.Int64, true) => OptionalInt64,
        (SchemaType.Float32, true) => OptionalFloat32,
        (SchemaType.Float64, true) => OptionalFloat64,
        (SchemaType.Boolean, true) => OptionalBoolean,
        (SchemaType.String, true) => OptionalString,
        (SchemaType.Bytes, true) => OptionalBytes,
        _ => throw new DataException($"No predefined schema for type {type.Name().ToUpperInvariant()}"),
    };

    /// <summary>Checks that <paramref name="value"/> fits <paramref name="schema"/>; DataException naming what does not.</summary>
    public static void ValidateValue(Schema schema, object? value) => ValidateValue(null, schema, value);

    /// <summary>
    /// Kafka's <c>ConnectSchema.validateValue</c>: null only for optional schemas; the value's .NET type must be the
    /// type's (or the logical type's) value type; structs must have an equal schema and be valid; array elements and
    /// map entries are checked recursively.
    /// </summary>
    public static void ValidateValue(string? field, Schema schema, object? value)
    {
        if (value is null)
        {
            if (!schema.IsOptional)
            {
                var message = field is null ? "Invalid value: null used for required field" : $"Invalid value: null used for required field: \"{field}\"";
                throw new DataException($"{message}, schema type: {schema.Type.Name().ToUpperInvariant()}");
            }
            return;
        }
        if (!FitsType(schema, value))
        {
            var where = field is null ? "" : $" for field: \"{field}\"";
            // Kafka's wording, so a task trace reads (and searches) as Connect's does.
            throw new DataException($"Invalid Java object for schema with type {schema.Type.Name().ToUpperInvariant()}: class {value.GetType()}{where}");
        }
        switch (schema.Type)
        {
            case SchemaType.Struct:
                var structValue = (Struct)value;
                if (!structValue.Schema.Equals(schema))
                {
                    throw new DataException("Struct schemas do not match.");
                }
                structValue.Validate();
                break;
            case SchemaType.Array:
                foreach (var element in (IList)value)
                {
                    ValidateValue(field, schema.ValueSchema, element);
                }
                break;
            case SchemaType.Map:
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    ValidateValue(field, schema.KeySchema, entry.Key);
                    ValidateValue(field, schema.ValueSchema, entry.Value);
                }
                break;
        }
    }

    private static bool FitsType(Schema schema, object value)
    {
        switch (schema.Name)
        {
            case Decimal.LogicalName:
                return value is BigDecimal or decimal;
            case Date.LogicalName:
            case Time.LogicalName:
            case Timestamp.LogicalName:
                return value is DateTime;
        }
        return schema.Type switch
        {
            SchemaType.Int8 => value is sbyte,
            SchemaType.Int16 => value is short,
            SchemaType.Int32 => value is int,
            SchemaType.Int64 => value is long,
            SchemaType.Float32 => value is float,
            SchemaType.Float64 => value is double,
            SchemaType.Boolean => value is bool,
            SchemaType.String => value is string,
            SchemaType.Bytes => value is byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte>,
            SchemaType.Array => value is IList,
            SchemaType.Map => value is IDictionary,
            SchemaType.Struct => value is Struct,
            _ => false,
        };
    }

    public bool Equals(Schema? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || Type != other.Type || IsOptional != other.IsOptional || Name != other.Name || Version != other.Version || Doc != other.Doc)
        {
            return false;
        }
        if (!ValueEquality.Equal(DefaultValue, other.DefaultValue) || !ParametersEqual(Parameters, other.Parameters))
        {
            return false;
        }
        return Type switch
        {
            SchemaType.Struct => _fields!.SequenceEqual(other._fields!),
            SchemaType.Map => Equals(_keySchema, other._keySchema) && Equals(_valueSchema, other._valueSchema),
            SchemaType.Array => Equals(_valueSchema, other._valueSchema),
            _ => true,
        };
    }

    private static bool ParametersEqual(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if (a is null || b is null)
        {
            return (a?.Count ?? 0) == 0 && (b?.Count ?? 0) == 0 && (a is null) == (b is null);
        }
        return a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    public override bool Equals(object? obj) => Equals(obj as Schema);

    public override int GetHashCode()
    {
        if (_hash != 0)
        {
            return _hash;
        }
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(IsOptional);
        hash.Add(Name);
        hash.Add(Version);
        hash.Add(Doc);
        if (_fields is not null)
        {
            foreach (var field in _fields)
            {
                hash.Add(field.Name);
            }
        }
        hash.Add(_keySchema);
        hash.Add(_valueSchema);
        var value = hash.ToHashCode();
        _hash = value == 0 ? 1 : value;
        return _hash;
    }

    /// <summary>Kafka's form: <c>Schema{STRING}</c>, <c>Schema{com.example.Order:STRUCT}</c>.</summary>
    public override string ToString() => Name is null ? $"Schema{{{Type.Name().ToUpperInvariant()}}}" : $"Schema{{{Name}:{Type.Name().ToUpperInvariant()}}}";
}
