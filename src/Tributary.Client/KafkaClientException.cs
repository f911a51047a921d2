namespace Tributary.Client;

/// <summary>A broker answered with a Kafka error code, or the connection failed.</summary>
public sealed class KafkaClientException(short errorCode, string message, bool authentication = false) : Exception(message)
{
    /// <summary>The Kafka error code (-1 for transport failures and unknown errors).</summary>
    public short ErrorCode { get; } = errorCode;

    /// <summary>
    /// The TLS handshake or SASL authentication failed (wrong credentials, an untrusted certificate, a mechanism the
    /// broker does not offer): as Kafka's AuthenticationException, never retriable — trying again gives the same answer.
    /// </summary>
    public bool IsAuthenticationFailure { get; } = authentication;

    /// <summary>PRODUCER_FENCED or INVALID_PRODUCER_EPOCH: a newer producer took over the transactional id; this one must stop.</summary>
    public bool IsFenced => ErrorCode is 47 or 90;

    /// <summary>Error codes Kafka marks retriable that a client should retry after refreshing metadata or backing off.</summary>
    public bool IsRetriable => !IsAuthenticationFailure && ErrorCode is 5 or 6 or 7 or 13 or 14 or 15 or 16 or 19 or 20 or 27 or 56 or 74 or 75 or -1;
}
