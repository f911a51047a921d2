using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectTime = Tributary.Connect.Data.Time;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Connect.Json;

/// <summary>
/// JSON → Connect data, Kafka's <c>JsonConverter.convertToConnect</c> over a streaming reader (no tree). Without a
/// schema: objects become string-keyed maps (in the iteration order of the Java HashMap Kafka builds), arrays lists,
/// integers INT64 (<see cref="long"/>), other numbers FLOAT64, strings, booleans, null. With a schema: each type
/// reads as Jackson's accessors do, including their coercions (a string read as INT32 is 0, a number read as STRING
/// is null, an object read as ARRAY is the list of its member values); nulls become the default (when
/// <c>replace.null.with.default</c>), null (optional) or a DataException; logical types as Kafka reads them.
/// Stateless apart from the configuration; thread-safe.
/// </summary>
public sealed class ConnectJsonReader(bool replaceNullWithDefault)
{
    private static readonly ConditionalWeakTable<Schema, byte[][]> FieldNames = new();

    public bool ReplaceNullWithDefault { get; } = replaceNullWithDefault;

    /// <summary>Reader options matching Jackson's limits (nesting depth 1000).</summary>
    public static JsonReaderOptions Options { get; } = new() { MaxDepth = 1000 };

    /// <summary>Converts the value whose first token the reader is on; leaves the reader on its last token.</summary>
    public object? Read(ref Utf8JsonReader reader, Schema? schema)
    {
        if (schema is null)
        {
            return ReadSchemaless(ref reader);
        }
        if (reader.TokenType == JsonTokenType.Null)
        {
            return NullFor(schema);
        }
        if (schema.Name is { } logicalName && IsLogical(logicalName))
        {
            return ReadLogical(ref reader, schema, logicalName);
        }
        switch (schema.Type)
        {
            case SchemaType.Boolean:
                return reader.TokenType switch
                {
                    JsonTokenType.True => Boxes.True,
                    JsonTokenType.False => Boxes.False,
                    _ => SkipReturning(ref reader, Boxes.False),
                };
            case SchemaType.Int8:
                return (sbyte)(reader.TokenType == JsonTokenType.Number ? JsonNumber.IntValue(reader.ValueSpan) : SkipReturning(ref reader, 0));
            case SchemaType.Int16:
                return (short)(reader.TokenType == JsonTokenType.Number ? JsonNumber.IntValue(reader.ValueSpan) : SkipReturning(ref reader, 0));
            case SchemaType.Int32:
                return Boxes.Int(reader.TokenType == JsonTokenType.Number ? JsonNumber.IntValue(reader.ValueSpan) : SkipReturning(ref reader, 0));
            case SchemaType.Int64:
                return Boxes.Long(reader.TokenType == JsonTokenType.Number ? JsonNumber.LongValue(reader.ValueSpan) : SkipReturning(ref reader, 0L));
            case SchemaType.Float32:
                return reader.TokenType == JsonTokenType.Number ? JsonNumber.FloatValue(reader.ValueSpan) : SkipReturning(ref reader, 0f);
            case SchemaType.Float64:
                return reader.TokenType == JsonTokenType.Number ? JsonNumber.DoubleValue(reader.ValueSpan) : SkipReturning(ref reader, 0d);
            case SchemaType.String:
                return reader.TokenType == JsonTokenType.String ? GetString(ref reader) : SkipReturning<string?>(ref reader, null);
            case SchemaType.Bytes:
                if (reader.TokenType != JsonTokenType.String)
                {
                    return SkipReturning<byte[]?>(ref reader, null);
                }
                return DecodeBase64(ref reader) ?? throw new DataException("Invalid bytes field");
            case SchemaType.Array:
                return ReadArray(ref reader, schema.ValueSchema);
            case SchemaType.Map:
                return ReadMap(ref reader, schema);
            case SchemaType.Struct:
                return ReadStruct(ref reader, schema);
            default:
                throw new DataException("Unknown schema type: " + schema.Type);
        }
    }

    /// <summary>The value a null or missing JSON value stands for under <paramref name="schema"/>.</summary>
    public object? NullFor(Schema schema)
    {
        if (schema.DefaultValue is { } fallback && ReplaceNullWithDefault)
        {
            return fallback;
        }
        if (schema.IsOptional)
        {
            return null;
        }
        throw new DataException("Invalid null value for required " + schema.Type.Name().ToUpperInvariant() + " field");
    }

    private static bool IsLogical(string name) =>
        name is ConnectDecimal.LogicalName or ConnectDate.LogicalName or ConnectTime.LogicalName or ConnectTimestamp.LogicalName;

