using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// Creates and checks Connect's internal topics (Kafka's <c>TopicAdmin</c>): created with
/// <c>cleanup.policy=compact</c> when missing; an existing one whose policy is anything but exactly <c>compact</c>
/// makes the worker refuse to start (Kafka's <c>verifyTopicCleanupPolicyOnlyCompact</c>), because deletion by
/// retention would lose configurations, offsets or statuses. A policy that cannot be read is accepted (Kafka logs).
/// The config topic must have exactly one partition. Stateless.
/// </summary>
public static class InternalTopics
{
    private const short DescribeConfigsKey = 32;
    private const sbyte TopicResource = 2;

    public static async Task EnsureAsync(KafkaClient client, string topic, int partitions, string configKey, CancellationToken cancellationToken)
    {
        await client.CreateTopicAsync(topic, partitions, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, ifNotExists: true, cancellationToken).ConfigureAwait(false);
        var policy = await CleanupPolicyAsync(client, topic, cancellationToken).ConfigureAwait(false);
        if (policy is not null && !string.Equals(policy.Trim(), "compact", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigException($"Topic '{topic}' supplied via the '{configKey}' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of connector configurations, offsets and statuses, but found the topic currently has 'cleanup.policy={policy}'. Continuing would likely result in eventually losing data and problems restarting this Connect cluster in the future. Change the '{configKey}' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'.");
        }
        if (partitions == 1 && await client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false) is > 1 and var count)
        {
            throw new ConfigException($"Topic '{topic}' supplied via the '{configKey}' property is required to have a single partition in order to guarantee consistency of connector configurations, but it has {count} partitions.");
        }
    }

    private static async Task<string?> CleanupPolicyAsync(KafkaClient client, string topic, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await client.AnyConnectionAsync(cancellationToken).ConfigureAwait(false);
            var response = await connection.SendNegotiatedAsync<DescribeConfigsResponse>(new DescribeConfigsRequest
            {
                Resources = [new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = TopicResource, ResourceName = topic, ConfigurationKeys = ["cleanup.policy"] }],
            }, DescribeConfigsKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var result = response.Results.FirstOrDefault();
            return result is { ErrorCode: 0 } ? result.Configs.FirstOrDefault(c => c.Name == "cleanup.policy")?.Value : null;
        }
        catch (KafkaClientException)
        {
            return null;
        }
    }
}
