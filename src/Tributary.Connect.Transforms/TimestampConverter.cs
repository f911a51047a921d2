using System.Collections;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.FieldPaths;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>TimestampConverter</c>: converts a timestamp (the whole key or value, or the field <c>field</c>) between
/// a formatted string (<c>format</c>, a SimpleDateFormat pattern, UTC), a Unix number (<c>unix.precision</c>:
/// seconds, milliseconds, microseconds or nanoseconds since the epoch) and Connect's Date, Time and Timestamp logical
/// types. The source type comes from the schema, or without one from the value (string, long or date).
/// </summary>
public abstract class TimestampConverter : ITransformation
{
    public const string FieldConfig = "field";
    public const string TargetTypeConfig = "target.type";
    public const string FormatConfig = "format";
    public const string UnixPrecisionConfig = "unix.precision";
    private const string Purpose = "converting timestamp formats";
    private const string TypeString = "string";
    private const string TypeUnix = "unix";
    private const string TypeDate = "Date";
    private const string TypeTime = "Time";
    private const string TypeTimestamp = "Timestamp";
    private const long MillisPerDay = 24L * 60 * 60 * 1000;

    private readonly LruCache<Schema, Schema> _schemaUpdateCache = new(16);
    private SingleFieldPath? _field;
    private string _targetType = TypeTimestamp;
    private JavaSimpleDateFormat? _format;
    private string _unixPrecision = "milliseconds";
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .Define(FieldConfig, ConfigType.String, "", Importance.High, "The field containing the timestamp, or empty if the entire value is a timestamp")
        .DefineRequired(TargetTypeConfig, ConfigType.String, Importance.High, "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
            Validators.In(TypeString, TypeUnix, TypeDate, TypeTime, TypeTimestamp))
        .Define(FormatConfig, ConfigType.String, "", Importance.Medium,
            "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.")
        .Define(UnixPrecisionConfig, ConfigType.String, "milliseconds", Importance.Low,
            "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.",
            Validators.In("nanoseconds", "microseconds", "milliseconds", "seconds"))
        .DefineReplaceNullWithDefault()
        .DefineFieldSyntaxVersion();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        var field = config.GetString(FieldConfig)!;
        _field = field.Length == 0 ? null : SingleFieldPath.Parse(field, config.IsV2());
        _targetType = config.GetString(TargetTypeConfig)!;
        var pattern = config.GetString(FormatConfig)!;
        _unixPrecision = config.GetString(UnixPrecisionConfig)!;
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
        if (_targetType == TypeString && string.IsNullOrWhiteSpace(pattern))
        {
            throw new ConfigException("TimestampConverter requires format option to be specified when using string timestamps");
        }
        if (pattern.Length > 0)
        {
            try
            {
                _format = new JavaSimpleDateFormat(pattern);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException("TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: " + pattern, e);
            }
        }
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var schema = RecordSide.OperatingSchema(record, IsKey);
        var value = RecordSide.OperatingValue(record, IsKey);
        return schema is null ? ApplySchemaless(record, value) : ApplyWithSchema(record, schema, value);
    }

    private ConnectRecord ApplySchemaless(ConnectRecord record, object? value)
    {
        if (value is null || _field is null)
        {
            return RecordSide.NewRecord(record, IsKey, null, Convert(value, null));
        }
        var map = RequireMap(value, Purpose);
        var updated = new Dictionary<object, object?>(map.Count);
        foreach (DictionaryEntry entry in map)
        {
            updated[entry.Key] = entry.Value;
        }
        if (!_field.IsNested)
        {
            updated[_field.Path] = Convert(map.Contains(_field.Path) ? map[_field.Path] : null, null);
        }
        else
        {
            updated[_field.Steps[0]] = UpdateNestedMap(map.Contains(_field.Steps[0]) ? map[_field.Steps[0]] as IDictionary : null, 1);
        }
        return RecordSide.NewRecord(record, IsKey, null, updated);
    }

    private object? UpdateNestedMap(IDictionary? map, int step)
    {
        if (map is null)
        {
            return null;
        }
        var copy = new Dictionary<object, object?>(map.Count);
        foreach (DictionaryEntry entry in map)
        {
            copy[entry.Key] = entry.Value;
        }
        var name = _field!.Steps[step];
        if (!map.Contains(name))
        {
            return copy;
        }
        copy[name] = step == _field.Steps.Count - 1 ? Convert(map[name], null) : UpdateNestedMap(map[name] as IDictionary, step + 1);
        return copy;
    }

    private ConnectRecord ApplyWithSchema(ConnectRecord record, Schema schema, object? value)
    {
        if (_field is null)
        {
            return RecordSide.NewRecord(record, IsKey, TargetSchema(schema.IsOptional), Convert(value, TypeFromSchema(schema)));
        }
        var structValue = RequireStructOrNull(value, Purpose);
        if (!_schemaUpdateCache.TryGet(schema, out var updatedSchema))
        {
            updatedSchema = UpdateSchema(schema, 0);
            _schemaUpdateCache.Put(schema, updatedSchema);
        }
        return RecordSide.NewRecord(record, IsKey, updatedSchema, structValue is null ? null : UpdateStruct(structValue, updatedSchema, 0));
    }

    private Schema UpdateSchema(Schema schema, int step)
    {
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        var last = step == _field!.Steps.Count - 1;
        foreach (var field in schema.Fields)
        {
            if (field.Name != _field.Steps[step])
            {
                builder.Field(field.Name, field.Schema);
            }
            else if (last)
            {
                builder.Field(field.Name, TargetSchema(field.Schema.IsOptional));
            }
            else if (field.Schema.Type == SchemaType.Struct)
            {
                builder.Field(field.Name, UpdateSchema(field.Schema, step + 1));
            }
            else
            {
                builder.Field(field.Name, field.Schema);
            }
        }
        if (schema.IsOptional)
        {
            builder.Optional();
        }
        var updated = builder.Build();
        if (schema.DefaultValue is Struct defaultValue)
        {
            builder.DefaultValue(UpdateStruct(defaultValue, updated, step));
            updated = builder.Build();
        }
        return updated;
    }

    private Struct UpdateStruct(Struct value, Schema updatedSchema, int step)
    {
        var updated = new Struct(updatedSchema);
        var last = step == _field!.Steps.Count - 1;
        foreach (var field in value.Schema.Fields)
        {
            var original = RecordSide.FieldValue(value, field, _replaceNullWithDefault);
            object? converted = original;
            if (field.Name == _field.Steps[step])
            {
                if (last)
                {
                    converted = Convert(original, TypeFromSchema(field.Schema));
                }
                else if (original is Struct nested)
                {
                    converted = UpdateStruct(nested, updatedSchema.Field(field.Name)!.Schema, step + 1);
                }
            }
            updated.Put(field.Name, converted);
        }
        return updated;
    }

    private Schema TargetSchema(bool optional)
    {
        SchemaBuilder builder = _targetType switch
        {
            TypeString => SchemaBuilder.String(),
            TypeUnix => SchemaBuilder.Int64(),
            TypeDate => Data.Date.Builder(),
            TypeTime => Data.Time.Builder(),
            _ => Data.Timestamp.Builder(),
        };
        return optional ? builder.Optional().Build() : builder.Build();
    }

    private static string TypeFromSchema(Schema schema) => schema.Name switch
    {
        Data.Timestamp.LogicalName => TypeTimestamp,
        Data.Date.LogicalName => TypeDate,
        Data.Time.LogicalName => TypeTime,
        _ => schema.Type switch
        {
            SchemaType.String => TypeString,
            SchemaType.Int64 => TypeUnix,
            _ => throw new ConnectException("Schema " + schema + " does not correspond to a known timestamp type format"),
        },
    };

    private static string InferType(object value) => value switch
    {
        DateTime => TypeTimestamp,
        long => TypeUnix,
        string => TypeString,
        _ => throw new DataException("TimestampConverter does not support " + JavaClassName.Of(value) + " objects as timestamps"),
    };

    /// <summary>Converts one timestamp from its type (given, or inferred from the value) to the target type; null stays null.</summary>
    private object? Convert(object? value, string? sourceType)
    {
        if (value is null)
        {
            return null;
        }
        var millis = ToMillis(value, sourceType ?? InferType(value));
        return _targetType switch
        {
            TypeString => _format!.Format(Epoch.FromMillis(millis)),
            TypeUnix => FromMillisInPrecision(millis),
            TypeDate => Epoch.FromMillis(FloorDiv(millis, MillisPerDay) * MillisPerDay),
            TypeTime => Epoch.FromMillis(millis - FloorDiv(millis, MillisPerDay) * MillisPerDay),
            _ => Epoch.FromMillis(millis),
        };
    }

    private long ToMillis(object value, string type)
    {
        switch (type)
        {
            case TypeString:
                if (value is not string text)
                {
                    throw new DataException("Expected string timestamp to be a String, but found " + JavaClassName.Of(value));
                }
                if (_format is null)
                {
                    throw new DataException("TimestampConverter requires format option to be specified when using string timestamps");
                }
                try
                {
                    return Epoch.ToMillis(_format.Parse(text));
                }
                catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
                {
                    throw new DataException("Could not parse timestamp: value (" + text + ") does not match pattern (" + _format.Pattern + ")", e);
                }
            case TypeUnix:
                if (value is not long unix)
                {
                    throw new DataException("Expected Unix timestamp to be a Long, but found " + JavaClassName.Of(value));
                }
                return _unixPrecision switch
                {
                    "seconds" => unix * 1000,
                    "microseconds" => unix / 1000,
                    "nanoseconds" => unix / 1_000_000,
                    _ => unix,
                };
            default:
                if (value is not DateTime date)
                {
                    throw new DataException("Expected " + type + " to be a java.util.Date, but found " + JavaClassName.Of(value));
                }
                return Epoch.ToMillis(date);
        }
    }

    private long FromMillisInPrecision(long millis) => _unixPrecision switch
    {
        "seconds" => millis / 1000,
        "microseconds" => millis * 1000,
        "nanoseconds" => millis * 1_000_000,
        _ => millis,
    };

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.TimestampConverter$Key")]
    public sealed class Key : TimestampConverter
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.TimestampConverter$Value")]
    public sealed class Value : TimestampConverter
    {
        protected override bool IsKey => false;
    }
}
