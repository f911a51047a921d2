using System.Text.RegularExpressions;

namespace Tributary.Firehose.Api;

/// <summary>
/// Member constraints of Firehose's service model (botocore <c>firehose/2015-08-04/service-2.json</c>): lengths,
/// patterns and enum values, with the pattern text AWS quotes in its ValidationException messages. Regexes match
/// the whole value, as AWS's validators do.
/// </summary>
public static partial class FirehoseShapes
{
    public const string DeliveryStreamNamePattern = "[a-zA-Z0-9_.-]+";
    public const string RoleArnPattern = "arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+";
    public const string BucketArnPattern = "arn:.*:s3:::[\\w\\.\\-]{1,255}";
    public const string KinesisStreamArnPattern = "arn:.*:kinesis:[a-zA-Z0-9\\-]+:\\d{12}:stream/[a-zA-Z0-9_.-]+";
    public const string KmsKeyArnPattern = "arn:.*:kms:[a-zA-Z0-9\\-]+:\\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\\-_/]+";
    public const string ArnPattern = "arn:.*";
    public const string TopicNamePattern = "[a-zA-Z0-9\\\\._\\\\-]+";
    public const string DestinationIdPattern = "[a-zA-Z0-9-]+";
    public const string VersionIdPattern = "[0-9]+";
    public const string FileExtensionPattern = "^$|\\.[0-9a-z!\\-_.*'()]+";
    public const string CustomTimeZonePattern = "^$|[a-zA-Z/_]+";
    public const string NonEmptyStringPattern = "^(?!\\s*$).+";
    public const string NonEmptyStringWithoutWhitespacePattern = "^\\S+$";
    public const string TagKeyPattern = "^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";
    public const string TagValuePattern = "^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$";
    public const string LogGroupNamePattern = "[\\.\\-_/#A-Za-z0-9]*";
    public const string LogStreamNamePattern = "[^:*]*";

    /// <summary>Prefix and ErrorOutputPrefix: <c>.*</c>, which in AWS's (Java's) regexes matches no line terminator.</summary>
    public const string AnyLinePattern = ".*";

    public static readonly string[] DeliveryStreamTypes = ["DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"];
    public static readonly string[] CompressionFormats = ["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"];
    public static readonly string[] S3BackupModes = ["Disabled", "Enabled"];
    public static readonly string[] KeyTypes = ["AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK"];
    public static readonly string[] Connectivities = ["PUBLIC", "PRIVATE"];
    public static readonly string[] NoEncryptionConfigs = ["NoEncryption"];
    public static readonly string[] ParquetCompressions = ["UNCOMPRESSED", "GZIP", "SNAPPY"];
    public static readonly string[] ParquetWriterVersions = ["V1", "V2"];
    public static readonly string[] OrcCompressions = ["NONE", "ZLIB", "SNAPPY"];
    public static readonly string[] OrcFormatVersions = ["V0_11", "V0_12"];

    public static readonly string[] ProcessorTypes =
        ["RecordDeAggregation", "Decompression", "CloudWatchLogProcessing", "Lambda", "MetadataExtraction", "AppendDelimiterToRecord"];

    public static readonly string[] ProcessorParameterNames =
    [
        "LambdaArn", "NumberOfRetries", "MetadataExtractionQuery", "JsonParsingEngine", "RoleArn", "BufferSizeInMBs",
        "BufferIntervalInSeconds", "SubRecordType", "Delimiter", "CompressionFormat", "DataMessageExtraction",
    ];

    /// <summary>Destination members of CreateDeliveryStream other than the two S3 ones: refused (Tributary delivers to S3 only).</summary>
    public static readonly string[] OtherDestinations =
    [
        "RedshiftDestinationConfiguration", "ElasticsearchDestinationConfiguration", "AmazonopensearchserviceDestinationConfiguration",
        "SplunkDestinationConfiguration", "HttpEndpointDestinationConfiguration", "AmazonOpenSearchServerlessDestinationConfiguration",
        "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration",
    ];

    /// <summary>UpdateDestination members other than the two S3 ones.</summary>
    public static readonly string[] OtherDestinationUpdates =
    [
        "RedshiftDestinationUpdate", "ElasticsearchDestinationUpdate", "AmazonopensearchserviceDestinationUpdate",
        "SplunkDestinationUpdate", "HttpEndpointDestinationUpdate", "AmazonOpenSearchServerlessDestinationUpdate",
        "SnowflakeDestinationUpdate", "IcebergDestinationUpdate",
    ];

    [GeneratedRegex("^(?:" + DeliveryStreamNamePattern + ")\\z")]
    public static partial Regex DeliveryStreamName();

    [GeneratedRegex("^(?:" + RoleArnPattern + ")\\z")]
    public static partial Regex RoleArn();

    [GeneratedRegex("^(?:" + BucketArnPattern + ")\\z")]
    public static partial Regex BucketArn();

    [GeneratedRegex("^(?:" + KinesisStreamArnPattern + ")\\z")]
    public static partial Regex KinesisStreamArn();

    [GeneratedRegex("^(?:" + KmsKeyArnPattern + ")\\z")]
    public static partial Regex KmsKeyArn();

    [GeneratedRegex("^(?:" + ArnPattern + ")\\z", RegexOptions.Singleline)]
    public static partial Regex Arn();

    [GeneratedRegex("^(?:" + TopicNamePattern + ")\\z")]
    public static partial Regex TopicName();

    [GeneratedRegex("^(?:" + DestinationIdPattern + ")\\z")]
    public static partial Regex DestinationId();

    [GeneratedRegex("^(?:" + VersionIdPattern + ")\\z")]
    public static partial Regex VersionId();

    [GeneratedRegex("^(?:" + FileExtensionPattern + ")\\z")]
    public static partial Regex FileExtension();

    [GeneratedRegex("^(?:" + CustomTimeZonePattern + ")\\z")]
    public static partial Regex CustomTimeZone();

    [GeneratedRegex(NonEmptyStringPattern, RegexOptions.Singleline)]
    public static partial Regex NonEmptyString();

    [GeneratedRegex(NonEmptyStringWithoutWhitespacePattern)]
    public static partial Regex NonEmptyStringWithoutWhitespace();

    [GeneratedRegex(TagKeyPattern)]
    public static partial Regex TagKey();

    [GeneratedRegex(TagValuePattern)]
    public static partial Regex TagValue();

    [GeneratedRegex("^(?:" + LogGroupNamePattern + ")\\z")]
    public static partial Regex LogGroupName();

    [GeneratedRegex("^[^\\n\\r\\u0085\\u2028\\u2029]*\\z")]
    public static partial Regex AnyLine();

    [GeneratedRegex("^(?:" + LogStreamNamePattern + ")\\z")]
    public static partial Regex LogStreamName();

    /// <summary>
    /// An S3 bucket name by S3's general-purpose rules: 3–63 characters of lower-case letters, digits, dots and hyphens,
    /// starting and ending with a letter or digit, no two adjacent dots, not shaped like an IPv4 address.
    /// </summary>
    [GeneratedRegex("^(?!\\d+\\.\\d+\\.\\d+\\.\\d+$)(?!.*\\.\\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\\z")]
    public static partial Regex BucketName();

    /// <summary>A Lambda function ARN (optionally with a version or alias qualifier).</summary>
    [GeneratedRegex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[a-zA-Z0-9-_]+(:[a-zA-Z0-9-_$]+)?\\z")]
    public static partial Regex LambdaArn();
}
