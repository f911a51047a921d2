namespace Tributary.Protocol.Kafka;

/// <summary>
/// The request header. v0: api key, api version, correlation id; v1 adds the client id (nullable int16
/// string); v2 (flexible requests) adds a tagged-field section but keeps the client id as an int16
/// string, not a compact one. Which version applies follows from the api key and version
/// (<see cref="KafkaApiInfo.RequestHeaderVersion"/>), so a server reads the first four bytes first.
/// </summary>
public sealed class RequestHeader
{
    public short ApiKey { get; set; }

    public short ApiVersion { get; set; }

    public int CorrelationId { get; set; }

    public string? ClientId { get; set; }

    public List<RawTaggedField>? UnknownTaggedFields { get; set; }

    /// <summary>Reads api key and version without consuming them (to pick the header version).</summary>
    public static (short ApiKey, short ApiVersion) Peek(ReadOnlySpan<byte> request)
    {
        if (request.Length < 4)
        {
            throw new KafkaProtocolException("Malformed Kafka request: shorter than its header.");
        }
        return ((short)((request[0] << 8) | request[1]), (short)((request[2] << 8) | request[3]));
    }

    public void Read(ref KafkaReader reader, short headerVersion)
    {
        ApiKey = reader.ReadInt16();
        ApiVersion = reader.ReadInt16();
        CorrelationId = reader.ReadInt32();
        if (headerVersion >= 1)
        {
            ClientId = reader.ReadNullableString();
        }
        if (headerVersion >= 2)
        {
            UnknownTaggedFields = ReadTaggedFields(ref reader);
        }
    }

    public void Write(KafkaWriter writer, short headerVersion)
    {
        writer.WriteInt16(ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        if (headerVersion >= 1)
        {
            writer.WriteNullableString(ClientId);
        }
        if (headerVersion >= 2)
        {
            KafkaWire.WriteTaggedFields(writer, null, UnknownTaggedFields);
        }
    }

    internal static List<RawTaggedField>? ReadTaggedFields(ref KafkaReader reader)
    {
        List<RawTaggedField>? fields = null;
        var count = reader.ReadUnsignedVarint();
        for (var i = 0u; i < count; i++)
        {
            var tag = reader.ReadUnsignedVarint();
            (fields ??= []).Add(new RawTaggedField(tag, reader.Slice(KafkaWire.ReadTaggedSize(ref reader))));
        }
        return fields;
    }

    public override string ToString() => $"RequestHeader(ApiKey={ApiKey}, ApiVersion={ApiVersion}, CorrelationId={CorrelationId}, ClientId={KafkaWire.Show(ClientId)})";
}

/// <summary>The response header: v0 the correlation id; v1 (flexible responses except ApiVersions) adds tagged fields.</summary>
public sealed class ResponseHeader
{
    public int CorrelationId { get; set; }

    public List<RawTaggedField>? UnknownTaggedFields { get; set; }

    public void Read(ref KafkaReader reader, short headerVersion)
    {
        CorrelationId = reader.ReadInt32();
        if (headerVersion >= 1)
        {
            UnknownTaggedFields = RequestHeader.ReadTaggedFields(ref reader);
        }
    }

    public void Write(KafkaWriter writer, short headerVersion)
    {
        writer.WriteInt32(CorrelationId);
        if (headerVersion >= 1)
        {
            KafkaWire.WriteTaggedFields(writer, null, UnknownTaggedFields);
        }
    }

    public override string ToString() => $"ResponseHeader(CorrelationId={CorrelationId})";
}
