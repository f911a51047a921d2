using Tributary.Delivery.Compression;

namespace Tributary.Firehose.Model;

/// <summary>
/// What a delivery stream is, in Firehose's terms (CreateDeliveryStream / DescribeDeliveryStream). The Firehose API
/// parses requests into this and describes streams from it; the engine runs it; the registry persists it as JSON
/// (System.Text.Json over these records, so property names are part of the stored format: rename with care).
/// Values are already validated and defaulted when a definition reaches the engine.
/// </summary>
public sealed record DeliveryStreamDefinition
{
    /// <summary>1–64 characters of <c>[a-zA-Z0-9_.-]</c>.</summary>
    public required string Name { get; init; }

    public DeliveryStreamType Type { get; init; } = DeliveryStreamType.DirectPut;

    /// <summary>For <see cref="DeliveryStreamType.MSKAsSource"/>.</summary>
    public KafkaSourceDefinition? KafkaSource { get; init; }

    /// <summary>For <see cref="DeliveryStreamType.KinesisStreamAsSource"/>.</summary>
    public KinesisSourceDefinition? KinesisSource { get; init; }

    public required S3DestinationDefinition Destination { get; init; }

    /// <summary>Starts at 1 and goes up by one with each UpdateDestination; part of every object name.</summary>
    public int VersionId { get; init; } = 1;

    public DateTimeOffset CreateTimestamp { get; init; }

    public DateTimeOffset? LastUpdateTimestamp { get; init; }

    /// <summary>Tags in insertion order (Firehose allows 50).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    /// <summary>Recorded and described (StartDeliveryStreamEncryption); objects are not encrypted by Tributary.</summary>
    public bool EncryptionEnabled { get; init; }

    /// <summary>True for streams declared in the configuration file rather than created through the API.</summary>
    public bool Declared { get; init; }
}

public enum DeliveryStreamType
{
    DirectPut,
    MSKAsSource,
    KinesisStreamAsSource,
}

/// <summary>
/// MSKAsSource. <see cref="ClusterArn"/> names the embedded cluster (<c>arn:aws:kafka:REGION:ACCOUNT:cluster/tributary/…</c>
/// or any ARN when <see cref="BootstrapServers"/> is null) or, through Tributary's extension
/// <see cref="BootstrapServers"/>, an external cluster reached over TCP by Tributary's own client as a consumer group.
/// </summary>
public sealed record KafkaSourceDefinition
{
    public required string ClusterArn { get; init; }

    public required string TopicName { get; init; }

    /// <summary>Where reading starts the first time: null = the time the stream became active; epoch 0 = earliest.</summary>
    public DateTimeOffset? ReadFromTimestamp { get; init; }

    /// <summary>When the stream became active (Firehose's DeliveryStartTimestamp); the default start position.</summary>
    public DateTimeOffset? DeliveryStartTimestamp { get; init; }

    /// <summary>Extension: "host:port,host:port" of an external Kafka cluster; null reads the embedded broker in-process.</summary>
    public string? BootstrapServers { get; init; }

    /// <summary>Extension: the consumer group used on the external cluster (default <c>tributary-delivery-&lt;stream&gt;</c>).</summary>
    public string? ConsumerGroup { get; init; }

    /// <summary>Recorded as given (AuthenticationConfiguration.RoleARN / Connectivity).</summary>
    public string? RoleArn { get; init; }

    public string? Connectivity { get; init; }
}

/// <summary>KinesisStreamAsSource: a stream of this server's Kinesis API.</summary>
public sealed record KinesisSourceDefinition
{
    public required string StreamArn { get; init; }

    public string? RoleArn { get; init; }

    /// <summary>When the stream became active; Firehose starts reading a Kinesis stream at LATEST as of this time.</summary>
    public DateTimeOffset? DeliveryStartTimestamp { get; init; }
}

/// <summary>ExtendedS3DestinationConfiguration with Firehose's defaults applied.</summary>
public sealed record S3DestinationDefinition
{
    /// <summary>Firehose's destination id; there is one destination per stream.</summary>
    public string DestinationId { get; init; } = "destinationId-000000000001";

    /// <summary><c>arn:aws:s3:::BUCKET</c>.</summary>
    public required string BucketArn { get; init; }

    public string? RoleArn { get; init; }

    /// <summary>The raw Prefix as given (null: Firehose's default <c>YYYY/MM/dd/HH/</c>).</summary>
    public string? Prefix { get; init; }

    public string? ErrorOutputPrefix { get; init; }

    /// <summary>1–128 MiB; 5 by default (128 and at least 64 with format conversion).</summary>
    public int BufferSizeInMBs { get; init; } = 5;

    /// <summary>0–900 s; 300 by default.</summary>
    public int BufferIntervalInSeconds { get; init; } = 300;

    public CompressionFormat Compression { get; init; } = CompressionFormat.Uncompressed;

    /// <summary>Overrides the extension derived from format and compression (<c>^$|\.[0-9a-z!\-_.*'()]+</c>).</summary>
    public string? FileExtension { get; init; }

    /// <summary>IANA or fixed-offset zone for timestamp expressions; null = UTC.</summary>
    public string? CustomTimeZone { get; init; }

    public ProcessingDefinition Processing { get; init; } = new();

    public FormatConversionDefinition? FormatConversion { get; init; }

    public bool DynamicPartitioning { get; init; }

