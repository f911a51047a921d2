using System.Text.Json;

namespace Tributary.Aws;

/// <summary>
/// Typed access to request members, with AWS's answers for bad input: a member of the wrong JSON type is a
/// SerializationException with the text AWS's JSON deserializer gives (it names the Java type, never the member:
/// "class java.lang.String can not be converted to an Integer", "Start of list found where not expected", ...);
/// absent and null members read as null (required-ness is the caller's validation, which AWS reports as
/// ValidationException). Numbers for integer members are truncated toward negative infinity and clamped, as AWS
/// does, and then fail range validation rather than deserialization.
/// </summary>
public static class AwsRequestReader
{
    public static string? GetString(this JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw WrongType(name, "a string", value);
    }

    public static long? GetInt64(this JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(name, "an integer", value);
        }
        if (value.TryGetInt64(out var number))
        {
            return number;
        }
        var real = value.GetDouble();
        return real >= long.MaxValue ? long.MaxValue : real <= long.MinValue ? long.MinValue : (long)Math.Floor(real);
    }

    /// <summary>A number member (integer or fractional) as a double.</summary>
    public static double? GetDouble(this JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : throw WrongType(name, "a number", value);
    }

    /// <summary>An integer member clamped into int's range (validation then reports it as out of bounds).</summary>
    public static int? GetInt32(this JsonElement body, string name) =>
        body.GetInt64(name) is { } value ? (int)Math.Clamp(value, int.MinValue, int.MaxValue) : null;

    public static bool? GetBoolean(this JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => throw WrongType(name, "a boolean", value),
        };
    }

    /// <summary>
    /// A timestamp member as epoch milliseconds. JSON clients send epoch seconds (with a fraction); AWS refuses
    /// strings. CBOR tag-1 timestamps arrive here already converted to seconds.
    /// </summary>
    public static long? GetTimestampMilliseconds(this JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetDecimal(out var seconds) && seconds >= -62135596800m && seconds <= 253402300799m)
            {
                return (long)decimal.Round(seconds * 1000m, MidpointRounding.ToZero);
            }
            throw AwsErrorException.Serialization($"Member '{name}' is not a valid timestamp: {value.GetRawText()}.");
        }
        throw WrongType(name, "a timestamp", value);
    }

    /// <summary>An object (a structure, or a map when <paramref name="map"/>) or array member, or null when absent.</summary>
    public static JsonElement? GetElement(this JsonElement body, string name, JsonValueKind kind, bool map = false)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == kind ? value : throw WrongType(name, kind == JsonValueKind.Array ? "a list" : map ? "a map" : "a structure", value);
    }

    /// <summary>
    /// AWS's SerializationException for <paramref name="value"/> where <paramref name="expected"/> was wanted
    /// ("a string", "an integer", "a boolean", "a base64 string", "a timestamp", "a list", "a map", "a structure",
    /// or "a list of strings"/"a list of structures" for an element of such a list). The member name is for the
    /// caller's reading only: AWS's text does not name it.
    /// </summary>
    public static AwsErrorException WrongType(string name, string expected, JsonElement value) =>
        AwsErrorException.Serialization(WrongTypeMessage(ShapeOf(expected), value));

    /// <summary>
    /// AWS's SerializationException for a blob member whose string is not base64, with the deserializer's texts as
    /// observed against the service (kinesalite's suite, run against AWS, records them; "dectected" is AWS's spelling):
    /// the length is checked first, then the alphabet (the first character outside it, or a '=' followed by anything
    /// but '='), and anything else is an invalid last character.
    /// </summary>
    public static AwsErrorException InvalidBase64(string value)
    {
        var head = "'" + value + "' can not be converted to a Blob: ";
        if (value.Length % 4 != 0)
        {
            return AwsErrorException.Serialization(head + "Base64 encoded length is expected a multiple of 4 bytes but found: " + value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var inAlphabet = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '+' or '/' or '=';
            if (!inAlphabet || (c == '=' && i + 1 < value.Length && value[i + 1] != '='))
            {
                return AwsErrorException.Serialization(head + "Invalid Base64 character: '" + c + "'");
            }
        }
        return AwsErrorException.Serialization(head + "Invalid last non-pad Base64 character dectected");
    }

    private static string ShapeOf(string expected) => expected switch
    {
        "a string" or "a list of strings" => "String",
        "an integer" => "Integer",
        "a long" => "Long",
        "a boolean" => "Boolean",
        "a base64 string" => "Blob",
        "a timestamp" => "Timestamp",
        "a list" => "List",
        "a map" => "Map",
        _ => "Structure",
    };

    /// <summary>The texts of AWS's JSON deserializer (Coral), as observed against the service.</summary>
    internal static string WrongTypeMessage(string shape, JsonElement value)
    {
        const string Number = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";
        const string Boolean = "class java.lang.Boolean";
        const string Text = "class java.lang.String";
        const string ListStart = "Start of list found where not expected";
        const string StructureStart = "Start of structure or map found where not expected.";
        var kind = value.ValueKind;
        return shape switch
        {
            "List" => kind == JsonValueKind.Object ? StructureStart : "Expected list or null",
            "Map" => kind == JsonValueKind.Array ? ListStart : "Expected map or null",
            "Structure" => kind == JsonValueKind.Array ? ListStart : "Expected null",
            _ when kind == JsonValueKind.Array => ListStart,
            _ when kind == JsonValueKind.Object => StructureStart,
            "Timestamp" => (kind == JsonValueKind.String ? Text : Boolean) + " can not be converted to milliseconds since epoch",
            "Blob" => (kind == JsonValueKind.Number ? Number : Boolean) + " can not be converted to a Blob",
            "Boolean" when kind == JsonValueKind.String => "'" + value.GetString()!.ToUpperInvariant() + "' can not be converted to an Boolean",
            _ => (kind switch { JsonValueKind.Number => Number, JsonValueKind.String => Text, _ => Boolean }) + " can not be converted to an " + shape,
        };
    }
}