    private static object ReadLogical(ref Utf8JsonReader reader, Schema schema, string logicalName)
    {
        var token = reader.TokenType;
        switch (logicalName)
        {
            case ConnectDecimal.LogicalName:
                if (token == JsonTokenType.Number)
                {
                    return JsonNumber.DecimalValue(reader.ValueSpan);
                }
                if (token == JsonTokenType.String)
                {
                    try
                    {
                        return ConnectDecimal.ToLogical(schema, DecodeBase64(ref reader) ?? throw new FormatException("not base64"));
                    }
                    catch (Exception e) when (e is FormatException or DataException)
                    {
                        throw new DataException("Invalid bytes for Decimal field", e);
                    }
                }
                throw new DataException("Invalid type for Decimal, underlying representation should be numeric or bytes but was " + NodeType(token));
            case ConnectDate.LogicalName:
                if (token != JsonTokenType.Number || !JsonNumber.IsInt(reader.ValueSpan))
                {
                    throw new DataException("Invalid type for Date, underlying representation should be integer but was " + NodeType(token));
                }
                return ConnectDate.ToLogical(schema, JsonNumber.IntValue(reader.ValueSpan));
            case ConnectTime.LogicalName:
                if (token != JsonTokenType.Number || !JsonNumber.IsInt(reader.ValueSpan))
                {
                    throw new DataException("Invalid type for Time, underlying representation should be integer but was " + NodeType(token));
                }
                return ConnectTime.ToLogical(schema, JsonNumber.IntValue(reader.ValueSpan));
            default:
                if (token != JsonTokenType.Number || !JsonNumber.IsIntegral(reader.ValueSpan))
                {
                    throw new DataException("Invalid type for Timestamp, underlying representation should be integral but was " + NodeType(token));
                }
                return ConnectTimestamp.ToLogical(schema, JsonNumber.LongValue(reader.ValueSpan));
        }
    }

