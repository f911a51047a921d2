using Tributary.Connect.Config;

namespace Tributary.Connect.S3.Config;

/// <summary>
/// Every configuration key of Confluent's S3 sink (kafka-connect-s3 10.6 with storage-common 11.2: its own keys, the
/// storage sink's and the partitioners'), with Confluent's types, defaults and validators, plus Tributary's own keys
/// (<c>tributary.*</c>: where the engine keeps its state, the memory bound). Source of the facts:
/// shared/reference/s3-sink-glue-athena-generator.md, table A1. Immutable after construction.
/// </summary>
public static class S3SinkConfigDef
{
    // Storage.
    public const string BucketName = "s3.bucket.name";
    public const string Region = "s3.region";
    public const string StoreUrl = "store.url";
    public const string StorageClass = "storage.class";
    public const string TopicsDir = "topics.dir";
    public const string DirectoryDelim = "directory.delim";
    public const string FileDelim = "file.delim";
    public const string PartSize = "s3.part.size";
    public const string PartRetries = "s3.part.retries";
    public const string RetryBackoffMs = "s3.retry.backoff.ms";
    public const string CompressionType = "s3.compression.type";
    public const string CompressionLevel = "s3.compression.level";
    public const string SseaName = "s3.ssea.name";
    public const string SseCustomerKey = "s3.sse.customer.key";
    public const string SseKmsKeyId = "s3.sse.kms.key.id";
    public const string AclCanned = "s3.acl.canned";
    public const string PathStyleAccess = "s3.path.style.access.enabled";
    public const string WanMode = "s3.wan.mode";
    public const string CredentialsProviderClass = "s3.credentials.provider.class";
    public const string AccessKeyId = "aws.access.key.id";
    public const string SecretAccessKey = "aws.secret.access.key";
    public const string ProxyUrl = "s3.proxy.url";
    public const string ProxyUser = "s3.proxy.user";
    public const string ProxyPassword = "s3.proxy.password";
    public const string SendExpectContinue = "s3.http.send.expect.continue";
    public const string SendDigest = "s3.send.digest";
    public const string ObjectTagging = "s3.object.tagging";
    public const string ObjectTaggingPairs = "s3.object.tagging.key.value.pairs";
    public const string BehaviorOnTaggingError = "s3.object.behavior.on.tagging.error";
    public const string ElasticBufferEnable = "s3.elastic.buffer.enable";
    public const string ElasticBufferInitCapacity = "s3.elastic.buffer.init.capacity";
    public const string SchemaPartitionAffixType = "s3.schema.partition.affix.type";
    public const string ConditionalWrites = "enable.conditional.writes";
    public const string MaxFilesScanLimit = "max.files.scan.limit";
    public const string MaxOpenFiles = "partitioner.max.open.files";

    // Storage sink (storage-common).
    public const string FormatClass = "format.class";
    public const string FlushSize = "flush.size";
    public const string RotateIntervalMs = "rotate.interval.ms";
    public const string RotateScheduleIntervalMs = "rotate.schedule.interval.ms";
    public const string RotateFileOnPartitionChange = "rotate.file.on.partition.change";
    public const string SchemaCompatibility = "schema.compatibility";
    public const string ZeroPadWidth = "filename.offset.zero.pad.width";
    public const string RetryBackoff = "retry.backoff.ms";
    public const string ShutdownTimeoutMs = "shutdown.timeout.ms";
    public const string AvroCodec = "avro.codec";
    public const string ParquetCodec = "parquet.codec";
    public const string JsonDecimalFormat = "json.decimal.format";
    public const string MaxWriteDurationMs = "max.write.duration.ms";
    public const string SchemaCacheSize = "schema.cache.size";
    public const string EnhancedAvroSchemaSupport = "enhanced.avro.schema.support";
    public const string ConnectMetaData = "connect.meta.data";
    public const string AllowOptionalMapKeys = "allow.optional.map.keys";

    // Records.
    public const string BehaviorOnNullValues = "behavior.on.null.values";
    public const string ReportNullValuesToDlq = "report.null.values.to.dlq";
    public const string StoreKafkaKeys = "store.kafka.keys";
    public const string StoreKafkaHeaders = "store.kafka.headers";
    public const string KeysFormatClass = "keys.format.class";
    public const string HeadersFormatClass = "headers.format.class";
    public const string TombstoneEncodedPartition = "tombstone.encoded.partition";
    public const string ByteArrayExtension = "format.bytearray.extension";
    public const string ByteArraySeparator = "format.bytearray.separator";

