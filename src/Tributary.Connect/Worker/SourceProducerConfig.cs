using System.Globalization;
using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Config;
using Tributary.Protocol.Compression;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// How a source task produces, layered as Kafka's <c>Worker.baseProducerConfigs</c> layers its producer's settings:
/// Connect's defaults (acks=all), then the worker's <c>producer.*</c> keys, then the connector's
/// <c>producer.override.*</c> keys (which the override policy has already allowed). Read here: <c>acks</c>,
/// <c>compression.type</c> with <c>compression.gzip.level</c> / <c>compression.lz4.level</c> /
/// <c>compression.zstd.level</c> (KIP-390), and <c>batch.size</c> (the size at which a partition's batch is sent; unset,
/// the runtime's own 512 KiB, since it gathers records while a request is in flight rather than lingering). Other
/// producer keys are accepted and have no effect. A bad value is Kafka's ConfigException, which fails the task with that
/// message. Immutable.
/// </summary>
public sealed record SourceProducerConfig(short Acks, CompressionCodec Codec, int CompressionLevel, int BatchBytes)
{
    public const string WorkerProducerPrefix = "producer.";

    /// <summary>The batch size when <c>batch.size</c> is not set; the broker's default max.message.bytes is 1 MiB.</summary>
    public const int DefaultBatchBytes = 512 * 1024;

    private static readonly string[] AcksValues = ["all", "-1", "0", "1"];
    private static readonly string[] Codecs = ["none", "gzip", "snappy", "lz4", "zstd"];

    public static SourceProducerConfig Default { get; } = new(-1, CompressionCodec.None, -1, DefaultBatchBytes);

    public static SourceProducerConfig From(WorkerConfig worker, IReadOnlyDictionary<string, string> connectorConfig)
    {
        var settings = new Dictionary<string, string>(worker.WithPrefix(WorkerProducerPrefix), StringComparer.Ordinal);
        foreach (var (key, value) in connectorConfig)
        {
            if (key.StartsWith(ClientConfigOverridePolicy.ProducerOverridePrefix, StringComparison.Ordinal))
            {
                settings[key[ClientConfigOverridePolicy.ProducerOverridePrefix.Length..]] = value;
            }
        }
        var acksText = settings.TryGetValue("acks", out var a) ? a.Trim() : "all";
        if (!AcksValues.Contains(acksText, StringComparer.OrdinalIgnoreCase))
        {
            throw new ConfigException("acks", acksText, "String must be one of: " + string.Join(", ", AcksValues));
        }
        var acks = acksText.Equals("all", StringComparison.OrdinalIgnoreCase) ? (short)-1 : short.Parse(acksText, CultureInfo.InvariantCulture);
        var type = settings.TryGetValue("compression.type", out var t) ? t.Trim().ToLowerInvariant() : "none";
        var (codec, level) = type switch
        {
            "none" => (CompressionCodec.None, -1),
            "gzip" => (CompressionCodec.Gzip, Level(settings, "compression.gzip.level", -1, 1, 9, -1)),
            "snappy" => (CompressionCodec.Snappy, -1),
            "lz4" => (CompressionCodec.Lz4, Level(settings, "compression.lz4.level", 9, 1, 17)),
            "zstd" => (CompressionCodec.Zstd, Level(settings, "compression.zstd.level", 3, -131072, 22)),
            _ => throw new ConfigException("compression.type", t, "String must be one of: " + string.Join(", ", Codecs)),
        };
        var batchBytes = DefaultBatchBytes;
        if (settings.TryGetValue("batch.size", out var batchText))
        {
            if (!int.TryParse(batchText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out batchBytes))
            {
                throw new ConfigException("batch.size", batchText, "Not a number of type INT");
            }
            if (batchBytes < 0)
            {
                throw new ConfigException("batch.size", batchBytes, "Value must be at least 0");
            }
        }
        // batch.size=0 turns batching off in Kafka's producer: each record leaves as its own batch.
        return new SourceProducerConfig(acks, codec, level, Math.Max(1, batchBytes));
    }

    private static int Level(Dictionary<string, string> settings, string key, int fallback, int min, int max, int? alsoAllowed = null)
    {
        if (!settings.TryGetValue(key, out var text))
        {
            return fallback;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConfigException(key, text, "Not a number of type INT");
        }
        if (value != alsoAllowed && (value < min || value > max))
        {
            throw new ConfigException(key, value, alsoAllowed is { } special ? $"Value must be between {min} and {max} or equal to {special}" : $"Value must be between {min} and {max}");
        }
        return value;
    }
}
