using System.Buffers.Binary;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Storage;

namespace Tributary.Connect.Converters;

/// <summary>
/// The shape of Kafka's stateless converters (ByteArray, Boolean, the numbers): only <c>converter.type</c> to
/// configure, and the same conversion for headers as for keys and values.
/// </summary>
public abstract class StatelessConverter : IConverter, IHeaderConverter
{
    public ConfigDef Config => ConverterConfig.NewConfigDef();

    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
    {
    }

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public abstract byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value);

    public abstract SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value);

    public byte[]? FromConnectHeader(string topic, string headerKey, Schema? schema, object? value) => FromConnectData(topic, null, schema, value);

    public SchemaAndValue ToConnectHeader(string topic, string headerKey, byte[]? value) => ToConnectData(topic, null, value);

    public void Dispose()
    {
    }
}

/// <summary>
/// Kafka's <c>NumberConverter</c>: a value of one .NET type in the byte layout of Kafka's matching serializer
/// (big-endian two's complement, IEEE 754 for floating point), read back with an optional schema of that type.
/// The value must be exactly that type, as Kafka's cast requires.
/// </summary>
public abstract class NumberConverter<T>(string typeName, Schema schema, int size) : StatelessConverter
    where T : struct
{
    public override byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? valueSchema, object? value)
    {
        if (value is null)
        {
            return null;
        }
        if (value is not T number)
        {
            throw new DataException($"Failed to serialize to {typeName} (was {value.GetType()}): ");
        }
        var bytes = new byte[size];
        Write(bytes, number);
        return bytes;
    }

    public override SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value)
    {
        if (value is null)
        {
            return new SchemaAndValue(schema, null);
        }
        if (value.Length != size)
        {
            throw new DataException($"Failed to deserialize {typeName}: ", new FormatException(SizeMessage(value.Length)));
        }
        return new SchemaAndValue(schema, Read(value));
    }

    /// <summary>The message of Kafka's deserializer for data of the wrong size.</summary>
    protected abstract string SizeMessage(int length);

    protected abstract void Write(Span<byte> destination, T value);

    protected abstract T Read(ReadOnlySpan<byte> source);
}

[ConnectPlugin("org.apache.kafka.connect.converters.ShortConverter")]
public sealed class ShortConverter() : NumberConverter<short>("short", Schema.OptionalInt16, 2)
{
    protected override string SizeMessage(int length) => "Size of data received by ShortDeserializer is not 2";

    protected override void Write(Span<byte> destination, short value) => BinaryPrimitives.WriteInt16BigEndian(destination, value);

    protected override short Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt16BigEndian(source);
}

[ConnectPlugin("org.apache.kafka.connect.converters.IntegerConverter")]
public sealed class IntegerConverter() : NumberConverter<int>("integer", Schema.OptionalInt32, 4)
{
    protected override string SizeMessage(int length) => "Size of data received by IntegerDeserializer is not 4";

    protected override void Write(Span<byte> destination, int value) => BinaryPrimitives.WriteInt32BigEndian(destination, value);

    protected override int Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt32BigEndian(source);
}

[ConnectPlugin("org.apache.kafka.connect.converters.LongConverter")]
public sealed class LongConverter() : NumberConverter<long>("long", Schema.OptionalInt64, 8)
{
    protected override string SizeMessage(int length) => "Size of data received by LongDeserializer is not 8";

    protected override void Write(Span<byte> destination, long value) => BinaryPrimitives.WriteInt64BigEndian(destination, value);

    protected override long Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64BigEndian(source);
}

[ConnectPlugin("org.apache.kafka.connect.converters.FloatConverter")]
public sealed class FloatConverter() : NumberConverter<float>("float", Schema.OptionalFloat32, 4)
{
    protected override string SizeMessage(int length) => "Size of data received by Deserializer is not 4";

    protected override void Write(Span<byte> destination, float value) => BinaryPrimitives.WriteSingleBigEndian(destination, value);

    protected override float Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadSingleBigEndian(source);
}

[ConnectPlugin("org.apache.kafka.connect.converters.DoubleConverter")]
public sealed class DoubleConverter() : NumberConverter<double>("double", Schema.OptionalFloat64, 8)
{
    protected override string SizeMessage(int length) => "Size of data received by Deserializer is not 8";

    protected override void Write(Span<byte> destination, double value) => BinaryPrimitives.WriteDoubleBigEndian(destination, value);

    protected override double Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadDoubleBigEndian(source);
}

/// <summary>Kafka's <c>BooleanConverter</c> (KIP-815): one byte, 1 for true and 0 for false.</summary>
[ConnectPlugin("org.apache.kafka.connect.converters.BooleanConverter")]
public sealed class BooleanConverter : StatelessConverter
{
    public override byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value)
    {
        if (schema is not null && schema.Type != SchemaType.Boolean)
        {
            throw new DataException("Invalid schema type for BooleanConverter: " + schema.Type.Name().ToUpperInvariant());
        }
        return value switch
        {
            null => null,
            bool b => [b ? (byte)1 : (byte)0],
            _ => throw new DataException("BooleanConverter is not compatible with objects of type " + value.GetType()),
        };
    }

    public override SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value)
    {
        if (value is null)
        {
            return new SchemaAndValue(Schema.OptionalBoolean, null);
        }
        if (value.Length != 1)
        {
            throw new DataException("Failed to deserialize boolean: ", new FormatException("Size of data received by BooleanDeserializer is not 1"));
        }
        return value[0] switch
        {
            1 => new SchemaAndValue(Schema.OptionalBoolean, true),
            0 => new SchemaAndValue(Schema.OptionalBoolean, false),
            _ => throw new DataException("Failed to deserialize boolean: ", new FormatException("Unexpected byte received by BooleanDeserializer: " + (sbyte)value[0])),
        };
    }
}