    // Partitioner (storage-common PartitionerConfig).
    public const string PartitionerClass = "partitioner.class";
    public const string PartitionFieldName = "partition.field.name";
    public const string PartitionDurationMs = "partition.duration.ms";
    public const string PathFormat = "path.format";
    public const string Locale = "locale";
    public const string Timezone = "timezone";
    public const string TimestampExtractor = "timestamp.extractor";
    public const string TimestampField = "timestamp.field";

    // Tributary's own.
    public const string StateDirectory = "tributary.state.dir";
    public const string MaxBufferedBytes = "tributary.max.buffered.bytes";

    /// <summary>The default of <see cref="MaxBufferedBytes"/>: 64 MiB per task, whatever the partition count.</summary>
    public const long DefaultMaxBufferedBytes = 64L * 1024 * 1024;

    public const string S3StorageClass = "io.confluent.connect.s3.storage.S3Storage";
    public const string AvroFormatClass = "io.confluent.connect.s3.format.avro.AvroFormat";
    public const string JsonFormatClass = "io.confluent.connect.s3.format.json.JsonFormat";
    public const string ParquetFormatClass = "io.confluent.connect.s3.format.parquet.ParquetFormat";
    public const string ByteArrayFormatClass = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat";
    public const string PartitionerPackage = "io.confluent.connect.storage.partitioner.";
    public const string DefaultPartitionerClass = PartitionerPackage + "DefaultPartitioner";
    public const string FieldPartitionerClass = PartitionerPackage + "FieldPartitioner";
    public const string TimeBasedPartitionerClass = PartitionerPackage + "TimeBasedPartitioner";
    public const string DailyPartitionerClass = PartitionerPackage + "DailyPartitioner";
    public const string HourlyPartitionerClass = PartitionerPackage + "HourlyPartitioner";

    /// <summary>The format classes the connector accepts (Confluent's four).</summary>
    public static readonly string[] FormatClasses = [AvroFormatClass, JsonFormatClass, ParquetFormatClass, ByteArrayFormatClass];

    public static readonly string[] PartitionerClasses =
        [DefaultPartitionerClass, FieldPartitionerClass, TimeBasedPartitionerClass, DailyPartitionerClass, HourlyPartitionerClass];

    /// <summary>The AWS SDK v1 region names Confluent's RegionValidator accepts.</summary>
    public static readonly string[] Regions =
    [
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1",
        "ca-west-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
        "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
        "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
        "us-west-1", "us-west-2",
    ];

    private const string StorageGroup = "S3";
    private const string ConnectorGroup = "Connector";
    private const string PartitionerGroup = "Partitioner";
    private const string TributaryGroup = "Tributary";

    public static ConfigDef Definition { get; } = Build();

