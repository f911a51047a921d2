using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Jq.Runtime;

/// <summary>JSON text the way jq 1.6 writes it (<c>jq -c</c>, <c>tojson</c>, <c>tostring</c>) and reads it (<c>fromjson</c>).</summary>
internal static class JsonText
{
    public static string Serialize(object? value)
    {
        if (value is double number)
            return FormatNumber(number);
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    public static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case double d:
                builder.Append(FormatNumber(d));
                break;
            case string s:
                WriteString(builder, s);
                break;
            case JqArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        builder.Append(',');
                    Write(builder, array[i]);
                }
                builder.Append(']');
                break;
            default:
                {
                    builder.Append('{');
                    var first = true;
                    foreach (var pair in (JqObject)value)
                    {
                        if (!first)
                            builder.Append(',');
                        first = false;
                        WriteString(builder, pair.Key);
                        builder.Append(':');
                        Write(builder, pair.Value);
                    }
                    builder.Append('}');
                    break;
                }
        }
    }

    public static void WriteNode(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject jsonObject:
                {
                    builder.Append('{');
                    var first = true;
                    foreach (var pair in jsonObject)
                    {
                        if (!first)
                            builder.Append(',');
                        first = false;
                        WriteString(builder, pair.Key);
                        builder.Append(':');
                        WriteNode(builder, pair.Value);
                    }
                    builder.Append('}');
                    break;
                }
            case JsonArray jsonArray:
                builder.Append('[');
                for (var i = 0; i < jsonArray.Count; i++)
                {
                    if (i > 0)
                        builder.Append(',');
                    WriteNode(builder, jsonArray[i]);
                }
                builder.Append(']');
                break;
            default:
                {
                    var value = (JsonValue)node;
                    switch (value.GetValueKind())
                    {
                        case JsonValueKind.String:
                            WriteString(builder, Values.Sanitize(value.GetValue<string>()));
                            break;
                        case JsonValueKind.Number:
                            builder.Append(FormatNumber((double)Values.FromNode(value)!));
                            break;
                        case JsonValueKind.True:
                            builder.Append("true");
                            break;
                        case JsonValueKind.False:
                            builder.Append("false");
                            break;
                        default:
                            builder.Append("null");
                            break;
                    }
                    break;
                }
        }
    }

    /// <summary>
    /// jq 1.6's number format: the shortest digits that read back as the same double (17 significant at most),
    /// exponent form when the decimal point is more than 15 places right of the last digit or 4+ places left of the
    /// first (1e+17, 1e-05), NaN as null and infinities as ±1.7976931348623157e+308.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
            return "null";
        if (double.IsInfinity(value))
            value = value > 0 ? double.MaxValue : double.MinValue;
        if (value == 0)
            return double.IsNegative(value) ? "-0" : "0";
        if (Math.Floor(value) == value && Math.Abs(value) < 1e15)
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip[0] == '-';
        var mantissa = negative ? roundTrip[1..] : roundTrip;
        var exponent = 0;
        var exponentAt = mantissa.IndexOf('E');
        if (exponentAt >= 0)
        {
            exponent = int.Parse(mantissa.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = mantissa[..exponentAt];
        }
        var point = mantissa.IndexOf('.');
        var digits = point >= 0 ? mantissa.Remove(point, 1) : mantissa;
        var decimalPoint = (point >= 0 ? point : mantissa.Length) + exponent;
        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
            leadingZeros++;
        digits = digits[leadingZeros..].TrimEnd('0');
        decimalPoint -= leadingZeros;
        var builder = new StringBuilder(24);
        if (negative)
            builder.Append('-');
        if (decimalPoint <= -4 || decimalPoint > digits.Length + 15)
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            var shown = decimalPoint - 1;
            builder.Append('e').Append(shown < 0 ? '-' : '+');
            builder.Append(Math.Abs(shown).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            builder.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint >= digits.Length)
        {
            builder.Append(digits).Append('0', decimalPoint - digits.Length);
        }
        else
        {
            builder.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }
        return builder.ToString();
    }

    public static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
                continue;
            builder.Append(text, start, i - start);
            start = i + 1;
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default: builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
            }
        }
        builder.Append(text, start, text.Length - start);
        builder.Append('"');
    }

    /// <summary>Parses one JSON text (fromjson, tonumber). Errors carry jq's "(while parsing '...')" suffix.</summary>
    public static object? Parse(string text)
    {
        var reader = new Reader(text);
        reader.SkipSpace();
        if (reader.AtEnd)
            return null;
        var value = reader.ReadValue();
        reader.SkipSpace();
        if (!reader.AtEnd)
            throw reader.Error("Unexpected extra JSON values");
        return value;
    }

    private sealed class Reader(string text)
    {
        private int _position;

        public bool AtEnd => _position >= text.Length;

        public JqException Error(string what) =>
            new(what + " at line 1, column " + _position.ToString(CultureInfo.InvariantCulture) + " (while parsing '" + text + "')");

        public void SkipSpace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or '\n' or '\r')
                _position++;
        }

        public object? ReadValue()
        {
            SkipSpace();
            if (AtEnd)
                throw Error("Unfinished JSON term at EOF");
            var c = text[_position];
            switch (c)
            {
                case '{':
                    {
                        _position++;
                        var result = new JqObject();
                        SkipSpace();
                        if (!AtEnd && text[_position] == '}')
                        {
                            _position++;
                            return result;
                        }
                        while (true)
                        {
                            SkipSpace();
                            if (AtEnd || text[_position] != '"')
                                throw Error("Object keys must be strings");
                            var key = ReadString();
                            SkipSpace();
                            if (AtEnd || text[_position] != ':')
                                throw Error("Objects must consist of key:value pairs");
                            _position++;
                            result[key] = ReadValue();
                            SkipSpace();
                            if (AtEnd)
                                throw Error("Unfinished JSON term at EOF");
                            if (text[_position] == ',')
                            {
                                _position++;
                                continue;
                            }
                            if (text[_position] == '}')
                            {
                                _position++;
                                return result;
                            }
                            throw Error("Expected separator between values");
                        }
                    }
                case '[':
                    {
                        _position++;
                        var result = new JqArray();
                        SkipSpace();
                        if (!AtEnd && text[_position] == ']')
                        {
                            _position++;
                            return result;
                        }
                        while (true)
                        {
                            result.Add(ReadValue());
                            SkipSpace();
                            if (AtEnd)
                                throw Error("Unfinished JSON term at EOF");
                            if (text[_position] == ',')
                            {
                                _position++;
                                continue;
                            }
                            if (text[_position] == ']')
                            {
                                _position++;
                                return result;
                            }
                            throw Error("Expected separator between values");
                        }
                    }
                case '"':
                    return ReadString();
                default:
                    {
                        var start = _position;
                        while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '-' or '+' or '.'))
                            _position++;
                        var word = text[start.._position];
                        if (word.Length == 0)
                            throw Error("Invalid literal");
                        // jq 1.6 reads a word that starts with t, f or n as a literal, and any other word as a number
                        // the way its own strtod does: sign, decimals, exponent, and inf / infinity / nan in any case.
                        // Debian 12's current build, jq 1.6-2.1+deb12u3 (as upstream jq 1.7), reads a three-letter
                        // word starting with n as a number, so "nan" is NaN and "nul" an invalid numeric literal; any
                        // other word starting with n must be exactly "null". (deb12u1 had briefly rejected "nan";
                        // test.sh upgrades an older jq so the oracle tests compare with this build.)
                        var literal = word[0] switch
                        {
                            't' => "true",
                            'f' => "false",
                            'n' when word.Length != 3 => "null",
                            _ => null,
                        };
                        if (literal is not null)
                        {
                            if (word != literal)
                                throw Error("Invalid literal");
                            return literal switch { "true" => Values.True, "false" => Values.False, _ => null };
                        }
                        if (TryParseNumber(word, out var number))
                            return Values.Number(number);
                        throw Error("Invalid numeric literal");
                    }
            }
        }

        private static bool TryParseNumber(string word, out double number)
        {
            var unsigned = word[0] is '-' or '+' ? word[1..] : word;
            var sign = word[0] == '-' ? -1.0 : 1.0;
            if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
            {
                number = double.NaN;
                return true;
            }
            if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            {
                number = sign * double.PositiveInfinity;
                return true;
            }
            return double.TryParse(word, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out number) && unsigned.Length > 0 && (char.IsAsciiDigit(unsigned[0]) || unsigned[0] == '.');
        }

        private string ReadString()
        {
            _position++;
            var builder = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                    throw Error("Unfinished string at EOF");
                var c = text[_position++];
                if (c == '"')
                    return builder.ToString();
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }
                if (AtEnd)
                    throw Error("Unfinished string at EOF");
                var escape = text[_position++];
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > text.Length
                            || !int.TryParse(text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                            throw Error("Invalid escape");
                        _position += 4;
                        builder.Append((char)code);
                        break;
                    default:
                        throw Error("Invalid escape");
                }
            }
        }
    }
}
