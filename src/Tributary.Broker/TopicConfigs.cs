using System.Globalization;
using Tributary.Protocol.Compression;
using Tributary.Storage;

namespace Tributary.Broker;

/// <summary>Where a config value comes from.</summary>
public enum ConfigSource
{
    /// <summary>Kafka's built-in default.</summary>
    Default,

    /// <summary>A broker-wide default (<see cref="BrokerOptions.DefaultTopicConfigs"/>, <see cref="BrokerOptions.MessageMaxBytes"/>).</summary>
    BrokerDefault,

    /// <summary>Set on the topic.</summary>
    Topic,
}

/// <summary>One topic config as DescribeConfigs reports it.</summary>
public sealed record TopicConfigEntry(string Name, string Value, ConfigSource Source)
{
    public bool IsDefault => Source != ConfigSource.Topic;
}

/// <summary>What the broker enforces for one topic, resolved from defaults and overrides.</summary>
/// <param name="Compression">The codec (and level) batches are stored with, or null to keep the producer's (<c>compression.type=producer</c>).</param>
public sealed record EffectiveTopicConfig(LogConfig Log, int MaxMessageBytes, bool LogAppendTime, TopicCompression? Compression = null);

/// <summary>A topic's <c>compression.type</c> other than <c>producer</c>, with the level of its <c>compression.&lt;codec&gt;.level</c>.</summary>
public sealed record TopicCompression(CompressionCodec Codec, int Level);

/// <summary>
/// The topic configs Tributary supports, with Kafka's names, defaults and validation, and their mapping onto
/// <see cref="LogConfig"/>. Values are kept as strings (as clients send them) and parsed when resolved.
/// </summary>
public static class TopicConfigs
{
    public const string RetentionMs = "retention.ms";
    public const string RetentionBytes = "retention.bytes";
    public const string SegmentBytes = "segment.bytes";
    public const string SegmentMs = "segment.ms";
    public const string CleanupPolicy = "cleanup.policy";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string CompressionType = "compression.type";
    public const string CompressionGzipLevel = "compression.gzip.level";
    public const string CompressionLz4Level = "compression.lz4.level";
    public const string CompressionZstdLevel = "compression.zstd.level";

    /// <summary><c>compression.type</c>'s values as Kafka's validator lists them.</summary>
    private static readonly string[] CompressionTypes = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

    /// <summary>Every supported config with Kafka's default, in the order DescribeConfigs lists them.</summary>
    public static readonly IReadOnlyList<(string Name, string Default)> Supported =
    [
        (CleanupPolicy, "delete"),
        (CompressionGzipLevel, "-1"),
        (CompressionLz4Level, "9"),
        (CompressionType, "producer"),
        (CompressionZstdLevel, "3"),
        (DeleteRetentionMs, "86400000"),
        (MaxMessageBytes, "1048588"),
        (MessageTimestampType, "CreateTime"),
        (MinCleanableDirtyRatio, "0.5"),
        (RetentionBytes, "-1"),
        (RetentionMs, "604800000"),
        (SegmentBytes, "1073741824"),
        (SegmentMs, "604800000"),
    ];

    public static bool IsSupported(string name) => Supported.Any(c => c.Name == name);

    /// <summary>Null when <paramref name="value"/> is valid for <paramref name="name"/>, else why not.</summary>
    public static string? Validate(string name, string? value)
    {
        if (!IsSupported(name))
        {
            return $"Unknown or unsupported topic config '{name}'.";
        }
        if (value is null)
        {
            return $"Null value not supported for topic config '{name}'.";
        }
        return name switch
        {
            RetentionMs or RetentionBytes => CheckLong(name, value, -1),
            SegmentMs => CheckLong(name, value, 1),
            DeleteRetentionMs => CheckLong(name, value, 0),
            // LogConfig needs room for at least a few batches per segment.
            SegmentBytes => CheckInt(name, value, 1024),
            MaxMessageBytes => CheckInt(name, value, 0),
            CleanupPolicy => ParseCleanupPolicy(value) is null ? $"Invalid value '{value}' for {name}: expected delete, compact or compact,delete." : null,
            MessageTimestampType => value is "CreateTime" or "LogAppendTime" ? null : $"Invalid value '{value}' for {name}: expected CreateTime or LogAppendTime.",
            // Kafka's own texts (ConfigDef's ValidString and Range validators).
            CompressionType => CompressionTypes.Contains(value, StringComparer.Ordinal) ? null
                : $"Invalid value {value} for configuration {name}: String must be one of: {string.Join(", ", CompressionTypes)}",
            CompressionGzipLevel => CheckLevel(name, value, 1, 9, alsoAllowed: -1),
            CompressionLz4Level => CheckLevel(name, value, 1, 17),
            CompressionZstdLevel => CheckLevel(name, value, -131072, 22),
            MinCleanableDirtyRatio => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
                ? null
                : $"Invalid value '{value}' for {name}: expected a number between 0 and 1.",
            _ => null,
        };
    }

