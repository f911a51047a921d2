using Tributary.Broker;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// Topics another front end owns (a Kinesis stream's topic, <see cref="IBrokerApi.ReserveTopicPrefix"/>) are
/// read-only to Kafka clients: creating, producing to, deleting, growing, reconfiguring them or deleting their
/// records is refused with TOPIC_AUTHORIZATION_FAILED (29), what a Kafka client meets without write access.
/// </summary>
internal static class ReservedTopics
{
    /// <summary>The refusal for a change to <paramref name="topic"/>, or null when Kafka clients may change it.</summary>
    public static (ErrorCode Error, string? Message)? Refusal(IBrokerApi broker, string? topic) =>
        topic is not null && broker.TopicOwner(topic) is { } owner
            ? (ErrorCode.TopicAuthorizationFailed, $"Topic '{topic}' belongs to a {owner}; Kafka clients may only read it.")
            : null;
}
