using System.Text.Json;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Storage;

namespace Tributary.Connect.Json;

/// <summary>
/// Kafka's <c>org.apache.kafka.connect.json.JsonConverter</c>, also usable as a header converter. With
/// <c>schemas.enable</c> (the default) each record is the envelope <c>{"schema":…,"payload":…}</c>; without, the bare
/// payload. Output is byte-identical to Kafka's (see <see cref="JacksonJsonWriter"/>); input is read as Kafka reads
/// it (see <see cref="ConnectJsonReader"/>), trailing bytes after the first JSON value ignored as Jackson does.
/// One instance per task and side, not thread-safe (it reuses one output buffer).
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.json.JsonConverter")]
public sealed class JsonConverter : IConverter, IHeaderConverter
{
    private const string EnvelopeError =
        "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields." +
        " If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";

    private readonly JacksonJsonWriter _output = new();
    private JsonConverterConfig _config = new(new Dictionary<string, string> { [ConverterConfig.TypeConfig] = ConverterConfig.Value });
    private ConnectJsonWriter _writer = new(DecimalFormat.Base64, true);
    private ConnectJsonReader _reader = new(true);
    private ConnectJsonSchemaReader _schemaReader = null!;

    public JsonConverter()
    {
        _schemaReader = new ConnectJsonSchemaReader(_reader);
    }

    public ConfigDef Config => JsonConverterConfig.ConfigDef();

    public JsonConverterConfig Settings => _config;

    /// <summary>Schemas cached for writing and for reading (Kafka's two LRU caches).</summary>
    public (int FromConnect, int ToConnect) CachedSchemas => (_writer.CachedSchemas, _schemaReader.CachedSchemas);

    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey) =>
        Configure(ConverterConfig.WithType(configs, isKey ? ConverterConfig.Key : ConverterConfig.Value));

    /// <summary>Header converter configuration: <c>converter.type</c> is <c>header</c> unless given.</summary>
    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var withType = configs.ContainsKey(ConverterConfig.TypeConfig) ? configs : ConverterConfig.WithType(configs, ConverterConfig.Header);
        _config = new JsonConverterConfig(withType);
        _writer = new ConnectJsonWriter(_config.DecimalFormat, _config.ReplaceNullWithDefault, _config.SchemaCacheSize);
        _reader = new ConnectJsonReader(_config.ReplaceNullWithDefault);
        _schemaReader = new ConnectJsonSchemaReader(_reader, _config.SchemaCacheSize);
    }

    public byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value)
    {
        if (schema is null && value is null)
        {
            return null;
        }
        _output.Reset();
        if (_config.SchemasEnabled)
        {
            _output.WriteStartObject();
            _output.WritePropertyNameEscaped("schema"u8);
            _writer.WriteSchema(_output, schema);
            _output.WritePropertyNameEscaped("payload"u8);
            _writer.WriteValue(_output, schema, value);
            _output.WriteEndObject();
        }
        else
        {
            _writer.WriteValue(_output, schema, value);
        }
        return _output.ToArray();
    }

    public SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }
        try
        {
            var reader = new Utf8JsonReader(value, ConnectJsonReader.Options);
            if (value.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0)
            {
                // Empty input is Jackson's missing node: no envelope, and null without schemas.
                return _config.SchemasEnabled ? throw new DataException(EnvelopeError) : SchemaAndValue.Null;
            }
            reader.Read();
            return _config.SchemasEnabled ? ReadEnvelope(ref reader, value) : new SchemaAndValue(null, _reader.ReadSchemaless(ref reader));
        }
        catch (JsonException e)
        {
            throw new DataException("Converting byte[] to Kafka Connect data failed due to serialization error: ", e);
        }
    }

    private SchemaAndValue ReadEnvelope(ref Utf8JsonReader reader, byte[] json)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataException(EnvelopeError);
        }
        Schema? schema = null;
        var schemaSeen = false;
        var payloadStart = -1;
        var payloadConvertedWith = (Schema?)null;
        var payloadConverted = false;
        object? payload = null;
        var others = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("schema"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                schema = _schemaReader.Read(json.AsSpan(start, (int)reader.BytesConsumed - start));
                schemaSeen = true;
            }
            else if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                payloadStart = (int)reader.TokenStartIndex;
                if (schemaSeen)
                {
                    // The usual order (Kafka writes the schema first): convert in the same pass.
                    payload = _reader.Read(ref reader, schema);
                    payloadConverted = true;
                    payloadConvertedWith = schema;
                }
                else
                {
                    reader.Skip();
                    payloadConverted = false;
                }
            }
            else
            {
                others = true;
                reader.Read();
                reader.Skip();
            }
        }
        if (others || !schemaSeen || payloadStart < 0)
        {
            throw new DataException(EnvelopeError);
        }
        if (!payloadConverted || !ReferenceEquals(payloadConvertedWith, schema))
        {
            var again = new Utf8JsonReader(json.AsSpan(payloadStart), ConnectJsonReader.Options);
            again.Read();
            payload = _reader.Read(ref again, schema);
        }
        return new SchemaAndValue(schema, payload);
    }

    public byte[]? FromConnectHeader(string topic, string headerKey, Schema? schema, object? value) => FromConnectData(topic, null, schema, value);

    public SchemaAndValue ToConnectHeader(string topic, string headerKey, byte[]? value) => ToConnectData(topic, null, value);

    public void Dispose() => _output.Dispose();
}