    /// <summary>The first problem among <paramref name="configs"/>, or null.</summary>
    public static string? ValidateAll(IEnumerable<KeyValuePair<string, string?>> configs)
    {
        foreach (var (name, value) in configs)
        {
            if (Validate(name, value) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    /// <summary>
    /// Resolves a topic's configs: Kafka defaults, then <paramref name="brokerDefaults"/>, then
    /// <paramref name="overrides"/>. All values must have been validated.
    /// </summary>
    public static EffectiveTopicConfig Resolve(IReadOnlyDictionary<string, string> brokerDefaults, IReadOnlyDictionary<string, string> overrides, LogConfig baseLog)
    {
        var values = Describe(brokerDefaults, overrides).ToDictionary(e => e.Name, e => e.Value);
        string Get(string name) => values[name];
        var log = baseLog with
        {
            RetentionMs = long.Parse(Get(RetentionMs), CultureInfo.InvariantCulture),
            RetentionBytes = long.Parse(Get(RetentionBytes), CultureInfo.InvariantCulture),
            SegmentBytes = int.Parse(Get(SegmentBytes), CultureInfo.InvariantCulture),
            SegmentMs = long.Parse(Get(SegmentMs), CultureInfo.InvariantCulture),
            CleanupPolicy = ParseCleanupPolicy(Get(CleanupPolicy))!.Value,
            MinCleanableDirtyRatio = double.Parse(Get(MinCleanableDirtyRatio), CultureInfo.InvariantCulture),
            DeleteRetentionMs = long.Parse(Get(DeleteRetentionMs), CultureInfo.InvariantCulture),
        };
        return new EffectiveTopicConfig(log, int.Parse(Get(MaxMessageBytes), CultureInfo.InvariantCulture), Get(MessageTimestampType) == "LogAppendTime",
            ResolveCompression(Get(CompressionType), name => int.Parse(Get(name), CultureInfo.InvariantCulture)));
    }

    /// <summary>Every supported config with its value and source (DescribeConfigs).</summary>
    public static IReadOnlyList<TopicConfigEntry> Describe(IReadOnlyDictionary<string, string> brokerDefaults, IReadOnlyDictionary<string, string> overrides)
    {
        var entries = new List<TopicConfigEntry>(Supported.Count);
        foreach (var (name, kafkaDefault) in Supported)
        {
            if (overrides.TryGetValue(name, out var value))
            {
                entries.Add(new TopicConfigEntry(name, value, ConfigSource.Topic));
            }
            else if (brokerDefaults.TryGetValue(name, out value))
            {
                entries.Add(new TopicConfigEntry(name, value, ConfigSource.BrokerDefault));
            }
            else
            {
                entries.Add(new TopicConfigEntry(name, kafkaDefault, ConfigSource.Default));
            }
        }
        return entries;
    }

    private static Storage.CleanupPolicy? ParseCleanupPolicy(string value)
    {
        var policy = Storage.CleanupPolicy.None;
        foreach (var part in value.Split(','))
        {
            switch (part.Trim())
            {
                case "delete":
                    policy |= Storage.CleanupPolicy.Delete;
                    break;
                case "compact":
                    policy |= Storage.CleanupPolicy.Compact;
                    break;
                default:
                    return null;
            }
        }
        return policy;
    }

    /// <summary>The codec and level batches are stored with; null for <c>producer</c> (each batch as its producer compressed it).</summary>
    private static TopicCompression? ResolveCompression(string type, Func<string, int> level) => type switch
    {
        "uncompressed" => new(CompressionCodec.None, -1),
        "gzip" => new(CompressionCodec.Gzip, level(CompressionGzipLevel)),
        "snappy" => new(CompressionCodec.Snappy, -1),
        "lz4" => new(CompressionCodec.Lz4, level(CompressionLz4Level)),
        "zstd" => new(CompressionCodec.Zstd, level(CompressionZstdLevel)),
        _ => null,
    };

    private static string? CheckLevel(string name, string value, int min, int max, int? alsoAllowed = null) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && (parsed == alsoAllowed || (parsed >= min && parsed <= max))
            ? null
            : alsoAllowed is { } special
                ? $"Invalid value {value} for configuration {name}: Value must be between {min} and {max} or equal to {special}"
                : $"Invalid value {value} for configuration {name}: Value must be between {min} and {max}";

    private static string? CheckLong(string name, string value, long min) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= min
            ? null
            : $"Invalid value '{value}' for {name}: expected an integer of at least {min}.";

    private static string? CheckInt(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= min
            ? null
            : $"Invalid value '{value}' for {name}: expected an integer of at least {min} and at most {int.MaxValue}.";
}
