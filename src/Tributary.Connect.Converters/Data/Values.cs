using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using Tributary.Connect.Errors;
using Tributary.Connect.Json;

namespace Tributary.Connect.Data;

/// <summary>
/// Kafka's <c>org.apache.kafka.connect.data.Values</c> as SimpleHeaderConverter and InsertHeader use it:
/// <see cref="ParseString"/> infers a schema and value from text (booleans, the smallest integer type that holds an
/// integer, FLOAT32 then FLOAT64 for fractions, Decimal beyond, ISO-8601 dates, times and timestamps, arrays
/// <c>[a,b]</c> and maps <c>{k:v}</c> with a common element schema, anything else a string) and
/// <see cref="ConvertToString"/> renders values the way that parser reads them back. Arrays or maps whose elements
/// have no common schema (or only nulls) get a null schema here, where Kafka uses a schema with a null element schema.
/// </summary>
public static class Values
{
    private const long MillisPerDay = 24L * 60 * 60 * 1000;
    private static readonly HashSet<string?> TemporalNames = [Date.LogicalName, Time.LogicalName, Timestamp.LogicalName];

    /// <summary>Parses header text as Kafka does; never throws for ordinary text (falls back to STRING).</summary>
    public static SchemaAndValue ParseString(string? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }
        if (value.Length == 0)
        {
            return new SchemaAndValue(Schema.String, value);
        }
        return Parse(new Parser(value), embedded: false) ?? SchemaAndValue.Null;
    }

    /// <summary>Kafka's <c>Values.convertToString</c>: text that <see cref="ParseString"/> reads back.</summary>
    public static string? ConvertToString(Schema? schema, object? value)
    {
        if (value is null)
        {
            return null;
        }
        var text = new StringBuilder();
        Append(text, value, embedded: false);
        return text.ToString();
    }

    /// <summary>Kafka's <c>Values.inferSchema</c>: the schema of a plain value, null when it has none.</summary>
    public static Schema? InferSchema(object? value) => value switch
    {
        string => Schema.String,
        bool => Schema.Boolean,
        sbyte => Schema.Int8,
        short => Schema.Int16,
        int => Schema.Int32,
        long => Schema.Int64,
        float => Schema.Float32,
        double => Schema.Float64,
        byte[] or ReadOnlyMemory<byte> => Schema.Bytes,
        Struct s => s.Schema,
        _ => null,
    };

    private static void Append(StringBuilder text, object? value, bool embedded)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case double d:
                text.Append(JavaNumberText.Format(d));
                return;
            case float f:
                text.Append(JavaNumberText.Format(f));
                return;
            case bool b:
                text.Append(b ? "true" : "false");
                return;
            case BigDecimal big:
                text.Append(big.ToString());
                return;
            case decimal small:
                text.Append(((BigDecimal)small).ToString());
                return;
            case string s:
                if (embedded)
                {
                    text.Append('"').Append(s.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                }
                else
                {
                    text.Append(s);
                }
                return;
            case DateTime date:
                text.Append(FormatDate(date));
                return;
            case Struct structValue:
                text.Append('{');
                var first = true;
                foreach (var field in structValue.Schema.Fields)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }
                    first = false;
                    Append(text, field.Name, true);
                    text.Append(':');
                    Append(text, structValue.Get(field), true);
                }
                text.Append('}');
                return;
        }
        if (ValueEquality.TryBytes(value, out var bytes))
        {
            var encoded = Convert.ToBase64String(bytes);
            text.Append(embedded ? '"' + encoded + '"' : encoded);
            return;
        }
        switch (value)
        {
            case IDictionary map:
                text.Append('{');
                var firstEntry = true;
                foreach (DictionaryEntry entry in map)
                {
                    if (!firstEntry)
                    {
                        text.Append(',');
                    }
                    firstEntry = false;
                    Append(text, entry.Key, true);
                    text.Append(':');
                    Append(text, entry.Value, true);
                }
                text.Append('}');
                return;
            case IList list:
                text.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }
                    Append(text, list[i], true);
                }
                text.Append(']');
                return;
            case sbyte or short or int or long:
                text.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                return;
        }
        throw new DataException($"Failed to serialize unexpected value type {value.GetType().FullName}: {value}");
    }

    /// <summary>Kafka's dateFormatFor: a time below one day, a date at midnight, a timestamp otherwise (all UTC).</summary>
    public static string FormatDate(DateTime value)
    {
        var millis = Epoch.ToMillis(value);
        var utc = Epoch.FromMillis(millis);
        if (millis < MillisPerDay)
        {
            return utc.ToString("HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        return millis % MillisPerDay == 0
            ? utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private static SchemaAndValue? Parse(Parser parser, bool embedded)
    {
        if (!parser.HasNext)
        {
            return null;
        }
        if (embedded && parser.CanConsume("\""))
        {
            var content = new StringBuilder();
            var escaped = false;
            while (parser.HasNext)
            {
                if (!escaped && parser.CanConsume("\""))
                {
                    break;
                }
                var piece = parser.Next();
                if (piece.EndsWith('\\'))
                {
                    escaped = true;
                    content.Append(piece, 0, piece.Length - 1);
                }
                else
                {
                    content.Append(piece);
                    escaped = false;
                }
            }
            var text = content.ToString();
            var parsed = ParseString(text);
            return TemporalNames.Contains(parsed.Schema?.Name) ? parsed : new SchemaAndValue(Schema.String, text);
        }
        if (parser.CanConsume("null"))
        {
            return null;
        }
        if (parser.CanConsume("true"))
        {
            return new SchemaAndValue(Schema.Boolean, true);
        }
        if (parser.CanConsume("false"))
        {
            return new SchemaAndValue(Schema.Boolean, false);
        }
        var start = parser.Mark();
        try
        {
            if (parser.CanConsume("["))
            {
                return ParseArray(parser);
            }
            if (parser.CanConsume("{"))
            {
                return ParseMap(parser);
            }
        }
        catch (DataException)
        {
            parser.RewindTo(start);
        }
        var token = parser.Next();
        if (string.IsNullOrWhiteSpace(token))
        {
            return new SchemaAndValue(Schema.String, token);
        }
        token = token.Trim();
        var firstIsDigit = char.IsAsciiDigit(token[0]);
        if (firstIsDigit)
        {
            var position = parser.Mark();
            var remainder = parser.Next(4);
            if (remainder is not null && ParseTemporal(token + remainder) is { } longForm)
            {
                return longForm;
            }
            parser.RewindTo(position);
            if (ParseTemporal(token) is { } temporal)
            {
                return temporal;
            }
        }
        if ((firstIsDigit || token[0] is '+' or '-') && BigDecimal.TryParse(token, out var number) && token.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or '.' or 'e' or 'E'))
        {
            if (ExactInteger(number) is { } integer)
            {
                return integer;
            }
            if (number.Scale != 0)
            {
                var asFloat = float.Parse(number.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (float.IsFinite(asFloat))
                {
                    return new SchemaAndValue(Schema.Float32, asFloat);
                }
                var asDouble = number.ToDouble();
                if (double.IsFinite(asDouble))
                {
                    return new SchemaAndValue(Schema.Float64, asDouble);
                }
            }
            return new SchemaAndValue(Decimal.Schema(number.Scale), number);
        }
        if (embedded)
        {
            throw new DataException("Failed to parse embedded value");
        }
        return new SchemaAndValue(Schema.String, parser.Original);
    }

    private static SchemaAndValue? ExactInteger(BigDecimal number)
    {
        BigInteger integral;
        if (number.Scale <= 0)
        {
            if (number.Scale < -19 && !number.Unscaled.IsZero)
            {
                return null;
            }
            integral = number.Unscaled * BigInteger.Pow(10, -number.Scale);
        }
        else
        {
            integral = BigInteger.DivRem(number.Unscaled, BigInteger.Pow(10, Math.Min(number.Scale, 4000)), out var remainder);
            if (!remainder.IsZero)
            {
                return null;
            }
        }
        if (integral < long.MinValue || integral > long.MaxValue)
        {
            return null;
        }
        var value = (long)integral;
        return value switch
        {
            >= sbyte.MinValue and <= sbyte.MaxValue => new SchemaAndValue(Schema.Int8, (sbyte)value),
            >= short.MinValue and <= short.MaxValue => new SchemaAndValue(Schema.Int16, (short)value),
            >= int.MinValue and <= int.MaxValue => new SchemaAndValue(Schema.Int32, (int)value),
            _ => new SchemaAndValue(Schema.Int64, value),
        };
    }

    private static SchemaAndValue ParseArray(Parser parser)
    {
        var result = new List<object?>();
        Schema? elementSchema = null;
        var compatible = true;
        while (parser.HasNext)
        {
            if (parser.CanConsume("]"))
            {
                if (elementSchema is not null && compatible)
                {
                    var listSchema = SchemaBuilder.Array(elementSchema).Build();
                    return new SchemaAndValue(listSchema, result.Select(e => Align(elementSchema, e)).ToList());
                }
                return new SchemaAndValue(null, result);
            }
            if (parser.CanConsume(","))
            {
                throw new DataException("Unable to parse an empty array element: " + parser.Original);
            }
            var element = Parse(parser, true);
            elementSchema = CommonSchema(elementSchema, element);
            if (elementSchema is null && element?.Schema is not null)
            {
                compatible = false;
            }
            result.Add(element?.Value);
            var position = parser.Mark();
            if (parser.CanConsume("]"))
            {
                parser.RewindTo(position);
            }
            else if (!parser.CanConsume(","))
            {
                throw new DataException("Array elements missing ',' delimiter");
            }
        }
        if (parser.Previous == ",")
        {
            throw new DataException("Array is missing element after ',': " + parser.Original);
        }
        throw new DataException("Array is missing terminating ']': " + parser.Original);
    }

    private static SchemaAndValue ParseMap(Parser parser)
    {
        var keys = new List<object>();
        var values = new List<object?>();
        Schema? keySchema = null;
        Schema? valueSchema = null;
        var keyCompatible = true;
        var valueCompatible = true;
        while (parser.HasNext)
        {
            if (parser.CanConsume("}"))
            {
                var map = new Dictionary<object, object?>();
                if (keySchema is not null && valueSchema is not null && keyCompatible && valueCompatible)
                {
                    for (var i = 0; i < keys.Count; i++)
                    {
                        map[Align(keySchema, keys[i])!] = Align(valueSchema, values[i]);
                    }
                    return new SchemaAndValue(SchemaBuilder.Map(keySchema, valueSchema).Build(), map);
                }
                for (var i = 0; i < keys.Count; i++)
                {
                    map[keys[i]] = values[i];
                }
                return new SchemaAndValue(null, map);
            }
            if (parser.CanConsume(","))
            {
                throw new DataException("Unable to parse a map entry with no key or value: " + parser.Original);
            }
            var key = Parse(parser, true);
            if (key?.Value is null)
            {
                throw new DataException("Map entry may not have a null key: " + parser.Original);
            }
            if (!parser.CanConsume(":"))
            {
                throw new DataException($"Map entry is missing ':' at {parser.Position} in {parser.Original}");
            }
            var value = Parse(parser, true);
            var existing = keys.FindIndex(k => ValueEquality.Equal(k, key.Value.Value));
            if (existing >= 0)
            {
                values[existing] = value?.Value;
            }
            else
            {
                keys.Add(key.Value.Value);
                values.Add(value?.Value);
            }
            parser.CanConsume(",");
            keySchema = CommonSchema(keySchema, key);
            if (keySchema is null && key.Value.Schema is not null)
            {
                keyCompatible = false;
            }
            valueSchema = CommonSchema(valueSchema, value);
            if (valueSchema is null && value?.Schema is not null)
            {
                valueCompatible = false;
            }
        }
        if (parser.Previous == ",")
        {
            throw new DataException("Map is missing element after ',': " + parser.Original);
        }
        throw new DataException("Map is missing terminating '}': " + parser.Original);
    }

    /// <summary>Kafka's commonSchemaFor: numbers widen (integers to the wider integer or to floating point).</summary>
    private static Schema? CommonSchema(Schema? previous, SchemaAndValue? latest)
    {
        if (latest is null)
        {
            return previous;
        }
        var next = latest.Value.Schema;
        if (previous is null || next is null)
        {
            return next ?? previous;
        }
        if (previous.Type != next.Type)
        {
            var previousRank = NumericRank(previous.Type);
            var nextRank = NumericRank(next.Type);
            if (previousRank < 0 || nextRank < 0 || previous.Name is not null || next.Name is not null)
            {
                return null;
            }
            return nextRank > previousRank ? next : previous;
        }
        return previous.Equals(next) ? previous : null;
    }

    private static int NumericRank(SchemaType type) => type switch
    {
        SchemaType.Int8 => 0,
        SchemaType.Int16 => 1,
        SchemaType.Int32 => 2,
        SchemaType.Int64 => 3,
        SchemaType.Float32 => 4,
        SchemaType.Float64 => 5,
        _ => -1,
    };

    /// <summary>A parsed number widened to the common schema's type.</summary>
    private static object? Align(Schema schema, object? value)
    {
        if (value is null || schema.Name is not null)
        {
            return value;
        }
        return schema.Type switch
        {
            SchemaType.Int16 when value is sbyte b => (short)b,
            SchemaType.Int32 when value is sbyte or short => Convert.ToInt32(value, CultureInfo.InvariantCulture),
            SchemaType.Int64 when value is sbyte or short or int => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            SchemaType.Float32 when value is sbyte or short or int or long => Convert.ToSingle(value, CultureInfo.InvariantCulture),
            SchemaType.Float64 when value is sbyte or short or int or long or float => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            _ => value,
        };
    }

    /// <summary>ISO-8601 forms Kafka recognizes by length: <c>yyyy-MM-dd</c>, <c>HH:mm:ss.SSS'Z'</c>, <c>yyyy-MM-dd'T'HH:mm:ss.SSS'Z'</c> (UTC, lenient).</summary>
    private static SchemaAndValue? ParseTemporal(string token)
    {
        token = token.Replace("\\:", ":");
        switch (token.Length)
        {
            case 13 when TryTime(token, out var time):
                return new SchemaAndValue(Time.Schema, DateTime.UnixEpoch.AddMilliseconds(time));
            case 24 when token[10] == 'T' && TryDate(token[..10], out var day) && TryTime(token[11..], out var timeOfDay):
                return new SchemaAndValue(Timestamp.Schema, day.AddMilliseconds(timeOfDay));
            case 10 when TryDate(token, out var date):
                return new SchemaAndValue(Date.Schema, date);
            default:
                return null;
        }
    }

    private static bool TryDate(string text, out DateTime date)
    {
        date = default;
        var parts = text.Split('-');
        if (parts.Length != 3 || !Digits(parts[0], out var year) || !Digits(parts[1], out var month) || !Digits(parts[2], out var day) || year is < 1 or > 9999)
        {
            return false;
        }
        try
        {
            // SimpleDateFormat is lenient: month 13 is January of the next year, day 32 the next month's first.
            date = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(month - 1).AddDays(day - 1);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryTime(string text, out long millis)
    {
        millis = 0;
        if (text.Length != 13 || text[2] != ':' || text[5] != ':' || text[8] != '.' || text[12] != 'Z'
            || !Digits(text[..2], out var hours) || !Digits(text[3..5], out var minutes) || !Digits(text[6..8], out var seconds) || !Digits(text[9..12], out var fraction))
        {
            return false;
        }
        millis = ((hours * 60L + minutes) * 60 + seconds) * 1000 + fraction;
        return true;
    }

    private static bool Digits(string text, out int value)
    {
        value = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Kafka's Values.Parser: tokens split at unescaped <c>: , { } [ ] "</c>, each delimiter its own token.</summary>
    private sealed class Parser(string original)
    {
        private int _position;
        private string? _nextToken;

        public string Original { get; } = original;

        public string? Previous { get; private set; }

        public int Position => _position;

        public bool HasNext => _nextToken is not null || _position < Original.Length;

        public int Mark() => _position - (_nextToken?.Length ?? 0);

        public void RewindTo(int position)
        {
            _position = position;
            _nextToken = null;
            Previous = null;
        }

        public string Next()
        {
            if (_nextToken is not null)
            {
                Previous = _nextToken;
                _nextToken = null;
            }
            else
            {
                Previous = Consume();
            }
            return Previous;
        }

        /// <summary>The text of the next <paramref name="count"/> tokens, or null (nothing consumed) when there are fewer.</summary>
        public string? Next(int count)
        {
            var start = Mark();
            for (var i = 0; i < count; i++)
            {
                if (!HasNext)
                {
                    RewindTo(start);
                    return null;
                }
                Next();
            }
            return Original[start.._position];
        }

        public bool CanConsume(string expected)
        {
            if (_nextToken is null)
            {
                if (!HasNext)
                {
                    return false;
                }
                _nextToken = Consume();
            }
            while (string.IsNullOrWhiteSpace(_nextToken) && _position < Original.Length)
            {
                _nextToken = Consume();
            }
            if (_nextToken.Trim() == expected)
            {
                Previous = _nextToken;
                _nextToken = null;
                return true;
            }
            return false;
        }

        private string Consume()
        {
            var escaped = false;
            var start = _position;
            while (_position < Original.Length)
            {
                var c = Original[_position];
                switch (c)
                {
                    case '\\':
                        escaped = !escaped;
                        break;
                    case ':' or ',' or '{' or '}' or '[' or ']' or '"':
                        if (!escaped)
                        {
                            if (start < _position)
                            {
                                return Original[start.._position];
                            }
                            _position++;
                            return Original.Substring(start, 1);
                        }
                        escaped = false;
                        break;
                    default:
                        escaped = false;
                        break;
                }
                _position++;
            }
            return Original[start.._position];
        }
    }
}