    private static ConfigDef Build()
    {
        var definition = new ConfigDef();
        var order = 0;
        // S3 (S3SinkConnectorConfig).
        definition
            .DefineRequired(BucketName, ConfigType.String, Importance.High, "The S3 Bucket.", group: StorageGroup, orderInGroup: ++order, width: Width.Long, displayName: "S3 Bucket")
            .Define(Region, ConfigType.String, "us-west-2", Importance.Medium, "The AWS region to be used the connector.", Validators.Lambda(ValidateRegion, "[" + string.Join(", ", Regions) + "]"), StorageGroup, ++order, Width.Long, "AWS region")
            .Define(PartSize, ConfigType.Int, 26214400, Importance.High, "The Part Size in S3 Multi-part Uploads.", Validators.Between(5 * 1024 * 1024, int.MaxValue), StorageGroup, ++order, Width.Long, "S3 Part Size")
            .Define(CredentialsProviderClass, ConfigType.Class, "com.amazonaws.auth.DefaultAWSCredentialsProviderChain", Importance.Low, "Credentials provider or provider chain to use for authentication to AWS. By default the connector uses ``DefaultAWSCredentialsProviderChain``.", null, StorageGroup, ++order, Width.Long, "AWS Credentials Provider Class")
            .Define(AccessKeyId, ConfigType.String, "", Importance.High, "The AWS access key ID used to authenticate personal AWS credentials such as IAM credentials.", null, StorageGroup, ++order, Width.Long, "AWS Access Key ID")
            .Define(SecretAccessKey, ConfigType.Password, null, Importance.High, "The secret access key used to authenticate personal AWS credentials such as IAM credentials.", null, StorageGroup, ++order, Width.Long, "AWS Secret Access Key")
            .Define(SseaName, ConfigType.String, "", Importance.Low, "The S3 Server Side Encryption Algorithm.", Validators.In("", "AES256", "aws:kms"), StorageGroup, ++order, Width.Long, "S3 Server Side Encryption Algorithm")
            .Define(SseCustomerKey, ConfigType.Password, null, Importance.Low, "The S3 Server Side Encryption Customer-Provided Key (SSE-C).", null, StorageGroup, ++order, Width.Long, "S3 Server Side Encryption Customer-Provided Key (SSE-C)")
            .Define(SseKmsKeyId, ConfigType.String, "", Importance.Low, "The name of the AWS Key Management Service (AWS-KMS) key to be used for server side encryption of the S3 objects. No encryption is used when no key is provided, but it is enabled when ``aws:kms`` is specified as encryption algorithm with a valid key name.", null, StorageGroup, ++order, Width.Long, "S3 Server Side Encryption Key")
            .Define(AclCanned, ConfigType.String, null, Importance.Low, "An S3 canned ACL header value to apply when writing objects.", Validators.Lambda(ValidateCannedAcl, "[private, public-read, public-read-write, authenticated-read, log-delivery-write, bucket-owner-read, bucket-owner-full-control, aws-exec-read]"), StorageGroup, ++order, Width.Long, "S3 Canned ACL")
            .Define(WanMode, ConfigType.Boolean, false, Importance.Medium, "Use S3 accelerated endpoint.", null, StorageGroup, ++order, Width.Long, "S3 accelerated endpoint enabled")
            .Define(PathStyleAccess, ConfigType.Boolean, true, Importance.Low, "Specifies whether or not to enable path style access to the bucket used by the connector", null, StorageGroup, ++order, Width.Short, "Enable Path Style Access to S3")
            .Define(CompressionType, ConfigType.String, "none", Importance.Low, "Compression type for files written to S3. Applied when using JsonFormat or ByteArrayFormat. Available values: none, gzip.", Validators.In("none", "gzip"), StorageGroup, ++order, Width.Long, "Compression type")
            .Define(CompressionLevel, ConfigType.Int, -1, Importance.Low, "Compression level for files written to S3. Applied when using JsonFormat or ByteArrayFormat. Available values: -1..9 (-1: the Deflater's default).", Validators.Between(-1, 9), StorageGroup, ++order, Width.Long, "Compression level")
            .Define(PartRetries, ConfigType.Int, 3, Importance.Medium, "Maximum number of retry attempts for failed requests. Zero means no retries.", Validators.AtLeast(0), StorageGroup, ++order, Width.Long, "S3 Part Upload Retries")
            .Define(RetryBackoffMs, ConfigType.Long, 200L, Importance.Low, "How long to wait in milliseconds before attempting the first retry of a failed S3 request. Upon a failure, this connector may wait up to twice as long as the previous wait, up to the maximum number of retries. This avoids retrying in a tight loop under failure scenarios.", Validators.AtLeast(0), StorageGroup, ++order, Width.Short, "Retry Backoff (ms)")
            .Define(ProxyUrl, ConfigType.String, "", Importance.Low, "S3 Proxy settings encoded in URL syntax. This property is meant to be used only if you need to access S3 through a proxy.", null, StorageGroup, ++order, Width.Long, "S3 Proxy Settings")
            .Define(ProxyUser, ConfigType.String, null, Importance.Low, "S3 Proxy User. This property is meant to be used only if you need to access S3 through a proxy.", null, StorageGroup, ++order, Width.Long, "S3 Proxy User")
            .Define(ProxyPassword, ConfigType.Password, null, Importance.Low, "S3 Proxy Password. This property is meant to be used only if you need to access S3 through a proxy.", null, StorageGroup, ++order, Width.Long, "S3 Proxy Password")
            .Define(SendExpectContinue, ConfigType.Boolean, true, Importance.Low, "Enable/disable use of the HTTP/1.1 handshake using EXPECT: 100-CONTINUE during multi-part upload.", null, StorageGroup, ++order, Width.Short, "S3 HTTP Send Uses Expect Continue")
            .Define(SendDigest, ConfigType.Boolean, false, Importance.Low, "Enable or disable sending a Content-MD5 digest with each upload request.", null, StorageGroup, ++order, Width.Short, "S3 Send Digest")
            .Define(ObjectTagging, ConfigType.Boolean, false, Importance.Low, "Tag S3 objects with start and end offsets, as well as record count.", null, StorageGroup, ++order, Width.Long, "S3 Object Tagging")
            .Define(ObjectTaggingPairs, ConfigType.List, "", Importance.Low, "This property is used to add custom key-value pairs as tags on S3 objects, in the form key1:value1,key2:value2.", null, StorageGroup, ++order, Width.Long, "S3 Object Tagging Key Value Pairs")
            .Define(BehaviorOnTaggingError, ConfigType.String, "ignore", Importance.Low, "How to handle S3 object tagging error. Valid options are 'ignore' and 'fail'.", Validators.InIgnoreCase("ignore", "fail"), StorageGroup, ++order, Width.Short, "Behavior for S3 object tagging error")
            .Define(ElasticBufferEnable, ConfigType.Boolean, false, Importance.Low, "Specifies whether or not to allocate elastic buffer for staging s3-part to save memory.", null, StorageGroup, ++order, Width.Short, "Enable Elastic Buffer to Stage S3-Part")
            .Define(ElasticBufferInitCapacity, ConfigType.Int, 128 * 1024, Importance.Low, "Elastic buffer initial capacity.", Validators.Between(4 * 1024, 5 * 1024 * 1024), StorageGroup, ++order, Width.Long, "Elastic Buffer Initial Capacity")
            .Define(SchemaPartitionAffixType, ConfigType.String, "NONE", Importance.Low, "Append the record schema name to prefix or suffix in the s3 path after the topic name. None will not append the schema name in the s3 path.", Validators.InIgnoreCase("NONE", "PREFIX", "SUFFIX"), StorageGroup, ++order, Width.Long, "Schema Partition Affix Type")
            .Define(ConditionalWrites, ConfigType.Boolean, true, Importance.Low, "Use conditional writes (If-None-Match) when completing uploads with scheduled rotation.", null, StorageGroup, ++order, Width.Short, "Enable Conditional Writes")
            .Define(BehaviorOnNullValues, ConfigType.String, "fail", Importance.Low, "How to handle records with a null value (i.e. Kafka tombstone records). Valid options are 'ignore', 'fail' and 'write'. Ignore would skip the tombstone record and fail would cause the connector task to throw an exception. In case of the write tombstone option, the connector redirects tombstone records to a separate directory mentioned in the config tombstone.encoded.partition. The storage of Kafka record keys is mandatory when this option is selected and the file for values is not generated for tombstone records.", Validators.InIgnoreCase("ignore", "fail", "write"), StorageGroup, ++order, Width.Short, "Behavior for null-valued records")
            .Define(ReportNullValuesToDlq, ConfigType.Boolean, true, Importance.Low, "Whether to report null values to the dead letter queue when behavior.on.null.values is 'ignore' (needs errors.tolerance=all).", null, StorageGroup, ++order, Width.Short, "Report null values to DLQ")
            .Define(StoreKafkaKeys, ConfigType.Boolean, false, Importance.Low, "Enable or disable writing keys to storage.", null, StorageGroup, ++order, Width.Short, "Store kafka keys")
            .Define(StoreKafkaHeaders, ConfigType.Boolean, false, Importance.Low, "Enable or disable writing headers to storage.", null, StorageGroup, ++order, Width.Short, "Store kafka headers")
            .Define(KeysFormatClass, ConfigType.Class, AvroFormatClass, Importance.Low, "The format class to use when writing keys to the store.", Validators.Lambda(ValidateFormatClass), StorageGroup, ++order, Width.Long, "Keys format class")
            .Define(HeadersFormatClass, ConfigType.Class, AvroFormatClass, Importance.Low, "The format class to use when writing headers to the store.", Validators.Lambda(ValidateHeadersFormatClass), StorageGroup, ++order, Width.Long, "Headers format class")
            .Define(TombstoneEncodedPartition, ConfigType.String, "tombstone", Importance.Low, "Output s3 folder to write the tombstone records to. The configured partitioner would map tombstone records to this output folder.", null, StorageGroup, ++order, Width.Short, "Tombstone Encoded Partition")
            .Define(ByteArrayExtension, ConfigType.String, ".bin", Importance.Low, "Output file extension for ByteArrayFormat. Defaults to ``.bin``.", null, StorageGroup, ++order, Width.Long, "Output file extension for ByteArrayFormat")
            .Define(ByteArraySeparator, ConfigType.String, null, Importance.Low, "String inserted between records for ByteArrayFormat. Defaults to ``System.lineSeparator()`` and may contain escape sequences like ``\\n``. An input record that contains the line separator will look like multiple records in the output S3 object.", null, StorageGroup, ++order, Width.Long, "Line separator ByteArrayFormat")
            .Define(JsonDecimalFormat, ConfigType.String, "BASE64", Importance.Low, "Controls which format json converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'", Validators.InIgnoreCase("BASE64", "NUMERIC"), StorageGroup, ++order, Width.Long, "Decimal Format")
            .Define(MaxWriteDurationMs, ConfigType.Long, long.MaxValue, Importance.Low, "The maximum duration in milliseconds to write a file.", Validators.AtLeast(1), StorageGroup, ++order, Width.Long, "Max write duration (ms)")
            .Define(new ConfigKey { Name = MaxFilesScanLimit, Type = ConfigType.Int, HasDefault = true, DefaultValue = 100, Importance = Importance.Low, Documentation = "How many following offsets to scan for existing files after a conditional write fails.", Internal = true })
            .Define(new ConfigKey { Name = MaxOpenFiles, Type = ConfigType.Int, HasDefault = true, DefaultValue = -1, Importance = Importance.Low, Documentation = "Most encoded partitions open at once per Kafka partition (-1: unbounded).", Internal = true });

        // Connector (StorageSinkConnectorConfig and StorageCommonConfig).
        order = 0;
        definition
            .DefineRequired(FormatClass, ConfigType.Class, Importance.High, "The format class to use when writing data to the store.", Validators.Lambda(ValidateFormatClass), ConnectorGroup, ++order, Width.Long, "Format class")
            .DefineRequired(FlushSize, ConfigType.Int, Importance.High, "Number of records written to store before invoking file commits.", null, ConnectorGroup, ++order, Width.Long, "Flush Size")
            .Define(RotateIntervalMs, ConfigType.Long, -1L, Importance.High, "The time interval in milliseconds to invoke file commits. This configuration ensures that file commits are invoked every configured interval. This configuration is useful when data ingestion rate is low and the connector didn't write enough messages to commit files. The default value -1 means that this feature is disabled.", null, ConnectorGroup, ++order, Width.Medium, "Rotate Interval (ms)")
            .Define(RotateScheduleIntervalMs, ConfigType.Long, -1L, Importance.Medium, "The time interval in milliseconds to periodically invoke file commits. This configuration ensures that file commits are invoked every configured interval. Time of commit will be adjusted to 00:00 of selected timezone. Commit will be performed at scheduled time regardless previous commit time or number of messages. This configuration is useful when you have to commit your data based on current server time, like at the beginning of every hour. The default value -1 means that this feature is disabled.", null, ConnectorGroup, ++order, Width.Medium, "Rotate Schedule Interval (ms)")
            .Define(RotateFileOnPartitionChange, ConfigType.Boolean, true, Importance.Low, "Whether a rotation by rotate.interval.ms also happens when the encoded partition of a record changes.", null, ConnectorGroup, ++order, Width.Short, "Rotate file on partition change")
            .Define(SchemaCompatibility, ConfigType.String, "NONE", Importance.High, "The schema compatibility rule to use when the connector is observing schema changes. The supported configurations are NONE, BACKWARD, FORWARD and FULL.", Validators.InIgnoreCase("NONE", "BACKWARD", "FORWARD", "FULL"), ConnectorGroup, ++order, Width.Short, "Schema Compatibility")
            .Define(ZeroPadWidth, ConfigType.Int, 10, Importance.Low, "Width to zero-pad offsets in store's filenames if offsets are too short in order to provide fixed-width filenames that can be ordered by simple lexicographic sorting.", Validators.AtLeast(0), ConnectorGroup, ++order, Width.Short, "Filename Offset Zero Pad Width")
            .Define(RetryBackoff, ConfigType.Long, 5000L, Importance.Low, "The retry backoff in milliseconds. This config is used to notify Kafka connect to retry delivering a message batch or performing recovery in case of transient exceptions.", null, ConnectorGroup, ++order, Width.Short, "Retry Backoff (ms)")
            .Define(ShutdownTimeoutMs, ConfigType.Long, 3000L, Importance.Medium, "Clean shutdown timeout. This makes sure that asynchronous Hive metastore updates are completed during connector shutdown.", null, ConnectorGroup, ++order, Width.Medium, "Shutdown Timeout (ms)")
            .Define(AvroCodec, ConfigType.String, "null", Importance.Low, "The Avro compression codec to be used for output files. Available values: null, deflate, snappy and bzip2 (CodecSource is org.apache.avro.file.CodecFactory)", Validators.In("null", "deflate", "snappy", "bzip2"), ConnectorGroup, ++order, Width.Long, "Avro Compression Codec")
            .Define(ParquetCodec, ConfigType.String, "snappy", Importance.Low, "The Parquet compression codec to be used for output files.", Validators.In("none", "uncompressed", "snappy", "gzip", "lzo", "brotli", "lz4", "zstd"), ConnectorGroup, ++order, Width.Long, "Parquet Compression Codec")
            .Define(SchemaCacheSize, ConfigType.Int, 1000, Importance.Low, "The size of the schema cache used in the Avro converter.", null, ConnectorGroup, ++order, Width.Long, "Avro Schema Cache Size")
            .Define(EnhancedAvroSchemaSupport, ConfigType.Boolean, true, Importance.Low, "Enable enhanced avro schema support in AvroConverter: Enum symbol preservation and Package Name awareness", null, ConnectorGroup, ++order, Width.Short, "Enhanced Avro Support")
            .Define(ConnectMetaData, ConfigType.Boolean, true, Importance.Low, "Allow connect converter to add its meta data to the output schema", null, ConnectorGroup, ++order, Width.Short, "Connect Metadata")
            .Define(AllowOptionalMapKeys, ConfigType.Boolean, false, Importance.Low, "Allow optional string map key when converting from Connect Schema to Avro Schema.", null, ConnectorGroup, ++order, Width.Short, "Allow Optional Map Keys")
            .DefineRequired(StorageClass, ConfigType.Class, Importance.High, "The underlying storage layer.", Validators.Lambda((_, value) => value is string s && s != S3StorageClass ? "Only " + S3StorageClass + " is supported" : null), ConnectorGroup, ++order, Width.Medium, "Storage Class")
            .Define(TopicsDir, ConfigType.String, "topics", Importance.High, "Top level directory to store the data ingested from Kafka.", null, ConnectorGroup, ++order, Width.Short, "Topics directory")
            .Define(StoreUrl, ConfigType.String, null, Importance.High, "Store's connection URL, if applicable (an S3-compatible endpoint; in Tributary also file:///path for a local object directory).", null, ConnectorGroup, ++order, Width.Long, "Store URL")
            .Define(DirectoryDelim, ConfigType.String, "/", Importance.Medium, "Directory delimiter pattern", null, ConnectorGroup, ++order, Width.Medium, "Directory Delimiter")
            .Define(FileDelim, ConfigType.String, "+", Importance.Medium, "File delimiter pattern", null, ConnectorGroup, ++order, Width.Medium, "File Delimiter");

        // Partitioner (PartitionerConfig).
        order = 0;
        definition
            .Define(PartitionerClass, ConfigType.Class, DefaultPartitionerClass, Importance.High, "The partitioner to use when writing data to the store. You can use ``DefaultPartitioner``, which preserves the Kafka partitions; ``FieldPartitioner``, which partitions the data to different directories according to the value of the partitioning field specified in ``partition.field.name``; ``TimeBasedPartitioner``, which partitions data according to ingestion time.", Validators.Lambda(ValidatePartitionerClass), PartitionerGroup, ++order, Width.Long, "Partitioner Class")
            .Define(PartitionFieldName, ConfigType.List, "", Importance.Medium, "The name of the partitioning field when FieldPartitioner is used.", null, PartitionerGroup, ++order, Width.Long, "Partition Field Name")
            .Define(PartitionDurationMs, ConfigType.Long, -1L, Importance.Medium, "The duration of a partition milliseconds used by ``TimeBasedPartitioner``. The default value -1 means that we are not using ``TimeBasedPartitioner``.", null, PartitionerGroup, ++order, Width.Long, "Partition Duration (ms)")
            .Define(PathFormat, ConfigType.String, "", Importance.Medium, "This configuration is used to set the format of the data directories when partitioning with ``TimeBasedPartitioner``. The format set in this configuration converts the Unix timestamp to proper directories strings. For example, if you set ``path.format='year'=YYYY/'month'=MM/'day'=dd/'hour'=HH``, the data directories will have the format ``/year=2015/month=12/day=07/hour=15/``.", null, PartitionerGroup, ++order, Width.Long, "Path Format")
            .Define(Locale, ConfigType.String, "", Importance.Medium, "The locale to use when partitioning with ``TimeBasedPartitioner``. Used to format dates and times. For example, use ``en-US`` for US English, ``en-GB`` for UK English, or ``fr-FR`` for French (in France). These may vary by Java version.", null, PartitionerGroup, ++order, Width.Long, "Locale")
            .Define(Timezone, ConfigType.String, "", Importance.Medium, "The timezone to use when partitioning with ``TimeBasedPartitioner``. Used to format and compute dates and times. All timezone IDs must be specified in the long format, such as ``America/Los_Angeles``, ``America/New_York``, and ``Europe/Paris``, or ``UTC``.", Validators.Lambda(ValidateTimezone), PartitionerGroup, ++order, Width.Long, "Timezone")
            .Define(TimestampExtractor, ConfigType.String, "Wallclock", Importance.Medium, "The extractor that gets the timestamp for records when partitioning with ``TimeBasedPartitioner``. It can be set to ``Wallclock``, ``Record`` or ``RecordField`` in order to use one of the built-in timestamp extractors or be given the fully-qualified class name of a user-defined class that extends the ``TimestampExtractor`` interface.", Validators.Lambda(ValidateExtractor), PartitionerGroup, ++order, Width.Long, "Timestamp Extractor")
            .Define(TimestampField, ConfigType.String, "timestamp", Importance.Medium, "The record field to be used as timestamp by the timestamp extractor.", null, PartitionerGroup, ++order, Width.Long, "Record Field for Timestamp Extractor");

        // Tributary's own.
        order = 0;
        definition
            .Define(StateDirectory, ConfigType.String, "", Importance.Medium, "Where the connector keeps the sink engine's state and spool files, in <dir>/<connector name>/task-<n>/<topic>. Empty: the system's temporary directory. Exactly-once delivery across restarts needs it to survive them.", null, TributaryGroup, ++order, Width.Long, "State directory")
            .Define(MaxBufferedBytes, ConfigType.Long, DefaultMaxBufferedBytes, Importance.Medium, "Bound on the record bytes one task buffers, whatever the number of partitions: past it the largest buffers are written early.", Validators.AtLeast(1024 * 1024), TributaryGroup, ++order, Width.Long, "Max buffered bytes");
        return definition;
    }

