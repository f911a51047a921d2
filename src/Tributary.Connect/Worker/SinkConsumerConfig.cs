using System.Globalization;
using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Config;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// The consumer a sink task runs, configured as Kafka's <c>Worker.baseConsumerConfigs</c> layers it: Connect's
/// defaults (auto.offset.reset=earliest, max.poll.records 500), then the worker's <c>consumer.*</c> keys, then the
/// connector's <c>consumer.override.*</c> keys (which the override policy has already allowed). The consumer keys the
/// runtime uses are read here; others are accepted and have no effect. A value of the wrong type is Kafka's
/// ConfigException, which fails the task with that message. Immutable.
/// </summary>
public sealed record SinkConsumerConfig(GroupConsumerOptions Options, int MaxPollRecords)
{
    public const string WorkerConsumerPrefix = "consumer.";
    public const string MaxPollRecordsKey = "max.poll.records";
    public const string AutoOffsetResetKey = "auto.offset.reset";
    public const int DefaultMaxPollRecords = 500;

    /// <param name="topicsRegex">The task's <c>topics.regex</c> (a pattern subscription), or null for <paramref name="topics"/>.</param>
    public static SinkConsumerConfig From(WorkerConfig worker, IReadOnlyDictionary<string, string> connectorConfig, string groupId, IReadOnlyList<string> topics, string? topicsRegex = null)
    {
        var settings = new Dictionary<string, string>(worker.WithPrefix(WorkerConsumerPrefix), StringComparer.Ordinal);
        foreach (var (key, value) in connectorConfig)
        {
            if (key.StartsWith(ClientConfigOverridePolicy.ConsumerOverridePrefix, StringComparison.Ordinal))
            {
                settings[key[ClientConfigOverridePolicy.ConsumerOverridePrefix.Length..]] = value;
            }
        }
        System.Text.RegularExpressions.Regex? pattern = null;
        if (topicsRegex is { Length: > 0 })
        {
            try
            {
                pattern = new System.Text.RegularExpressions.Regex(topicsRegex, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException("topics.regex", topicsRegex, e.Message);
            }
        }
        var defaults = new GroupConsumerOptions { GroupId = groupId, Topics = topics, TopicPattern = pattern };
        var reset = settings.TryGetValue(AutoOffsetResetKey, out var resetText) ? resetText.Trim() : "earliest";
        if (reset is not ("earliest" or "latest"))
        {
            // Kafka also accepts "none" (fail when there is no committed offset); this consumer does not have it.
            throw new ConfigException(AutoOffsetResetKey, resetText, "String must be one of: latest, earliest");
        }
        var options = defaults with
        {
            StartAtEarliest = reset == "earliest",
            SessionTimeoutMs = Int(settings, "session.timeout.ms", defaults.SessionTimeoutMs, 1),
            HeartbeatIntervalMs = Int(settings, "heartbeat.interval.ms", defaults.HeartbeatIntervalMs, 1),
            RebalanceTimeoutMs = Int(settings, "max.poll.interval.ms", defaults.RebalanceTimeoutMs, 1),
            MaxPartitionFetchBytes = Int(settings, "max.partition.fetch.bytes", defaults.MaxPartitionFetchBytes, 1),
            FetchMaxBytes = Int(settings, "fetch.max.bytes", defaults.FetchMaxBytes, 1),
            // How soon a new topic matching topics.regex (or new partitions) is picked up.
            MetadataMaxAgeMs = Int(settings, "metadata.max.age.ms", defaults.MetadataMaxAgeMs, 0),
        };
        return new SinkConsumerConfig(options, Int(settings, MaxPollRecordsKey, DefaultMaxPollRecords, 1));
    }

    private static int Int(Dictionary<string, string> settings, string key, int fallback, int atLeast)
    {
        if (!settings.TryGetValue(key, out var text))
        {
            return fallback;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConfigException(key, text, "Not a number of type INT");
        }
        if (value < atLeast)
        {
            throw new ConfigException(key, value, $"Value must be at least {atLeast}");
        }
        return value;
    }
}
