using Tributary.Connect.Config;
using Tributary.Connect.Errors;
using static Tributary.Connect.S3.Config.S3SinkConfigDef;

namespace Tributary.Connect.S3.Config;

/// <summary>
/// The S3 sink's configuration, parsed (<see cref="S3SinkConfigDef.Definition"/>) and checked across keys the way
/// Confluent's connector checks it when it starts (time-based partitioners need <c>locale</c> and <c>timezone</c>,
/// compression only with JSON/ByteArray, ...). <see cref="CrossKeyErrors"/> lists those problems per key for the
/// validate endpoint; constructing with <c>strict</c> throws the first. Immutable.
/// </summary>
public sealed class S3SinkConnectorConfig : AbstractConfig
{
    public S3SinkConnectorConfig(IReadOnlyDictionary<string, string> originals, bool strict = true)
        : base(S3SinkConfigDef.Definition, originals)
    {
        if (strict && CrossKeyErrors(Values).FirstOrDefault() is { Key: not null } error)
        {
            throw new ConfigException(error.Key, Values.GetValueOrDefault(error.Key), error.Message);
        }
    }

    public string Bucket => GetString(BucketName)!;

    public string Format => GetClass(FormatClass)!;

    public string Partitioner => GetClass(PartitionerClass)!;

    public int FlushSizeRecords => GetInt(FlushSize);

    public string TopicsDirectory => GetString(TopicsDir) ?? "";

    public string DirectoryDelimiter => GetString(DirectoryDelim)!;

    public string FileDelimiter => GetString(FileDelim)!;

    public int OffsetPadWidth => GetInt(ZeroPadWidth);

    public bool IsTimeBased => IsTimeBasedPartitioner(Partitioner);

    public static bool IsTimeBasedPartitioner(string? partitioner) =>
        partitioner is TimeBasedPartitionerClass or DailyPartitionerClass or HourlyPartitionerClass;

    /// <summary>
    /// The problems that involve more than one key, as (key, message) pairs in Confluent's order of checking. Values that
    /// failed to parse are absent from <paramref name="values"/> and skip the checks that need them.
    /// </summary>
    public static IEnumerable<(string Key, string Message)> CrossKeyErrors(IReadOnlyDictionary<string, object?> values)
    {
        string? Text(string key) => values.GetValueOrDefault(key) as string;
        var format = Text(FormatClass);
        var partitioner = Text(PartitionerClass);
        var compression = Text(CompressionType);
        if (compression is "gzip" && format is AvroFormatClass or ParquetFormatClass)
        {
            yield return (CompressionType, "Compression " + compression + " is only supported with JsonFormat and ByteArrayFormat, not with " + format);
        }
        if (IsTimeBasedPartitioner(partitioner))
        {
            if (partitioner == TimeBasedPartitionerClass)
            {
                if (values.GetValueOrDefault(PartitionDurationMs) is long duration && duration <= 0)
                {
                    yield return (PartitionDurationMs, "Partition duration needs to be a positive.");
                }
                if (Text(PathFormat) is "" or null)
                {
                    yield return (PathFormat, "Path format cannot be empty.");
                }
            }
            if (Text(Locale) is "" or null)
            {
                yield return (Locale, "Locale cannot be empty.");
            }
            if (Text(Timezone) is "" or null)
            {
                yield return (Timezone, "Timezone cannot be empty.");
            }
        }
        if (partitioner == FieldPartitionerClass && values.GetValueOrDefault(PartitionFieldName) is IReadOnlyList<string> { Count: 0 })
        {
            yield return (PartitionFieldName, "Partition field name cannot be empty.");
        }
        if (values.GetValueOrDefault(RotateScheduleIntervalMs) is long schedule && schedule > 0 && Text(Timezone) is "" or null)
        {
            yield return (Timezone, "Timezone cannot be empty when using scheduled file rotation.");
        }
        if (Text(BehaviorOnNullValues) is { } nulls && nulls.Equals("write", StringComparison.OrdinalIgnoreCase) && values.GetValueOrDefault(StoreKafkaKeys) is false)
        {
            yield return (BehaviorOnNullValues, "Writing tombstones (behavior.on.null.values=write) needs store.kafka.keys=true");
        }
        if (values.GetValueOrDefault(PathStyleAccess) is true && values.GetValueOrDefault(WanMode) is true)
        {
            yield return (WanMode, "s3.path.style.access.enabled and s3.wan.mode cannot both be true");
        }
        // Accepted by Confluent, not (yet) by Tributary: refused rather than silently ignored.
        if (Text(AvroCodec) is "bzip2")
        {
            yield return (AvroCodec, "Tributary's S3 sink does not write bzip2 Avro files; use null, deflate or snappy");
        }
        if (Text(ParquetCodec) is "lzo" or "brotli" or "lz4")
        {
            yield return (ParquetCodec, "Tributary's Parquet writer does not compress with " + Text(ParquetCodec) + "; use none, snappy, gzip or zstd");
        }
        if (Text(SchemaPartitionAffixType) is { } affix && !affix.Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            yield return (SchemaPartitionAffixType, "Tributary's S3 sink does not add schema name directories yet");
        }
    }
}
