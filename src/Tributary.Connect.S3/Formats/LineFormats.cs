using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Json;
using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;
using Tributary.Delivery.Dialect;

namespace Tributary.Connect.S3.Formats;

/// <summary>
/// Confluent's JsonFormat: each value as Kafka's JsonConverter writes it with <c>schemas.enable=false</c> (decimals per
/// <c>json.decimal.format</c>), one per line (<c>\n</c>, Java's line separator on Linux); <c>.json</c>, <c>.json.gz</c>
/// with gzip. The converter is used on the worker's thread only.
/// </summary>
public sealed class JsonFormat : IRecordFormat
{
    private readonly JsonConverter _converter = new();

    public JsonFormat(string decimalFormat, bool gzip, int level)
    {
        _converter.Configure(new Dictionary<string, string>
        {
            ["schemas.enable"] = "false",
            ["decimal.format"] = decimalFormat.ToUpperInvariant(),
            ["converter.type"] = "value",
        });
        Extension = gzip ? ".json.gz" : ".json";
        Encoder = new LineEncoder("\n"u8.ToArray(), gzip, level);
    }

    public string Extension { get; }

    public IObjectEncoder<S3Record> Encoder { get; }

    public bool OneSchemaPerFile => false;

    public byte[] Prepare(SinkRecord record) =>
        _converter.FromConnectData(record.Topic, record.Headers, record.ValueSchema, record.Value) ?? "null"u8.ToArray();
}

/// <summary>
/// Confluent's ByteArrayFormat: each value's bytes as they are, then <c>format.bytearray.separator</c> (Java escapes
/// such as <c>\n</c> unescaped; default the line separator); extension <c>format.bytearray.extension</c> (+ <c>.gz</c>).
/// </summary>
public sealed class ByteArrayFormat(string extension, string? separator, bool gzip, int level) : IRecordFormat
{
    public string Extension { get; } = extension + (gzip ? ".gz" : "");

    public IObjectEncoder<S3Record> Encoder { get; } = new LineEncoder(Encoding.UTF8.GetBytes(separator is null ? "\n" : UnescapeJava(separator)), gzip, level);

    public bool OneSchemaPerFile => false;

    public byte[] Prepare(SinkRecord record)
    {
        if (record.ValueSchema is { } schema && schema.Type != SchemaType.Bytes)
        {
            throw new DataException("Invalid schema type for ByteArrayConverter: " + schema.Type.ToString().ToUpperInvariant());
        }
        return record.Value switch
        {
            byte[] bytes => bytes,
            null => [],
            var other => throw new DataException("ByteArrayConverter is not compatible with objects of type " + other.GetType().Name),
        };
    }

    /// <summary>Java string escapes (<c>\n \r \t \\ \0 \uXXXX</c>) as Apache Commons' unescapeJava reads them.</summary>
    public static string UnescapeJava(string text)
    {
        var output = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 == text.Length)
            {
                output.Append(c);
                continue;
            }
            var next = text[++i];
            switch (next)
            {
                case 'n': output.Append('\n'); break;
                case 'r': output.Append('\r'); break;
                case 't': output.Append('\t'); break;
                case 'b': output.Append('\b'); break;
                case 'f': output.Append('\f'); break;
                case '0': output.Append('\0'); break;
                case 'u' when i + 4 < text.Length:
                    output.Append((char)Convert.ToInt32(text.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: output.Append(next); break;
            }
        }
        return output.ToString();
    }
}
