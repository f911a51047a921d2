using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Jq.Runtime;

/// <summary>
/// The interpreter's value model: <c>null</c>, a boxed <see cref="bool"/>, a boxed <see cref="double"/> (jq 1.6 has
/// only doubles), <see cref="string"/>, <see cref="JqArray"/> and <see cref="JqObject"/>. Arrays and objects are never
/// mutated once another value can see them, so they are shared freely between outputs and threads.
/// </summary>
internal static class Values
{
    public static readonly object True = true;
    public static readonly object False = false;
    private static readonly object Zero = 0.0;
    private static readonly object One = 1.0;

    public static object Bool(bool value) => value ? True : False;

    public static object Number(double value) => value == 0 && !double.IsNegative(value) ? Zero : value == 1 ? One : value;

    public static bool IsTruthy(object? value) => value is not null && !(value is bool b && !b);

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        bool => "boolean",
        double => "number",
        string => "string",
        JqArray => "array",
        _ => "object",
    };

    private static int TypeRank(object? value) => value switch
    {
        null => 0,
        bool b => b ? 2 : 1,
        double => 3,
        string => 4,
        JqArray => 5,
        _ => 6,
    };

    /// <summary>jq's total order: null &lt; false &lt; true &lt; numbers &lt; strings &lt; arrays &lt; objects.</summary>
    public static int Compare(object? left, object? right)
    {
        var leftRank = TypeRank(left);
        var rightRank = TypeRank(right);
        if (leftRank != rightRank)
            return leftRank < rightRank ? -1 : 1;
        switch (left)
        {
            case double leftNumber:
                return CompareNumbers(leftNumber, (double)right!);
            case string leftString:
                return CompareStrings(leftString, (string)right!);
            case JqArray leftArray:
                {
                    var rightArray = (JqArray)right!;
                    var count = Math.Min(leftArray.Count, rightArray.Count);
                    for (var i = 0; i < count; i++)
                    {
                        var order = Compare(leftArray[i], rightArray[i]);
                        if (order != 0)
                            return order;
                    }
                    return leftArray.Count.CompareTo(rightArray.Count);
                }
            case JqObject leftObject:
                {
                    var rightObject = (JqObject)right!;
                    var leftKeys = SortedKeys(leftObject);
                    var rightKeys = SortedKeys(rightObject);
                    var count = Math.Min(leftKeys.Count, rightKeys.Count);
                    for (var i = 0; i < count; i++)
                    {
                        var order = CompareStrings((string)leftKeys[i]!, (string)rightKeys[i]!);
                        if (order != 0)
                            return order;
                    }
                    if (leftKeys.Count != rightKeys.Count)
                        return leftKeys.Count < rightKeys.Count ? -1 : 1;
                    foreach (var key in leftKeys)
                    {
                        var order = Compare(leftObject[(string)key!], rightObject[(string)key!]);
                        if (order != 0)
                            return order;
                    }
                    return 0;
                }
            default:
                return 0;
        }
    }

    /// <summary>jq 1.6 orders NaN below every number, itself included (so <c>nan &lt; nan</c> is true and NaN sorts first).</summary>
    public static int CompareNumbers(double left, double right)
    {
        if (double.IsNaN(left))
            return -1;
        if (double.IsNaN(right))
            return 1;
        return left < right ? -1 : left == right ? 0 : 1;
    }

    /// <summary>Code point order (what jq gets from comparing UTF-8 bytes), not UTF-16 code unit order.</summary>
    public static int CompareStrings(string left, string right)
    {
        var count = Math.Min(left.Length, right.Length);
        for (var i = 0; i < count; i++)
        {
            int a = left[i], b = right[i];
            if (a == b)
                continue;
            if (a >= 0xD800 && b >= 0xD800)
            {
                a = a < 0xE000 ? a + 0x2000 : a - 0x800;
                b = b < 0xE000 ? b + 0x2000 : b - 0x800;
            }
            return a < b ? -1 : 1;
        }
        return left.Length.CompareTo(right.Length);
    }

    public static bool Equal(object? left, object? right) => Compare(left, right) == 0;

    public static JqArray SortedKeys(JqObject value)
    {
        var keys = new JqArray(value.Count);
        foreach (var pair in value)
            keys.Add(pair.Key);
        keys.Sort(static (a, b) => CompareStrings((string)a!, (string)b!));
        return keys;
    }

    /// <summary>A value as jq shows it inside an error message: its type and its JSON, cut to 11 bytes and "...".</summary>
    public static string Describe(object? value) => TypeName(value) + " (" + Truncated(value) + ")";

    public static string Truncated(object? value)
    {
        var text = JsonText.Serialize(value);
        if (text.Length <= 14 && Encoding.UTF8.GetByteCount(text) <= 14)
            return text;
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= 14)
            return text;
        return Encoding.UTF8.GetString(bytes, 0, 11) + "...";
    }

    public static object? FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject jsonObject:
                {
                    var result = new JqObject(jsonObject.Count);
                    foreach (var pair in jsonObject)
                        result[pair.Key] = FromNode(pair.Value);
                    return result;
                }
            case JsonArray jsonArray:
                {
                    var result = new JqArray(jsonArray.Count);
                    foreach (var item in jsonArray)
                        result.Add(FromNode(item));
                    return result;
                }
            default:
                {
                    var value = (JsonValue)node;
                    switch (value.GetValueKind())
                    {
                        case JsonValueKind.String:
                            return Sanitize(value.GetValue<string>());
                        case JsonValueKind.True:
                            return True;
                        case JsonValueKind.False:
                            return False;
                        case JsonValueKind.Number:
                            if (value.TryGetValue(out double number) && double.IsFinite(number))
                                return Number(number);
                            return Number(double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));
                        default:
                            return null;
                    }
                }
        }
    }

    /// <summary>
    /// Converts to System.Text.Json nodes as <c>jq -c</c> would print the value: NaN becomes null, infinities
    /// become ±<see cref="double.MaxValue"/>, and whole numbers below 2^53 become integers (so ToJsonString prints "5").
    /// </summary>
    public static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case bool b:
                return JsonValue.Create(b);
            case double d:
                if (double.IsNaN(d))
                    return null;
                if (double.IsInfinity(d))
                    d = d > 0 ? double.MaxValue : double.MinValue;
                if (Math.Floor(d) == d && Math.Abs(d) < 9007199254740992.0 && !(d == 0 && double.IsNegative(d)))
                    return JsonValue.Create((long)d);
                return JsonValue.Create(d);
            case string s:
                return JsonValue.Create(s);
            case JqArray array:
                {
                    var result = new JsonArray();
                    foreach (var item in array)
                        result.Add(ToNode(item));
                    return result;
                }
            default:
                {
                    var result = new JsonObject();
                    foreach (var pair in (JqObject)value)
                        result[pair.Key] = ToNode(pair.Value);
                    return result;
                }
        }
    }

    public static int CodepointLength(string text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
                count--;
        }
        return count;
    }

    /// <summary>The UTF-16 index of code point number <paramref name="codepoint"/> (clamped to the string's end).</summary>
    public static int CodepointToCharIndex(string text, int codepoint)
    {
        var index = 0;
        for (var seen = 0; seen < codepoint && index < text.Length; seen++)
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        return index;
    }

    public static int CharToCodepointIndex(string text, int charIndex)
    {
        var count = charIndex;
        for (var i = 0; i < charIndex && i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]))
                count--;
        }
        return count;
    }

    public static JqArray Explode(string text)
    {
        var result = new JqArray(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            int codepoint = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codepoint = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            result.Add(Number(codepoint));
        }
        return result;
    }

    /// <summary>Strings that came from .NET may hold lone surrogates; jq's strings are valid UTF-8, so they become U+FFFD.</summary>
    public static string Sanitize(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
                continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            var builder = new StringBuilder(text.Length);
            foreach (var rune in text.EnumerateRunes())
                builder.Append(rune.ToString());
            return builder.ToString();
        }
        return text;
    }
}

/// <summary>A jq array. Built once, then never mutated (see <see cref="Values"/>).</summary>
internal sealed class JqArray : List<object?>
{
    public JqArray()
    {
    }

    public JqArray(int capacity)
        : base(capacity)
    {
    }

    public JqArray(IEnumerable<object?> items)
        : base(items)
    {
    }
}

/// <summary>A jq object: keys keep their insertion order (jq -c prints them so). Never mutated once shared.</summary>
internal sealed class JqObject : OrderedDictionary<string, object?>
{
    public JqObject()
        : base(StringComparer.Ordinal)
    {
    }

    public JqObject(int capacity)
        : base(capacity, StringComparer.Ordinal)
    {
    }

    public JqObject(JqObject source)
        : base(source.Count + 1, StringComparer.Ordinal)
    {
        foreach (var pair in source)
            Add(pair.Key, pair.Value);
    }
}
