namespace Tributary.Client;

/// <summary>A broker answered with a Kafka error code, or the connection failed.</summary>
public sealed class KafkaClientException(short errorCode, string message) : Exception(message)
{
    /// <summary>The Kafka error code (-1 for transport failures and unknown errors).</summary>
    public short ErrorCode { get; } = errorCode;

    /// <summary>Error codes Kafka marks retriable that a client should retry after refreshing metadata or backing off.</summary>
    /// <summary>PRODUCER_FENCED or INVALID_PRODUCER_EPOCH: a newer producer took over the transactional id; this one must stop.</summary>
    public bool IsFenced => ErrorCode is 47 or 90;

    public bool IsRetriable => ErrorCode is 5 or 6 or 7 or 13 or 14 or 15 or 16 or 19 or 20 or 27 or 56 or 74 or 75 or -1;
}
