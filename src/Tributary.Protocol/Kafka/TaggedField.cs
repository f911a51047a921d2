namespace Tributary.Protocol.Kafka;

/// <summary>A tagged field this version of Tributary does not know: kept as raw bytes and written back unchanged.</summary>
public readonly record struct RawTaggedField(uint Tag, ReadOnlyMemory<byte> Value);

/// <summary>A Kafka message (a request or response body, or a struct inside one) with generated codecs.</summary>
public interface IKafkaMessage
{
    /// <summary>Writes the message as <paramref name="version"/> lays it out; fields the version lacks are left out.</summary>
    void Write(KafkaWriter writer, short version);

    /// <summary>Reads the fields <paramref name="version"/> carries; the others keep their defaults.</summary>
    void Read(ref KafkaReader reader, short version);
}
