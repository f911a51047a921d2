using Tributary.Connect.Errors;

namespace Tributary.Connect.Data;

/// <summary>
/// Builds a <see cref="Schema"/> fluently, as Kafka's <c>SchemaBuilder</c> does: each property can be set once
/// (SchemaBuilderException "Invalid SchemaBuilder call: X has already been set." otherwise), a default must fit the
/// type, STRUCT field names are unique. Not thread-safe. A builder converts to its schema implicitly, so a builder
/// can be passed wherever a schema is expected.
/// </summary>
public sealed class SchemaBuilder
{
    private readonly SchemaType _type;
    private readonly List<Field>? _fields;
    private readonly Schema? _keySchema;
    private readonly Schema? _valueSchema;
    private bool? _optional;
    private object? _defaultValue;
    private string? _name;
    private int? _version;
    private string? _doc;
    private Dictionary<string, string>? _parameters;

    public SchemaBuilder(SchemaType type)
        : this(type, null, null)
    {
    }

    private SchemaBuilder(SchemaType type, Schema? keySchema, Schema? valueSchema)
    {
        _type = type;
        _keySchema = keySchema;
        _valueSchema = valueSchema;
        if (type == SchemaType.Struct)
        {
            _fields = [];
        }
    }

    public SchemaType Type => _type;

    /// <summary>The fields added so far (STRUCT only).</summary>
    public IReadOnlyList<Field> Fields => _fields ?? throw new DataException("Cannot list fields on non-struct type");

    public static SchemaBuilder Int8() => new(SchemaType.Int8);

    public static SchemaBuilder Int16() => new(SchemaType.Int16);

    public static SchemaBuilder Int32() => new(SchemaType.Int32);

    public static SchemaBuilder Int64() => new(SchemaType.Int64);

    public static SchemaBuilder Float32() => new(SchemaType.Float32);

    public static SchemaBuilder Float64() => new(SchemaType.Float64);

    public static SchemaBuilder Bool() => new(SchemaType.Boolean);

    public static SchemaBuilder String() => new(SchemaType.String);

    public static SchemaBuilder Bytes() => new(SchemaType.Bytes);

    public static SchemaBuilder Struct() => new(SchemaType.Struct);

    public static SchemaBuilder Array(Schema valueSchema) =>
        new(SchemaType.Array, null, valueSchema ?? throw new SchemaBuilderException("valueSchema cannot be null."));

    public static SchemaBuilder Map(Schema keySchema, Schema valueSchema) =>
        new(SchemaType.Map, keySchema ?? throw new SchemaBuilderException("keySchema cannot be null."), valueSchema ?? throw new SchemaBuilderException("valueSchema cannot be null."));

    /// <summary>A builder of a primitive type (ARRAY, MAP need their element schemas: use <see cref="Array"/>, <see cref="Map"/>).</summary>
    public static SchemaBuilder OfType(SchemaType type) => type switch
    {
        SchemaType.Array or SchemaType.Map => throw new SchemaBuilderException($"Use Array/Map to build a {type.Name()} schema."),
        _ => new SchemaBuilder(type),
    };

    /// <summary>A builder holding everything <paramref name="schema"/> has, to derive a variant of it.</summary>
    public static SchemaBuilder From(Schema schema)
    {
        var builder = schema.Type switch
        {
            SchemaType.Array => Array(schema.ValueSchema),
            SchemaType.Map => Map(schema.KeySchema, schema.ValueSchema),
            _ => new SchemaBuilder(schema.Type),
        };
        if (schema.Type == SchemaType.Struct)
        {
            foreach (var field in schema.Fields)
            {
                builder.Field(field.Name, field.Schema);
            }
        }
        builder._optional = schema.IsOptional;
        builder._defaultValue = schema.DefaultValue;
        builder._name = schema.Name;
        builder._version = schema.Version;
        builder._doc = schema.Doc;
        if (schema.Parameters is { } parameters)
        {
            builder._parameters = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        }
        return builder;
    }

    public SchemaBuilder Optional()
    {
        CheckCanSet("optional", _optional, true);
        _optional = true;
        return this;
    }

    public SchemaBuilder Required()
    {
        CheckCanSet("optional", _optional, false);
        _optional = false;
        return this;
    }

    public SchemaBuilder DefaultValue(object? value)
    {
        CheckCanSet("default", _defaultValue, value);
        try
        {
            Schema.ValidateValue(Build(), value);
        }
        catch (DataException e)
        {
            throw new SchemaBuilderException($"Invalid default value: {e.Message}");
        }
        _defaultValue = value;
        return this;
    }

    public SchemaBuilder Name(string? name)
    {
        CheckCanSet("name", _name, name);
        _name = name;
        return this;
    }

    public SchemaBuilder Version(int? version)
    {
        CheckCanSet("version", _version, version);
        _version = version;
        return this;
    }

    public SchemaBuilder Doc(string? doc)
    {
        CheckCanSet("doc", _doc, doc);
        _doc = doc;
        return this;
    }

    public SchemaBuilder Parameter(string name, string value)
    {
        (_parameters ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
        return this;
    }

    public SchemaBuilder Parameters(IReadOnlyDictionary<string, string> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            Parameter(name, value);
        }
        return this;
    }

    /// <summary>Adds a STRUCT field at the next position.</summary>
    public SchemaBuilder Field(string name, Schema schema)
    {
        if (_fields is null)
        {
            throw new SchemaBuilderException("Cannot create fields on type " + _type.Name().ToUpperInvariant());
        }
        ArgumentNullException.ThrowIfNull(name);
        if (schema is null)
        {
            throw new SchemaBuilderException("fieldSchema for field " + name + " cannot be null.");
        }
        if (_fields.Any(f => f.Name == name))
        {
            throw new SchemaBuilderException("Cannot create field because of field name duplication " + name);
        }
        _fields.Add(new Field(name, _fields.Count, schema));
        return this;
    }

    public Schema Build() =>
        new(_type, _optional ?? false, _defaultValue, _name, _version, _doc,
            _parameters is null ? null : new Dictionary<string, string>(_parameters, StringComparer.Ordinal),
            _fields?.ToList(), _keySchema, _valueSchema);

    public static implicit operator Schema(SchemaBuilder builder) => builder.Build();

    private static void CheckCanSet(string property, object? current, object? next)
    {
        if (current is not null && !Equals(current, next))
        {
            throw new SchemaBuilderException($"Invalid SchemaBuilder call: {property} has already been set.");
        }
    }
}
