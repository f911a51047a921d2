using System.Text.Json;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Json;

/// <summary>
/// Connect values ⇄ JSON without schemas, as Kafka's JsonConverter with <c>schemas.enable=false</c> writes and reads
/// them — what Connect's internal topics hold (configs, offsets, statuses). Offset keys are compared as bytes, so
/// they must be written by this (byte-identical to Kafka) and not by a general JSON serializer. Thread-safe.
/// </summary>
public static class SchemalessJson
{
    private static readonly ConnectJsonWriter Writer = new(DecimalFormat.Base64, true);
    private static readonly ConnectJsonReader Reader = new(true);

    [ThreadStatic]
    private static JacksonJsonWriter? _output;

    /// <summary>The JSON bytes of a value (maps, lists, strings, numbers, booleans, bytes); null for null.</summary>
    public static byte[]? Serialize(object? value)
    {
        if (value is null)
        {
            return null;
        }
        var output = _output ??= new JacksonJsonWriter();
        output.Reset();
        Writer.WriteValue(output, null, value);
        return output.ToArray();
    }

    /// <summary>The value the JSON bytes hold (maps are string-keyed dictionaries, integers long, other numbers double).</summary>
    public static object? Deserialize(ReadOnlySpan<byte> json)
    {
        try
        {
            if (json.IndexOfAnyExcept(" \t\r\n"u8) < 0)
            {
                return null;
            }
            var reader = new Utf8JsonReader(json, ConnectJsonReader.Options);
            reader.Read();
            return Reader.ReadSchemaless(ref reader);
        }
        catch (JsonException e)
        {
            throw new DataException("Converting byte[] to Kafka Connect data failed due to serialization error: ", e);
        }
    }
}
