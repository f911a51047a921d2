using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;

namespace Tributary.Connect.Converters;

/// <summary>Kafka's <c>org.apache.kafka.connect.converters.ByteArrayConverter</c>: bytes pass through unchanged.</summary>
[ConnectPlugin("org.apache.kafka.connect.converters.ByteArrayConverter")]
public sealed class ByteArrayConverter : StatelessConverter
{
    public override byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value)
    {
        if (schema is not null && schema.Type != SchemaType.Bytes)
        {
            throw new DataException("Invalid schema type for ByteArrayConverter: " + schema.Type.Name().ToUpperInvariant());
        }
        if (value is null)
        {
            return null;
        }
        if (value is byte[] bytes)
        {
            return bytes;
        }
        return ValueEquality.TryBytes(value, out var span) ? span.ToArray() : throw new DataException("ByteArrayConverter is not compatible with objects of type " + value.GetType());
    }

    public override SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value) => new(Schema.OptionalBytes, value);
}
