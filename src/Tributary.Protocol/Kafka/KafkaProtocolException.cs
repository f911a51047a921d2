namespace Tributary.Protocol.Kafka;

/// <summary>
/// Bytes that do not decode as the Kafka message they claim to be. The transport answers with the
/// protocol's error (or closes that one connection); it never takes down anything else.
/// </summary>
public sealed class KafkaProtocolException : Exception
{
    public KafkaProtocolException(string message)
        : base(message)
    {
    }
}
