using System.Text;
using System.Text.Json;

namespace Tributary.Formats.Json;

/// <summary>
/// A JSON → columnar-file conversion of records, one at a time (<see cref="JsonToParquetConverter"/>, the ORC
/// converter): a record is written whole or rejected with nothing written.
/// </summary>
public interface IJsonRecordConverter
{
    /// <summary>Writes one JSON record as a row, or rejects it (nothing written) with the field and reason.</summary>
    bool TryWriteRecord(ReadOnlySpan<byte> json, out RejectedRecord? rejection);
}

/// <summary>
/// Value readings the JSON → Parquet and JSON → ORC conversions share, so that the two serializers of a delivery stream
/// read the same JSON the same way (docs/formats/json-to-parquet.md): timestamps as Firehose's OpenX and Hive SerDes take
/// them, and the wording of rejections. Stateless.
/// </summary>
public static class JsonSerDeReading
{
    /// <summary>
    /// A timestamp as nanoseconds since the epoch. Hive takes numbers only with the "millis" format and strings in its
    /// TimestampFormats (Joda patterns, "millis") or else java.sql.Timestamp.valueOf's form; OpenX takes epoch numbers
    /// and every built-in text form of <see cref="TimestampParser"/>.
    /// </summary>
    public static bool TryReadTimestamp(ref Utf8JsonReader reader, JsonSerDeOptions options, out long nanos)
    {
        nanos = 0;
        var hive = options.Kind == JsonSerDeKind.Hive;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (hive && !(options.TimestampFormats?.Contains("millis") ?? false))
            {
                return false;
            }
            try
            {
                return TimestampParser.TryParseEpoch(reader.ValueSpan, hive, out nanos);
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        if (hive && options.TimestampFormats is { Count: > 0 } formats)
        {
            var text = reader.GetString()!;
            foreach (var format in formats)
            {
                if (format == "millis")
                {
                    if (long.TryParse(text, out var millis))
                    {
                        nanos = millis * 1_000_000;
                        return true;
                    }
                }
                else if (TimestampParser.TryParseJoda(text, format, out nanos))
                {
                    return true;
                }
            }
        }
        var span = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        // Hive without (matching) formats uses java.sql.Timestamp.valueOf; OpenX takes every built-in form.
        return hive ? TimestampParser.TryParseSqlTimestamp(span, out nanos) : TimestampParser.TryParseText(span, out nanos);
    }

    /// <summary>The kind of the current token, for "expected X, got Y" rejections.</summary>
    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => reader.TokenType.ToString(),
    };

    /// <summary>The current value as a rejection quotes it: strings quoted and cut at 64 characters, numbers as written.</summary>
    public static string Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "\"" + Truncate(reader.GetString() ?? "") + "\"",
        JsonTokenType.Number => Truncate(Encoding.UTF8.GetString(reader.ValueSpan)),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => Describe(ref reader),
    };

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
