using System.Globalization;
using System.Text.Json;

namespace Tributary.Aws;

/// <summary>
/// Typed access to request members, with AWS's answers for bad input: a member of the wrong JSON type is a
/// SerializationException naming the member and the expected type; absent and null members read as null
/// (required-ness is the caller's validation, which AWS reports as ValidationException).
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
        // Larger than a long, or with a fraction: AWS's parsers refuse both for integer members.
        throw AwsErrorException.Serialization($"Member '{name}' must be an integer within range; got {value.GetRawText()}.");
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
            _ => throw WrongType(name, "a boolean", value),
        };
    }

    /// <summary>
    /// A timestamp member as epoch milliseconds. JSON clients send epoch seconds (with a fraction); an ISO-8601
    /// string is accepted too. CBOR tag-1 timestamps arrive here already converted to seconds.
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
        if (value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed.ToUnixTimeMilliseconds();
        }
        throw WrongType(name, "a timestamp (epoch seconds)", value);
    }

    /// <summary>An object or array member, or null when absent.</summary>
    public static JsonElement? GetElement(this JsonElement body, string name, JsonValueKind kind)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == kind ? value : throw WrongType(name, kind == JsonValueKind.Array ? "a list" : "a structure", value);
    }

    public static AwsErrorException WrongType(string name, string expected, JsonElement value) =>
        AwsErrorException.Serialization($"Member '{name}' must be {expected}, not {Describe(value.ValueKind)}.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "a structure",
        _ => kind.ToString(),
    };
}
