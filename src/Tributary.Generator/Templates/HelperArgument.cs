using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tributary.Generator.Templates;

/// <summary>An argument that cannot be read; <see cref="Offset"/> is where, within the argument's text.</summary>
public sealed class HelperArgumentException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>
/// What a template passes a helper, read as faker.js reads it: the text between the first <c>(</c> and the first
/// <c>)</c>, parsed as JSON when it is JSON (<c>70</c>, <c>{"min":10,"max":150}</c>, <c>["OK","FAIL"]</c>), otherwise
/// the text itself (<c>DD/MMM/YYYY</c>) — except text that starts as an object or an array, which must be JSON. None when the token has no parentheses (or they are empty). Immutable; parsed
/// once when the template is compiled.
/// </summary>
public readonly struct HelperArgument
{
    private HelperArgument(JsonElement? json, string? text)
    {
        Json = json;
        Text = text;
        // Decoded once: helpers read their string argument for every record.
        _string = json is { ValueKind: JsonValueKind.String } s ? s.GetString() : text;
    }

    private readonly string? _string;

    public static HelperArgument None => default;

    public JsonElement? Json { get; }

    /// <summary>The raw text when it was not JSON.</summary>
    public string? Text { get; }

    public bool IsNone => Json is null && Text is null;

    public static HelperArgument Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return None;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return new HelperArgument(document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            // An object or an array that is not JSON is a mistake, not text: the helpers that take one would quietly
            // fall back to their defaults.
            var first = text.TrimStart();
            if (first.StartsWith('{') || first.StartsWith('['))
            {
                var offset = (int)Math.Min(e.BytePositionInLine ?? 0, text.Length);
                throw new HelperArgumentException(offset, $"not valid JSON ({Describe(e)}): {text}");
            }
            return new HelperArgument(null, text);
        }
    }

    /// <summary>System.Text.Json's message without its path and byte position (the caller names the position).</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    /// <summary>A number argument, or a string that is one (JavaScript's loose reading); <paramref name="fallback"/> otherwise.</summary>
    public double Number(double fallback) => Json is { ValueKind: JsonValueKind.Number } n ? n.GetDouble()
        : Json is { ValueKind: JsonValueKind.String } s && double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : Text is not null && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fromText) ? fromText
        : fallback;

    /// <summary>A member of an object argument as a number, or <paramref name="fallback"/>.</summary>
    public double Member(string name, double fallback) =>
        Json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : fallback;

    /// <summary>A string argument (JSON string or raw text), or null.</summary>
    public string? String => _string;

    /// <summary>How JavaScript prints a value when it is concatenated into a string.</summary>
    public static string JsString(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!;
            case JsonValueKind.Number:
                return JsNumber(value.GetDouble());
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return "null";
            case JsonValueKind.Array:
                var joined = new StringBuilder();
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        joined.Append(',');
                    }
                    first = false;
                    if (item.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                    {
                        joined.Append(JsString(item));
                    }
                }
                return joined.ToString();
            default:
                return "[object Object]";
        }
    }

    /// <summary>JavaScript's Number-to-string: integers without a fraction, others in the shortest round-trip form.</summary>
    public static string JsNumber(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "Infinity" : "-Infinity")
        : value == Math.Floor(value) && Math.Abs(value) < 1e21 ? ((decimal)value).ToString(CultureInfo.InvariantCulture)
        : value.ToString("R", CultureInfo.InvariantCulture);
}
