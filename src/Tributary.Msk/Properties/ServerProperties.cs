using System.Globalization;
using System.Text;
using Tributary.Broker;

namespace Tributary.Msk.Properties;

/// <summary>
/// An MSK configuration's server.properties: parsing (Java properties lines: <c>key=value</c> or <c>key:value</c>,
/// <c>#</c>/<c>!</c> comments, blank lines), MSK's rules (only the properties MSK lets a configuration set; an
/// unknown key is BadRequestException, as MSK refuses it) and the mapping of the broker properties Tributary enforces
/// onto its topic defaults. Stateless; thread-safe.
/// </summary>
public static class ServerProperties
{
    /// <summary>
    /// The properties an MSK configuration may set (MSK's developer guide, "Custom MSK configurations"). Those in
    /// <see cref="TopicDefaults"/> change the broker; the others are kept in the configuration and have no effect on a
    /// single-node broker (replication, ZooKeeper, thread counts, socket buffers).
    /// </summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "allow.everyone.if.no.acl.found", "auto.create.topics.enable", "auto.leader.rebalance.enable", "background.threads",
        "compression.type", "compression.gzip.level", "compression.lz4.level", "compression.zstd.level",
        "connections.max.idle.ms", "default.replication.factor", "delete.topic.enable",
        "group.initial.rebalance.delay.ms", "group.max.session.timeout.ms", "group.min.session.timeout.ms",
        "leader.imbalance.per.broker.percentage", "log.cleaner.delete.retention.ms", "log.cleaner.min.cleanable.ratio",
        "log.cleaner.max.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms", "log.cleanup.policy",
        "log.flush.interval.messages", "log.flush.interval.ms", "log.message.timestamp.difference.max.ms",
        "log.message.timestamp.before.max.ms", "log.message.timestamp.after.max.ms", "log.message.timestamp.type",
        "log.retention.bytes", "log.retention.hours", "log.retention.minutes", "log.retention.ms", "log.roll.hours",
        "log.roll.ms", "log.segment.bytes", "max.connections.per.ip", "max.connections.per.ip.overrides",
        "max.incremental.fetch.session.cache.slots", "message.max.bytes", "min.insync.replicas", "num.io.threads",
        "num.network.threads", "num.partitions", "num.recovery.threads.per.data.dir", "num.replica.fetchers",
        "offsets.retention.minutes", "offsets.topic.replication.factor", "producer.id.expiration.ms",
        "replica.fetch.max.bytes", "replica.fetch.response.max.bytes", "replica.lag.time.max.ms", "replica.selector.class",
        "replica.socket.receive.buffer.bytes", "socket.receive.buffer.bytes", "socket.request.max.bytes",
        "socket.send.buffer.bytes", "transaction.max.timeout.ms", "transaction.state.log.min.isr",
        "transaction.state.log.replication.factor", "transactional.id.expiration.ms", "unclean.leader.election.enable",
        "zookeeper.connection.timeout.ms", "zookeeper.session.timeout.ms", "zookeeper.set.acl",
    };

    /// <summary>Broker property → the topic config it is the default of (Kafka's own pairs, e.g. log.retention.ms → retention.ms).</summary>
    private static readonly Dictionary<string, string> DirectTopicDefaults = new(StringComparer.Ordinal)
    {
        ["log.retention.bytes"] = TopicConfigs.RetentionBytes,
        ["log.segment.bytes"] = TopicConfigs.SegmentBytes,
        ["log.cleanup.policy"] = TopicConfigs.CleanupPolicy,
        ["message.max.bytes"] = TopicConfigs.MaxMessageBytes,
        ["log.message.timestamp.type"] = TopicConfigs.MessageTimestampType,
        ["log.cleaner.min.cleanable.ratio"] = TopicConfigs.MinCleanableDirtyRatio,
        ["log.cleaner.delete.retention.ms"] = TopicConfigs.DeleteRetentionMs,
        ["compression.type"] = TopicConfigs.CompressionType,
        ["compression.gzip.level"] = TopicConfigs.CompressionGzipLevel,
        ["compression.lz4.level"] = TopicConfigs.CompressionLz4Level,
        ["compression.zstd.level"] = TopicConfigs.CompressionZstdLevel,
    };

    /// <summary>Parses the text; BadRequestException naming the line when one is not a property.</summary>
    public static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> text)
    {
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(text);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("The server properties are not UTF-8 text.");
        }
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var rawLine in decoded.Split('\n'))
        {
            number++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw Invalid($"Line {number} of the server properties is not of the form key=value: '{line}'.");
            }
            var key = line[..separator].Trim();
            var value = line[(separator + 1)..].Trim();
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                throw Invalid($"Line {number} of the server properties has an invalid key: '{line}'.");
            }
            properties[key] = value;
        }
        return properties;
    }

    /// <summary>
    /// Checks MSK's rules on parsed properties: every key is one MSK accepts, and the values of those that become topic
    /// defaults are valid for the broker. BadRequestException on the first problem.
    /// </summary>
    public static void Validate(IReadOnlyDictionary<string, string> properties)
    {
        foreach (var key in properties.Keys)
        {
            if (!Known.Contains(key))
            {
                throw Invalid($"Unsupported property '{key}': an MSK configuration cannot set it.");
            }
        }
        _ = TopicDefaults(properties);
    }

    /// <summary>
    /// The topic defaults the properties set, under topic config names. Kafka's precedence for the time units:
    /// <c>log.retention.ms</c> over <c>.minutes</c> over <c>.hours</c>, <c>log.roll.ms</c> over <c>.hours</c>.
    /// BadRequestException when a value is invalid.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TopicDefaults(IReadOnlyDictionary<string, string> properties)
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (property, topicConfig) in DirectTopicDefaults)
        {
            if (properties.TryGetValue(property, out var value))
            {
                defaults[topicConfig] = Checked(property, topicConfig, value);
            }
        }
        if (TimeInMs(properties, "log.retention", allowMinutes: true) is { } retention)
        {
            defaults[TopicConfigs.RetentionMs] = Checked(retention.Property, TopicConfigs.RetentionMs, retention.Ms);
        }
        if (TimeInMs(properties, "log.roll", allowMinutes: false) is { } roll)
        {
            defaults[TopicConfigs.SegmentMs] = Checked(roll.Property, TopicConfigs.SegmentMs, roll.Ms);
        }
        return defaults;
    }

    private static (string Property, string Ms)? TimeInMs(IReadOnlyDictionary<string, string> properties, string prefix, bool allowMinutes)
    {
        if (properties.TryGetValue(prefix + ".ms", out var ms))
        {
            return (prefix + ".ms", ms);
        }
        if (allowMinutes && properties.TryGetValue(prefix + ".minutes", out var minutes))
        {
            return (prefix + ".minutes", Scaled(prefix + ".minutes", minutes, 60_000));
        }
        if (properties.TryGetValue(prefix + ".hours", out var hours))
        {
            return (prefix + ".hours", Scaled(prefix + ".hours", hours, 3_600_000));
        }
        return null;
    }

    private static string Scaled(string property, string value, long factor)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) || parsed < -1 || parsed > long.MaxValue / factor)
        {
            throw Invalid($"Invalid value '{value}' for {property}: expected an integer.");
        }
        // -1 means "no limit" in every unit.
        return (parsed == -1 ? -1 : parsed * factor).ToString(CultureInfo.InvariantCulture);
    }

    private static string Checked(string property, string topicConfig, string value)
    {
        if (TopicConfigs.Validate(topicConfig, value) is { } problem)
        {
            throw Invalid($"Invalid value '{value}' for {property}: {problem}");
        }
        return value;
    }

    private static MskException Invalid(string message) => MskException.BadRequest(message, "serverProperties");
}
