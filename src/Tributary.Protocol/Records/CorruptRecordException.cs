namespace Tributary.Protocol.Records;

/// <summary>A record batch or record whose bytes do not decode (Kafka's CORRUPT_MESSAGE, error code 2).</summary>
public sealed class CorruptRecordException : Exception
{
    public CorruptRecordException(string message)
        : base(message)
    {
    }

    public CorruptRecordException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