    private static string? ValidateRegion(string name, object? value) =>
        value is string region && !Regions.Contains(region, StringComparer.Ordinal)
            ? "Value must be one of: " + string.Join(", ", Regions)
            : null;

    private static string? ValidateCannedAcl(string name, object? value) =>
        value is string acl && Array.IndexOf(CannedAcls, acl) < 0
            ? "Value must be one of: " + string.Join(", ", CannedAcls)
            : null;

    private static readonly string[] CannedAcls =
        ["private", "public-read", "public-read-write", "authenticated-read", "log-delivery-write", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read"];

    private static string? ValidateFormatClass(string name, object? value) =>
        value is string format && Array.IndexOf(FormatClasses, format) < 0
            ? "Class " + format + " could not be found; supported: " + string.Join(", ", FormatClasses)
            : null;

    private static string? ValidateHeadersFormatClass(string name, object? value) =>
        value is ByteArrayFormatClass ? "Cannot use ByteArrayFormat for headers" : ValidateFormatClass(name, value);

    private static string? ValidatePartitionerClass(string name, object? value) =>
        value is string partitioner && Array.IndexOf(PartitionerClasses, partitioner) < 0
            ? "Class " + partitioner + " could not be found; supported: " + string.Join(", ", PartitionerClasses)
            : null;

    private static string? ValidateExtractor(string name, object? value) =>
        value is string extractor && extractor is not ("Wallclock" or "Record" or "RecordField")
            ? "Class " + extractor + " could not be found; supported: Wallclock, Record, RecordField"
            : null;

    private static string? ValidateTimezone(string name, object? value)
    {
        if (value is not string zone || zone.Length == 0)
        {
            return null;
        }
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(zone);
            return null;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return "Unknown time-zone ID: " + zone;
        }
    }
}
