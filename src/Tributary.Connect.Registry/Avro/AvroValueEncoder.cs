using System.Buffers;
using Tributary.Connect.Data;

namespace Tributary.Connect.Registry.Avro;

/// <summary>
/// The Avro schema (as Confluent's AvroData writes it) of one Connect schema, and the binary encoding of values of that
/// schema: what writers of Avro files (the S3 sink's AvroFormat) need without the registry's wire format.
/// Immutable and thread-safe.
/// </summary>
public sealed class AvroValueEncoder
{
    private readonly AvroPlan _plan;

    public AvroValueEncoder(Schema schema)
    {
        (SchemaJson, _plan) = AvroData.FromConnect(schema);
    }

    /// <summary>The Avro schema JSON.</summary>
    public string SchemaJson { get; }

    /// <summary>Appends the Avro binary encoding of <paramref name="value"/> (DataException when it does not fit the schema).</summary>
    public void Write(ArrayBufferWriter<byte> output, object? value) => AvroBinary.Write(output, _plan, value);
}