    /// <summary>A value without schema: INT64, FLOAT64, BOOLEAN, STRING, ARRAY or MAP, as Kafka infers them.</summary>
    public object? ReadSchemaless(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return Boxes.True;
            case JsonTokenType.False:
                return Boxes.False;
            case JsonTokenType.Number:
                return JsonNumber.IsIntegral(reader.ValueSpan) ? Boxes.Long(JsonNumber.LongValue(reader.ValueSpan)) : JsonNumber.DoubleValue(reader.ValueSpan);
            case JsonTokenType.String:
                return GetString(ref reader);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, null);
            case JsonTokenType.StartObject:
                return ReadStringKeyedMap(ref reader, null);
            default:
                throw new DataException("Unknown schema type: null");
        }
    }

    private List<object?> ReadArray(ref Utf8JsonReader reader, Schema? elementSchema)
    {
        var list = new List<object?>();
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(Read(ref reader, elementSchema));
                }
                return list;
            case JsonTokenType.StartObject:
                // Jackson iterates an object node's values.
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                    list.Add(Read(ref reader, elementSchema));
                }
                return list;
            default:
                return list;
        }
    }

    private object ReadMap(ref Utf8JsonReader reader, Schema schema)
    {
        if (schema.KeySchema.Type == SchemaType.String)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new DataException("Maps with string fields should be encoded as JSON objects, but found " + NodeType(reader.TokenType));
            }
            return ReadStringKeyedMap(ref reader, schema.ValueSchema);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new DataException("Maps with non-string fields should be encoded as JSON array of tuples, but found " + NodeType(reader.TokenType));
        }
        var keys = new List<object?>();
        var values = new List<object?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new DataException("Found invalid map entry instead of array tuple: " + NodeType(reader.TokenType));
            }
            var probe = reader;
            var size = 0;
            while (probe.Read() && probe.TokenType != JsonTokenType.EndArray)
            {
                size++;
                probe.Skip();
            }
            if (size != 2)
            {
                throw new DataException("Found invalid map entry, expected length 2 but found :" + size);
            }
            reader.Read();
            var key = Read(ref reader, schema.KeySchema);
            reader.Read();
            var value = Read(ref reader, schema.ValueSchema);
            reader.Read();
            var existing = keys.FindIndex(k => ValueEquality.Equal(k, key));
            if (existing >= 0)
            {
                values[existing] = value;
            }
            else
            {
                keys.Add(key);
                values.Add(value);
            }
        }
        var keyArray = keys.ToArray();
        var valueArray = values.ToArray();
        JavaHashMap.Reorder<object?>(keyArray, valueArray);
        var map = new Dictionary<object, object?>(keyArray.Length);
        for (var i = 0; i < keyArray.Length; i++)
        {
            map[keyArray[i] ?? throw new DataException("Null map keys are not supported")] = valueArray[i];
        }
        return map;
    }

    private Dictionary<string, object?> ReadStringKeyedMap(ref Utf8JsonReader reader, Schema? valueSchema)
    {
        var keys = ArrayPool<string>.Shared.Rent(16);
        var values = ArrayPool<object?>.Shared.Rent(16);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (count == keys.Length)
                {
                    Grow(ref keys, count);
                    Grow(ref values, count);
                }
                keys[count] = NameTable.Get(ref reader);
                reader.Read();
                values[count] = Read(ref reader, valueSchema);
                count++;
            }
            return ToJavaOrderedMap(keys.AsSpan(0, count), values.AsSpan(0, count));
        }
        finally
        {
            keys.AsSpan(0, count).Clear();
            values.AsSpan(0, count).Clear();
            ArrayPool<string>.Shared.Return(keys);
            ArrayPool<object?>.Shared.Return(values);
        }
    }

    private static Dictionary<string, object?> ToJavaOrderedMap(Span<string> keys, Span<object?> values)
    {
        var map = new Dictionary<string, object?>(keys.Length, StringComparer.Ordinal);
        if (JavaHashMap.Reorder(keys, values))
        {
            var distinct = true;
            for (var i = 0; i < keys.Length; i++)
            {
                distinct &= map.TryAdd(keys[i], values[i]);
            }
            if (distinct)
            {
                return map;
            }
            map.Clear();
        }
        // Duplicate names (the last value wins at the first one's place, as in Jackson's object node) or an order Java
        // does not define simply: keep document order.
        for (var i = 0; i < keys.Length; i++)
        {
            map[keys[i]] = values[i];
        }
        return map;
    }

    private static void Grow<T>(ref T[] array, int count)
    {
        var larger = ArrayPool<T>.Shared.Rent(count * 2);
        array.AsSpan(0, count).CopyTo(larger);
        array.AsSpan(0, count).Clear();
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }

    private Struct ReadStruct(ref Utf8JsonReader reader, Schema schema)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataException("Structs should be encoded as JSON objects, but found " + NodeType(reader.TokenType));
        }
        var fields = schema.Fields;
        var names = FieldNames.GetValue(schema, static s => [.. s.Fields.Select(f => Encoding.UTF8.GetBytes(f.Name))]);
        var result = new Struct(schema);
        Span<bool> seen = fields.Count <= 256 ? stackalloc bool[fields.Count] : new bool[fields.Count];
        var small = new SmallValues();
        Span<object?> inline = fields.Count <= 16 ? small[..fields.Count] : new object?[fields.Count];
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = -1;
            if (next < names.Length && reader.ValueTextEquals(names[next]))
            {
                index = next;
            }
            else
            {
                for (var i = 0; i < names.Length; i++)
                {
                    if (reader.ValueTextEquals(names[i]))
                    {
                        index = i;
                        break;
                    }
                }
            }
            reader.Read();
            if (index < 0)
            {
                reader.Skip();
                continue;
            }
            inline[index] = Read(ref reader, fields[index].Schema);
            seen[index] = true;
            next = index + 1;
        }
        for (var i = 0; i < fields.Count; i++)
        {
            result.Put(fields[i], seen[i] ? inline[i] : NullFor(fields[i].Schema));
        }
        return result;
    }

    [InlineArray(16)]
    private struct SmallValues
    {
        private object? _element;
    }

    private static T SkipReturning<T>(ref Utf8JsonReader reader, T value)
    {
        reader.Skip();
        return value;
    }

    /// <summary>Jackson's node type name of the value starting at <paramref name="token"/>.</summary>
    public static string NodeType(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "OBJECT",
        JsonTokenType.StartArray => "ARRAY",
        JsonTokenType.String => "STRING",
        JsonTokenType.Number => "NUMBER",
        JsonTokenType.True or JsonTokenType.False => "BOOLEAN",
        JsonTokenType.Null => "NULL",
        _ => "MISSING",
    };

    /// <summary>The string's value; lone surrogate escapes (which Java strings hold) are kept as they are.</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.GetString()!;
        }
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return UnescapeLenient(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
    }

    private static string UnescapeLenient(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        var start = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                continue;
            }
            text.Append(Encoding.UTF8.GetString(raw[start..i]));
            var code = raw[++i];
            switch (code)
            {
                case (byte)'u':
                    Utf8Parser.TryParse(raw.Slice(i + 1, 4), out ushort unit, out _, 'X');
                    text.Append((char)unit);
                    i += 4;
                    break;
                case (byte)'b': text.Append('\b'); break;
                case (byte)'f': text.Append('\f'); break;
                case (byte)'n': text.Append('\n'); break;
                case (byte)'r': text.Append('\r'); break;
                case (byte)'t': text.Append('\t'); break;
                default: text.Append((char)code); break;
            }
            start = i + 1;
        }
        text.Append(Encoding.UTF8.GetString(raw[start..]));
        return text.ToString();
    }

    /// <summary>Standard padded base64 (Jackson's default variant); null when the text is not base64.</summary>
    private static byte[]? DecodeBase64(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var span = reader.ValueSpan;
            var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(span.Length)];
            if (Base64.DecodeFromUtf8(span, decoded, out _, out var written) == OperationStatus.Done)
            {
                return written == decoded.Length ? decoded : decoded[..written];
            }
        }
        try
        {
            return Convert.FromBase64String(GetString(ref reader));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
