namespace Tributary.Client.Security.Sasl;

/// <summary>
/// The client's side of one SASL exchange on one connection (Kafka's SaslClient). <see cref="Next"/> is called first
/// with null (the client speaks first in every mechanism here), then with each server token the broker returned without
/// an error; it returns the next client token, or null when the exchange is complete. A server token that proves the
/// server wrong (a SCRAM signature that does not verify) throws <see cref="KafkaClientException"/>. Single-use, one
/// connection; not thread-safe.
/// </summary>
public interface ISaslClientExchange
{
    byte[]? Next(byte[]? serverToken);
}

/// <summary>
/// A configured SASL mechanism (<c>sasl.mechanism</c> with its credentials from <c>sasl.jaas.config</c>): the name sent
/// in SaslHandshake and a new exchange per connection. Immutable; thread-safe.
/// </summary>
public interface ISaslClientMechanism
{
    /// <summary>The mechanism's name as SaslHandshake carries it (PLAIN, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM).</summary>
    string Name { get; }

    /// <summary>A new exchange for a connection to <paramref name="host"/> (the name dialled: MSK IAM signs it).</summary>
    ISaslClientExchange Start(string host);
}
