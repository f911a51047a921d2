using System.Collections;
using System.Globalization;
using System.Numerics;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Json;
using Tributary.Connect.Plugins;
using Tributary.Connect.Storage;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>Cast</c>: casts fields of a struct or map (<c>spec=field:type,…</c>), or the whole key or value
/// (<c>spec=type</c>), to int8…float64, boolean or string, as Java's narrowing and parsing do. Logical types cast
/// from their numeric encoding (a Date is its day number), or to their ISO-8601 text for string; bytes cast only to
/// string (base64). Casted fields' schemas become the plain target type, keeping optionality and (cast) defaults.
/// </summary>
public abstract class Cast : ITransformation
{
    public const string SpecConfig = "spec";
    private const string Purpose = "cast types";
    private const string WholeValueCast = "";
    private static readonly SchemaType[] OutputTypes =
        [SchemaType.Int8, SchemaType.Int16, SchemaType.Int32, SchemaType.Int64, SchemaType.Float32, SchemaType.Float64, SchemaType.Boolean, SchemaType.String];

    private readonly LruCache<Schema, Schema> _schemaUpdateCache = new(16);
    private Dictionary<string, SchemaType> _casts = [];
    private SchemaType? _wholeValueCastType;
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(SpecConfig, ConfigType.List, Importance.High,
            "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.",
            Validators.Lambda((name, value) => value is IReadOnlyCollection<string> { Count: > 0 } ? null : "Must specify at least one field to cast.", "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>"))
        .DefineReplaceNullWithDefault();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _casts = ParseFieldTypes(config.GetList(SpecConfig));
        _wholeValueCastType = _casts.TryGetValue(WholeValueCast, out var whole) ? whole : null;
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
    }

    private static Dictionary<string, SchemaType> ParseFieldTypes(IReadOnlyList<string> mappings)
    {
        var casts = new Dictionary<string, SchemaType>(StringComparer.Ordinal);
        var wholeValue = false;
        foreach (var mapping in mappings)
        {
            var parts = mapping.Split(':');
            if (parts.Length > 2)
            {
                throw new ConfigException("renames", "[" + string.Join(", ", mappings) + "]", "Invalid rename mapping: " + mapping);
            }
            var typeName = parts[^1].Trim();
            if (!SchemaTypes.TryParse(typeName, out var type))
            {
                throw new ConfigException("Invalid type found in casting spec: " + typeName);
            }
            if (!OutputTypes.Contains(type))
            {
                throw new ConfigException("Cast transformation does not support casting to " + type.Name().ToUpperInvariant() + "; supported types are " + TypeList(OutputTypes));
            }
            if (parts.Length == 1)
            {
                casts[WholeValueCast] = type;
                wholeValue = true;
            }
            else
            {
                casts[parts[0].Trim()] = type;
            }
        }
        if (wholeValue && mappings.Count > 1)
        {
            throw new ConfigException("Cast transformations that specify a type to cast the entire value to may ony specify a single cast in their spec");
        }
        return casts;
    }

    private static string TypeList(IEnumerable<SchemaType> types) => "[" + string.Join(", ", types.Select(t => t.Name().ToUpperInvariant())) + "]";

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var schema = RecordSide.OperatingSchema(record, IsKey);
        var value = RecordSide.OperatingValue(record, IsKey);
        if (schema is null)
        {
            if (_wholeValueCastType is { } wholeType)
            {
                return RecordSide.NewRecord(record, IsKey, null, CastValueToType(null, value, wholeType));
            }
            if (value is null)
            {
                return record;
            }
            var map = RequireMap(value, Purpose);
            var updated = new Dictionary<object, object?>(map.Count);
            foreach (DictionaryEntry entry in map)
            {
                updated[entry.Key] = entry.Key is string name && _casts.TryGetValue(name, out var target) ? CastValueToType(null, entry.Value, target) : entry.Value;
            }
            return RecordSide.NewRecord(record, IsKey, null, updated);
        }
        if (!_schemaUpdateCache.TryGet(schema, out var updatedSchema))
        {
            updatedSchema = BuildSchema(schema);
            _schemaUpdateCache.Put(schema, updatedSchema);
        }
        if (_wholeValueCastType is { } castType)
        {
            return RecordSide.NewRecord(record, IsKey, updatedSchema, CastValueToType(schema, value, castType));
        }
        var structValue = RequireStructOrNull(value, Purpose);
        if (structValue is null)
        {
            return RecordSide.NewRecord(record, IsKey, updatedSchema, null);
        }
        var result = new Struct(updatedSchema);
        foreach (var field in structValue.Schema.Fields)
        {
            var original = RecordSide.FieldValue(structValue, field, _replaceNullWithDefault);
            result.Put(field.Name, _casts.TryGetValue(field.Name, out var target) ? CastValueToType(field.Schema, original, target) : original);
        }
        return RecordSide.NewRecord(record, IsKey, updatedSchema, result);
    }

    private Schema BuildSchema(Schema schema)
    {
        if (_wholeValueCastType is { } wholeType)
        {
            return CastSchema(schema, wholeType);
        }
        if (schema.Type != SchemaType.Struct)
        {
            throw new DataException("Only Struct objects supported for [" + Purpose + "], found: " + schema.Type.Name().ToUpperInvariant());
        }
        var builder = SchemaUtil.CopySchemaBasics(schema, SchemaBuilder.Struct());
        foreach (var field in schema.Fields)
        {
            builder.Field(field.Name, _casts.TryGetValue(field.Name, out var target) ? CastSchema(field.Schema, target) : field.Schema);
        }
        if (schema.IsOptional)
        {
            builder.Optional();
        }
        return builder.Build();
    }

    private static Schema CastSchema(Schema original, SchemaType target)
    {
        var builder = new SchemaBuilder(target);
        if (original.IsOptional)
        {
            builder.Optional();
        }
        if (original.DefaultValue is { } defaultValue)
        {
            builder.DefaultValue(CastValueToType(original, defaultValue, target));
        }
        return builder.Build();
    }

    /// <summary>Kafka's castValueToType: one value to <paramref name="target"/>.</summary>
    public static object? CastValueToType(Schema? schema, object? value, SchemaType target)
    {
        if (value is null)
        {
            return null;
        }
        var inferred = schema?.Type ?? InferType(value);
        if (!OutputTypes.Contains(inferred) && inferred != SchemaType.Bytes)
        {
            throw new DataException("Cast transformation does not support casting from " + inferred.Name().ToUpperInvariant() + "; supported types are " + TypeList([.. OutputTypes, SchemaType.Bytes]));
        }
        if (schema?.Name is { } logicalName && target != SchemaType.String)
        {
            value = logicalName switch
            {
                Data.Date.LogicalName => Data.Date.FromLogical(schema, (DateTime)value),
                Data.Time.LogicalName => Data.Time.FromLogical(schema, (DateTime)value),
                Data.Timestamp.LogicalName => Data.Timestamp.FromLogical(schema, (DateTime)value),
                _ => value,
            };
        }
        try
        {
            return target switch
            {
                SchemaType.Int8 => (sbyte)ToInt(value, text => sbyte.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                SchemaType.Int16 => (short)ToInt(value, text => short.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                SchemaType.Int32 => ToInt(value, text => int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                SchemaType.Int64 => ToLong(value, text => long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                SchemaType.Float32 => ToFloat(value),
                SchemaType.Float64 => ToDouble(value),
                SchemaType.Boolean => value switch
                {
                    bool b => b,
                    string s => s.Equals("true", StringComparison.OrdinalIgnoreCase),
                    _ when IsNumber(value) => ToLong(value, _ => 0) != 0,
                    _ => throw Unexpected(value),
                },
                _ => value switch
                {
                    DateTime date => Values.FormatDate(date),
                    _ when ValueEquality.TryBytes(value, out var bytes) => Convert.ToBase64String(bytes),
                    _ => JavaText.ToString(value),
                },
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new DataException("Cast transformation could not parse " + value + " as " + target.Name().ToUpperInvariant(), e);
        }
    }

    private static SchemaType InferType(object value)
    {
        try
        {
            return ConnectJsonWriter.InferType(value);
        }
        catch (DataException)
        {
            throw new DataException("Cast transformation does not support casting from " + JavaClassName.Of(value));
        }
    }

    private static bool IsNumber(object value) => value is sbyte or short or int or long or float or double or BigDecimal or decimal;

    private static DataException Unexpected(object value) => new("Unexpected type in Cast transformation: " + JavaClassName.Of(value));

    /// <summary>Java's <c>Number.longValue()</c> (floating point saturates, decimals truncate) or a parse of a string.</summary>
    private static long ToLong(object value, Func<string, long> parse) => value switch
    {
        sbyte or short or int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float f => JavaD2L(f),
        double d => JavaD2L(d),
        BigDecimal big => TruncatedLowBits(big),
        decimal small => TruncatedLowBits(small),
        bool b => b ? 1 : 0,
        string s => parse(s.Trim() == s ? s : throw new FormatException("For input string: \"" + s + "\"")),
        _ => throw Unexpected(value),
    };

    /// <summary>Java's <c>Number.intValue()</c> (floating point saturates at the int range) or a parse of a string.</summary>
    private static int ToInt(object value, Func<string, int> parse) => value switch
    {
        float f => JavaD2I(f),
        double d => JavaD2I(d),
        string s => (int)ToLong(s, text => parse(text)),
        _ => (int)ToLong(value, _ => 0),
    };

    private static int JavaD2I(double value) => double.IsNaN(value) ? 0 : value >= int.MaxValue ? int.MaxValue : value <= int.MinValue ? int.MinValue : (int)value;

    private static long JavaD2L(double value) => double.IsNaN(value) ? 0 : value >= 9.2233720368547758E18 ? long.MaxValue : value <= -9.2233720368547758E18 ? long.MinValue : (long)value;

    private static long TruncatedLowBits(BigDecimal value)
    {
        var integral = value.Scale <= 0 ? value.Unscaled * BigInteger.Pow(10, Math.Min(-value.Scale, 64)) : BigInteger.Divide(value.Unscaled, BigInteger.Pow(10, value.Scale));
        return unchecked((long)(ulong)(integral & ulong.MaxValue));
    }

    private static float ToFloat(object value) => value switch
    {
        float f => f,
        double d => (float)d,
        sbyte or short or int or long => Convert.ToSingle(value, CultureInfo.InvariantCulture),
        BigDecimal big => float.Parse(big.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture),
        decimal small => (float)small,
        bool b => b ? 1f : 0f,
        string s => float.Parse(JavaFloatingText(s), NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw Unexpected(value),
    };

    private static double ToDouble(object value) => value switch
    {
        double d => d,
        float f => f,
        sbyte or short or int or long => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        BigDecimal big => big.ToDouble(),
        decimal small => (double)small,
        bool b => b ? 1d : 0d,
        string s => double.Parse(JavaFloatingText(s), NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw Unexpected(value),
    };

    /// <summary>Java's Double.parseDouble accepts surrounding whitespace and a trailing d/D/f/F type suffix.</summary>
    private static string JavaFloatingText(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length > 1 && trimmed[^1] is 'd' or 'D' or 'f' or 'F' && !trimmed.EndsWith("Infinity", StringComparison.Ordinal) ? trimmed[..^1] : trimmed;
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.Cast$Key")]
    public sealed class Key : Cast
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.Cast$Value")]
    public sealed class Value : Cast
    {
        protected override bool IsKey => false;
    }
}