    /// <summary>DynamicPartitioningConfiguration.RetryOptions.DurationInSeconds (0–7200, default 300).</summary>
    public int DynamicPartitioningRetrySeconds { get; init; } = 300;

    /// <summary>Disabled or Enabled; with Enabled the source records are also written under the backup prefix.</summary>
    public string S3BackupMode { get; init; } = "Disabled";

    /// <summary>Bucket and prefix of the source-record backup (S3BackupConfiguration), when enabled.</summary>
    public string? BackupBucketArn { get; init; }

    public string? BackupPrefix { get; init; }

    public string? BackupErrorOutputPrefix { get; init; }

    public CompressionFormat BackupCompression { get; init; } = CompressionFormat.Uncompressed;
}

/// <summary>ProcessingConfiguration: processors run in the order given.</summary>
public sealed record ProcessingDefinition
{
    public bool Enabled { get; init; }

    public IReadOnlyList<ProcessorDefinition> Processors { get; init; } = [];
}

/// <summary>
/// One processor: Type is RecordDeAggregation, Decompression, CloudWatchLogProcessing, Lambda, MetadataExtraction or
/// AppendDelimiterToRecord; Parameters by Firehose's ParameterName (LambdaArn, NumberOfRetries,
/// MetadataExtractionQuery, JsonParsingEngine, BufferSizeInMBs, BufferIntervalInSeconds, SubRecordType, Delimiter, …).
/// </summary>
public sealed record ProcessorDefinition
{
    public required string Type { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    public string? Parameter(string name)
    {
        foreach (var pair in Parameters)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }
        return null;
    }
}

/// <summary>DataFormatConversionConfiguration (JSON in, Parquet or ORC out).</summary>
public sealed record FormatConversionDefinition
{
    public bool Enabled { get; init; } = true;

    /// <summary>OpenXJsonSerDe or HiveJsonSerDe.</summary>
    public string InputSerDe { get; init; } = "OpenXJsonSerDe";

    public bool ConvertDotsInJsonKeysToUnderscores { get; init; }

    public bool CaseInsensitive { get; init; } = true;

    public IReadOnlyList<KeyValuePair<string, string>> ColumnToJsonKeyMappings { get; init; } = [];

    /// <summary>HiveJsonSerDe TimestampFormats (Joda patterns or "millis").</summary>
    public IReadOnlyList<string> TimestampFormats { get; init; } = [];

    /// <summary>The serializer: PARQUET (ParquetSerDe, the default for definitions stored before ORC existed) or ORC (OrcSerDe).</summary>
    public string OutputFormat { get; init; } = "PARQUET";

    /// <summary>OrcSerDe.Compression: SNAPPY (default), ZLIB, NONE.</summary>
    public string OrcCompression { get; init; } = "SNAPPY";

    /// <summary>OrcSerDe.StripeSizeBytes: 64 MiB (minimum 8 MiB).</summary>
    public int OrcStripeSizeBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>OrcSerDe.BlockSizeBytes: 256 MiB (minimum 64 MiB), for padding.</summary>
    public int OrcBlockSizeBytes { get; init; } = 256 * 1024 * 1024;

    /// <summary>OrcSerDe.RowIndexStride: 10,000 (minimum 1,000).</summary>
    public int OrcRowIndexStride { get; init; } = 10_000;

    public bool OrcEnablePadding { get; init; }

    /// <summary>OrcSerDe.PaddingTolerance: 0.05.</summary>
    public double OrcPaddingTolerance { get; init; } = 0.05;

    public IReadOnlyList<string> OrcBloomFilterColumns { get; init; } = [];

    /// <summary>OrcSerDe.BloomFilterFalsePositiveProbability: 0.05.</summary>
    public double OrcBloomFilterFalsePositiveProbability { get; init; } = 0.05;

    /// <summary>OrcSerDe.DictionaryKeyThreshold; unset means the writer's default (0.8, Hive's).</summary>
    public double? OrcDictionaryKeyThreshold { get; init; }

    /// <summary>OrcSerDe.FormatVersion: V0_12 (default) or V0_11.</summary>
    public string OrcFormatVersion { get; init; } = "V0_12";

    /// <summary>ParquetSerDe.Compression: SNAPPY (default), GZIP, UNCOMPRESSED.</summary>
    public string ParquetCompression { get; init; } = "SNAPPY";

    public int ParquetBlockSizeBytes { get; init; } = 256 * 1024 * 1024;

    public int ParquetPageSizeBytes { get; init; } = 1024 * 1024;

    public bool EnableDictionaryCompression { get; init; } = true;

    /// <summary>V1 (default) or V2.</summary>
    public string WriterVersion { get; init; } = "V1";

    /// <summary>SchemaConfiguration: a table of the table registry (DatabaseName + TableName).</summary>
    public string? DatabaseName { get; init; }

    public string? TableName { get; init; }

    public string? CatalogId { get; init; }

    public string? Region { get; init; }

    public string? VersionId { get; init; }

    /// <summary>
    /// Extension: the schema inline, as a Hive type list (<c>name:type,name:type</c> or <c>struct&lt;…&gt;</c>), when
    /// no table is named. Null with no table either: the schema is inferred from each object's records.
    /// </summary>
    public string? InlineSchema { get; init; }

    /// <summary>
    /// Extension: a subject of the schema registry whose Avro record schema gives the columns (its version in
    /// <see cref="VersionId"/>: a number, or null/"LATEST" for the latest one), instead of a catalog table.
    /// </summary>
    public string? RegistrySubject { get; init; }
}
