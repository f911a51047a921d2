using System.Text;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;

namespace Tributary.Connect.Storage;

/// <summary>
/// Kafka's <c>org.apache.kafka.connect.storage.SimpleHeaderConverter</c>, the worker's default header converter:
/// header values are written as the text <see cref="Values.ConvertToString"/> gives (UTF-8) and read back with
/// <see cref="Values.ParseString"/>'s inference; text that cannot be decoded is returned as BYTES.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.storage.SimpleHeaderConverter")]
public sealed class SimpleHeaderConverter : IHeaderConverter
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public ConfigDef Config => new();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public byte[]? FromConnectHeader(string topic, string headerKey, Schema? schema, object? value) =>
        value is null ? null : Encoding.UTF8.GetBytes(Values.ConvertToString(schema, value)!);

    public SchemaAndValue ToConnectHeader(string topic, string headerKey, byte[]? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }
        try
        {
            var text = StrictUtf8.GetString(value);
            return text.Length == 0 ? new SchemaAndValue(Schema.String, text) : Values.ParseString(text);
        }
        catch (Exception e) when (e is DecoderFallbackException or DataException or FormatException or OverflowException)
        {
            return new SchemaAndValue(Schema.Bytes, value);
        }
    }

    public void Dispose()
    {
    }
}
