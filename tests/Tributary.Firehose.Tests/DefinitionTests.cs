using System.Text.Json;
using Tributary.Aws;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Tests;

/// <summary>FirehoseDefinitions: CreateDeliveryStream and UpdateDestination JSON → the delivery model, with every rule's error type and message.</summary>
public class DefinitionTests
{
    private const string Role = "arn:aws:iam::123456789012:role/firehose";
    private const string Parquet = "\"DataFormatConversionConfiguration\":{\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{}}}}";
    private const string KinesisArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks";

    private static DeliveryStreamDefinition Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FirehoseDefinitions.ParseCreate(document.RootElement);
    }

    private static string Processors(string processors) => "\"ProcessingConfiguration\":{\"Enabled\":true,\"Processors\":[" + processors + "]}";

    public static TheoryData<string, string, string, string> Rules => new()
    {
        {
            "name missing", "{\"ExtendedS3DestinationConfiguration\":{\"RoleARN\":\"" + Role + "\",\"BucketARN\":\"arn:aws:s3:::b-1\"}}",
            "ValidationException", "1 validation error detected: Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null"
        },
        {
            "name pattern", FirehoseHarness.CreateRequest("a b"),
            "ValidationException", "1 validation error detected: Value 'a b' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        },
        {
            "name length", FirehoseHarness.CreateRequest(new string('n', 65)),
            "ValidationException", "at 'deliveryStreamName' failed to satisfy constraint: Member must have length less than or equal to 64"
        },
        {
            "type enum", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"Nope\""),
            "ValidationException", "Value 'Nope' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]"
        },
        {
            "two violations", FirehoseHarness.CreateRequest("a b", "\"CompressionFormat\":\"LZ4\""),
            "ValidationException", "2 validation errors detected: Value 'a b' at 'deliveryStreamName'"
        },
        {
            "database source", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"DatabaseAsSource\""),
            "InvalidArgumentException", "DeliveryStreamType DatabaseAsSource is not supported by Tributary"
        },
        {
            "kinesis source missing", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\""),
            "InvalidArgumentException", "KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource."
        },
        {
            "kinesis source on DirectPut", FirehoseHarness.CreateRequest(extra: "\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"" + KinesisArn + "\",\"RoleARN\":\"" + Role + "\"}"),
            "InvalidArgumentException", "KinesisStreamSourceConfiguration is allowed only when DeliveryStreamType is KinesisStreamAsSource."
        },
        {
            "kinesis arn pattern", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\",\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"clicks\",\"RoleARN\":\"" + Role + "\"}"),
            "ValidationException", "Value 'clicks' at 'kinesisStreamSourceConfiguration.kinesisStreamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:kinesis:"
        },
        {
            "msk authentication missing", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"MSKAsSource\",\"MSKSourceConfiguration\":{\"MSKClusterARN\":\"arn:aws:kafka:eu-west-1:123456789012:cluster/tributary/1\",\"TopicName\":\"t\"}"),
            "ValidationException", "Value null at 'mSKSourceConfiguration.authenticationConfiguration' failed to satisfy constraint: Member must not be null"
        },
        {
            "msk connectivity enum", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"MSKAsSource\",\"MSKSourceConfiguration\":{\"MSKClusterARN\":\"arn:aws:kafka:x\",\"TopicName\":\"t\",\"AuthenticationConfiguration\":{\"RoleARN\":\"" + Role + "\",\"Connectivity\":\"SOMETIMES\"}}"),
            "ValidationException", "at 'mSKSourceConfiguration.authenticationConfiguration.connectivity' failed to satisfy constraint: Member must satisfy enum value set: [PUBLIC, PRIVATE]"
        },
        {
            "msk bootstrap servers", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"MSKAsSource\",\"MSKSourceConfiguration\":{\"MSKClusterARN\":\"arn:ext\",\"TopicName\":\"t\",\"BootstrapServers\":\"kafka-without-port\"}"),
            "InvalidArgumentException", "MSKSourceConfiguration.BootstrapServers 'kafka-without-port' must be a comma-separated list of host:port."
        },
        {
            "msk consumer group without bootstrap", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"MSKAsSource\",\"MSKSourceConfiguration\":{\"MSKClusterARN\":\"arn:aws:kafka:x\",\"TopicName\":\"t\",\"ConsumerGroup\":\"g\",\"AuthenticationConfiguration\":{\"RoleARN\":\"" + Role + "\",\"Connectivity\":\"PRIVATE\"}}"),
            "InvalidArgumentException", "MSKSourceConfiguration.ConsumerGroup applies only with BootstrapServers"
        },
        {
            "no destination", "{\"DeliveryStreamName\":\"s\"}",
            "InvalidArgumentException", "A destination configuration is required"
        },
        {
            "other destination", FirehoseHarness.CreateRequest(extra: "\"HttpEndpointDestinationConfiguration\":{}"),
            "InvalidArgumentException", "HttpEndpointDestinationConfiguration is not supported: Tributary supports S3 destinations only"
        },
        {
            "two destinations", FirehoseHarness.CreateRequest(extra: "\"S3DestinationConfiguration\":{\"RoleARN\":\"" + Role + "\",\"BucketARN\":\"arn:aws:s3:::b-1\"}"),
            "InvalidArgumentException", "Exactly one destination configuration must be specified"
        },
        {
            "role missing", "{\"DeliveryStreamName\":\"s\",\"ExtendedS3DestinationConfiguration\":{\"BucketARN\":\"arn:aws:s3:::b-1\"}}",
            "ValidationException", "Value null at 'extendedS3DestinationConfiguration.roleARN' failed to satisfy constraint: Member must not be null"
        },
        {
            "bucket arn pattern", "{\"DeliveryStreamName\":\"s\",\"ExtendedS3DestinationConfiguration\":{\"RoleARN\":\"" + Role + "\",\"BucketARN\":\"my-bucket\"}}",
            "ValidationException", "Value 'my-bucket' at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}"
        },
        {
            "bucket name", "{\"DeliveryStreamName\":\"s\",\"ExtendedS3DestinationConfiguration\":{\"RoleARN\":\"" + Role + "\",\"BucketARN\":\"arn:aws:s3:::Upper_Case\"}}",
            "InvalidArgumentException", "BucketARN 'arn:aws:s3:::Upper_Case' must be arn:aws:s3:::BUCKET with a valid bucket name"
        },
        {
            "buffer size range", FirehoseHarness.CreateRequest(destination: "\"BufferingHints\":{\"SizeInMBs\":0,\"IntervalInSeconds\":60}"),
            "ValidationException", "Value '0' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value greater than or equal to 1"
        },
        {
            "buffer interval range", FirehoseHarness.CreateRequest(destination: "\"BufferingHints\":{\"SizeInMBs\":5,\"IntervalInSeconds\":901}"),
            "ValidationException", "Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900"
        },
        {
            "buffer hints both", FirehoseHarness.CreateRequest(destination: "\"BufferingHints\":{\"SizeInMBs\":5}"),
            "InvalidArgumentException", "BufferingHints must specify both SizeInMBs and IntervalInSeconds, or neither."
        },
        {
            "buffer size type", FirehoseHarness.CreateRequest(destination: "\"BufferingHints\":{\"SizeInMBs\":\"five\",\"IntervalInSeconds\":60}"),
            "SerializationException", "class java.lang.String can not be converted to an Integer"
        },
        {
            "compression enum", FirehoseHarness.CreateRequest(destination: "\"CompressionFormat\":\"LZ4\""),
            "ValidationException", "at 'extendedS3DestinationConfiguration.compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]"
        },
        {
            "conversion compression", FirehoseHarness.CreateRequest(destination: Parquet + ",\"CompressionFormat\":\"GZIP\""),
            "InvalidArgumentException", "CompressionFormat must be UNCOMPRESSED when data format conversion is enabled"
        },
        {
            "conversion buffer size", FirehoseHarness.CreateRequest(destination: Parquet + ",\"BufferingHints\":{\"SizeInMBs\":32,\"IntervalInSeconds\":60}"),
            "InvalidArgumentException", "BufferingHints.SizeInMBs must be at least 64 when data format conversion is enabled; it is 32."
        },
        {
            "orc", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"OrcSerDe\":{\"StripeSizeBytes\":1000}}}}"),
            "ValidationException", "Value '1000' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.orcSerDe.stripeSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 8388608"
        },
        {
            "conversion without deserializer", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{}}}}"),
            "InvalidArgumentException", "InputFormatConfiguration.Deserializer (OpenXJsonSerDe or HiveJsonSerDe) is required when data format conversion is enabled."
        },
        {
            "parquet block size", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{\"BlockSizeBytes\":1024}}}}"),
            "ValidationException", "Value '1024' at 'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer.parquetSerDe.blockSizeBytes' failed to satisfy constraint: Member must have value greater than or equal to 67108864"
        },
        {
            "table without database", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"SchemaConfiguration\":{\"TableName\":\"t\"},\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{}}}}"),
            "InvalidArgumentException", "SchemaConfiguration.TableName needs DatabaseName."
        },
        {
            "table and inline schema", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"SchemaConfiguration\":{\"DatabaseName\":\"d\",\"TableName\":\"t\",\"Schema\":\"a:int\"},\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{}}}}"),
            "InvalidArgumentException", "SchemaConfiguration takes either TableName (a table) or Schema (inline columns), not both."
        },
        {
            "registry subject and table", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"SchemaConfiguration\":{\"DatabaseName\":\"d\",\"TableName\":\"t\",\"RegistrySubject\":\"s-value\"},\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{}}}}"),
            "InvalidArgumentException", "SchemaConfiguration takes either RegistrySubject (a schema registry subject), TableName (a table) or Schema (inline columns), not several."
        },
        {
            "registry subject version", FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"SchemaConfiguration\":{\"RegistrySubject\":\"s-value\",\"VersionId\":\"v2\"},\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{}}},\"OutputFormatConfiguration\":{\"Serializer\":{\"ParquetSerDe\":{}}}}"),
            "InvalidArgumentException", "SchemaConfiguration.VersionId with RegistrySubject must be a version number or LATEST: v2."
        },
        {
            "processor type enum", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"NotLambda\"}")),
            "ValidationException", "Value 'NotLambda' at 'extendedS3DestinationConfiguration.processingConfiguration.processors.1.member.type' failed to satisfy constraint: Member must satisfy enum value set: [RecordDeAggregation, Decompression, CloudWatchLogProcessing, Lambda, MetadataExtraction, AppendDelimiterToRecord]"
        },
        {
            "parameter name enum", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"AppendDelimiterToRecord\"},{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"Url\",\"ParameterValue\":\"x\"}]}")),
            "ValidationException", "Value 'Url' at 'extendedS3DestinationConfiguration.processingConfiguration.processors.2.member.parameters.1.member.parameterName' failed to satisfy constraint: Member must satisfy enum value set: [LambdaArn,"
        },
        {
            "parameter value blank", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"LambdaArn\",\"ParameterValue\":\"  \"}]}")),
            "ValidationException", "Value '  ' at 'extendedS3DestinationConfiguration.processingConfiguration.processors.1.member.parameters.1.member.parameterValue' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!\\s*$).+"
        },
        {
            "lambda arn required", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"NumberOfRetries\",\"ParameterValue\":\"2\"}]}")),
            "InvalidArgumentException", "Processor Lambda requires the parameter LambdaArn."
        },
        {
            "lambda arn form", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"LambdaArn\",\"ParameterValue\":\"ftp://transform\"}]}")),
            "InvalidArgumentException", "LambdaArn 'ftp://transform' must be a Lambda function ARN"
        },
        {
            "lambda retries", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"LambdaArn\",\"ParameterValue\":\"http://localhost:9000/\"},{\"ParameterName\":\"NumberOfRetries\",\"ParameterValue\":\"many\"}]}")),
            "InvalidArgumentException", "NumberOfRetries 'many' must be an integer from 0 to 300."
        },
        {
            "parameter of another type", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"LambdaArn\",\"ParameterValue\":\"http://localhost:9000/\"},{\"ParameterName\":\"MetadataExtractionQuery\",\"ParameterValue\":\"{a:.a}\"}]}")),
            "InvalidArgumentException", "Processor Lambda does not take the parameter MetadataExtractionQuery"
        },
        {
            "jq engine", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"MetadataExtraction\",\"Parameters\":[{\"ParameterName\":\"MetadataExtractionQuery\",\"ParameterValue\":\"{a:.a}\"},{\"ParameterName\":\"JsonParsingEngine\",\"ParameterValue\":\"JQ-1.5\"}]}")),
            "InvalidArgumentException", "JsonParsingEngine 'JQ-1.5' is not supported: the only engine is JQ-1.6."
        },
        {
            "delimiter base64", FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"RecordDeAggregation\",\"Parameters\":[{\"ParameterName\":\"SubRecordType\",\"ParameterValue\":\"DELIMITED\"},{\"ParameterName\":\"Delimiter\",\"ParameterValue\":\"|||\"}]}")),
            "InvalidArgumentException", "Delimiter '|||' must be base64-encoded."
        },
        {
            "dynamic partitioning without error prefix", FirehoseHarness.CreateRequest(destination: "\"DynamicPartitioningConfiguration\":{\"Enabled\":true}"),
            "InvalidArgumentException", "ErrorOutputPrefix is required when dynamic partitioning is enabled."
        },
        {
            "dynamic partitioning zero buffering", FirehoseHarness.CreateRequest(destination: "\"DynamicPartitioningConfiguration\":{\"Enabled\":true},\"ErrorOutputPrefix\":\"e/!{firehose:error-output-type}/\",\"BufferingHints\":{\"SizeInMBs\":64,\"IntervalInSeconds\":0}"),
            "InvalidArgumentException", "BufferingHints.IntervalInSeconds 0 (zero buffering) is not available with dynamic partitioning."
        },
        {
            "dynamic partitioning retry range", FirehoseHarness.CreateRequest(destination: "\"DynamicPartitioningConfiguration\":{\"Enabled\":true,\"RetryOptions\":{\"DurationInSeconds\":7201}}"),
            "ValidationException", "Value '7201' at 'extendedS3DestinationConfiguration.dynamicPartitioningConfiguration.retryOptions.durationInSeconds' failed to satisfy constraint: Member must have value less than or equal to 7200"
        },
        {
            "backup without configuration", FirehoseHarness.CreateRequest(destination: "\"S3BackupMode\":\"Enabled\""),
            "InvalidArgumentException", "S3BackupConfiguration is required when S3BackupMode is Enabled."
        },
        {
            "backup role missing", FirehoseHarness.CreateRequest(destination: "\"S3BackupMode\":\"Enabled\",\"S3BackupConfiguration\":{\"BucketARN\":\"arn:aws:s3:::backup\"}"),
            "ValidationException", "Value null at 'extendedS3DestinationConfiguration.s3BackupConfiguration.roleARN' failed to satisfy constraint: Member must not be null"
        },
        {
            "file extension pattern", FirehoseHarness.CreateRequest(destination: "\"FileExtension\":\"json\""),
            "ValidationException", "Value 'json' at 'extendedS3DestinationConfiguration.fileExtension' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|\\.[0-9a-z!\\-_.*'()]+"
        },
        {
            "time zone pattern", FirehoseHarness.CreateRequest(destination: "\"CustomTimeZone\":\"UTC+2\""),
            "ValidationException", "Value 'UTC+2' at 'extendedS3DestinationConfiguration.customTimeZone' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|[a-zA-Z/_]+"
        },
        {
            "time zone unknown", FirehoseHarness.CreateRequest(destination: "\"CustomTimeZone\":\"Mars/Olympus\""),
            "InvalidArgumentException", "CustomTimeZone 'Mars/Olympus' is not a known time zone."
        },
        {
            "both encryptions", FirehoseHarness.CreateRequest(destination: "\"EncryptionConfiguration\":{\"NoEncryptionConfig\":\"NoEncryption\",\"KMSEncryptionConfig\":{\"AWSKMSKeyARN\":\"arn:aws:kms:eu-west-1:123456789012:key/k\"}}"),
            "InvalidArgumentException", "EncryptionConfiguration takes either NoEncryptionConfig or KMSEncryptionConfig, not both."
        },
        {
            "log group pattern", FirehoseHarness.CreateRequest(destination: "\"CloudWatchLoggingOptions\":{\"Enabled\":true,\"LogGroupName\":\"bad group\"}"),
            "ValidationException", "at 'extendedS3DestinationConfiguration.cloudWatchLoggingOptions.logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern"
        },
        {
            "tag key aws prefix", FirehoseHarness.CreateRequest(extra: "\"Tags\":[{\"Key\":\"aws:owner\",\"Value\":\"x\"}]"),
            "ValidationException", "Value 'aws:owner' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!aws:)"
        },
        {
            "too many tags", FirehoseHarness.CreateRequest(extra: "\"Tags\":[" + string.Join(",", Enumerable.Range(0, 51).Select(i => "{\"Key\":\"k" + i + "\",\"Value\":\"v\"}")) + "]"),
            "ValidationException", "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
        },
        {
            "duplicate tag", FirehoseHarness.CreateRequest(extra: "\"Tags\":[{\"Key\":\"k\",\"Value\":\"1\"},{\"Key\":\"k\",\"Value\":\"2\"}]"),
            "InvalidArgumentException", "Duplicate tag key 'k'."
        },
        {
            "customer key without arn", FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamEncryptionConfigurationInput\":{\"KeyType\":\"CUSTOMER_MANAGED_CMK\"}"),
            "InvalidArgumentException", "KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK."
        },
        {
            "throughput hint range", FirehoseHarness.CreateRequest(extra: "\"DirectPutSourceConfiguration\":{\"ThroughputHintInMBs\":101}"),
            "ValidationException", "Value '101' at 'directPutSourceConfiguration.throughputHintInMBs' failed to satisfy constraint: Member must have value less than or equal to 100"
        },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_answers_its_error_type_and_message(string rule, string request, string type, string message)
    {
        var error = Assert.Throws<AwsErrorException>(() => Parse(request));
        Assert.True(type == error.ErrorType && error.Message.Contains(message, StringComparison.Ordinal),
            $"{rule}: expected {type} containing «{message}», got {error.ErrorType}: {error.Message}");
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_a_SerializationException()
    {
        var error = Assert.Throws<AwsErrorException>(() => Parse("[1]"));
        Assert.Equal("SerializationException", error.ErrorType);
    }

    [Fact]
    public void A_minimal_request_gets_Firehose_defaults()
    {
        var definition = Parse(FirehoseHarness.CreateRequest());
        Assert.Equal("orders", definition.Name);
        Assert.Equal(DeliveryStreamType.DirectPut, definition.Type);
        Assert.Equal(1, definition.VersionId);
        Assert.False(definition.EncryptionEnabled);
        Assert.False(definition.Declared);
        Assert.Empty(definition.Tags);
        var destination = definition.Destination;
        Assert.Equal("destinationId-000000000001", destination.DestinationId);
        Assert.Equal("arn:aws:s3:::tributary-bucket", destination.BucketArn);
        Assert.Equal(Role, destination.RoleArn);
        Assert.Null(destination.Prefix);
        Assert.Null(destination.ErrorOutputPrefix);
        Assert.Equal(5, destination.BufferSizeInMBs);
        Assert.Equal(300, destination.BufferIntervalInSeconds);
        Assert.Equal(CompressionFormat.Uncompressed, destination.Compression);
        Assert.False(destination.Processing.Enabled);
        Assert.Empty(destination.Processing.Processors);
        Assert.Null(destination.FormatConversion);
        Assert.False(destination.DynamicPartitioning);
        Assert.Equal("Disabled", destination.S3BackupMode);
        Assert.Null(destination.CustomTimeZone);
    }

    [Fact]
    public void Every_extended_S3_member_reaches_the_model()
    {
        var definition = Parse(FirehoseHarness.CreateRequest("events", """
            "Prefix":"data/!{partitionKeyFromQuery:customer}/","ErrorOutputPrefix":"errors/!{firehose:error-output-type}/",
            "BufferingHints":{"SizeInMBs":64,"IntervalInSeconds":60},"CompressionFormat":"UNCOMPRESSED",
            "EncryptionConfiguration":{"NoEncryptionConfig":"NoEncryption"},"CloudWatchLoggingOptions":{"Enabled":true,"LogGroupName":"/aws/kinesisfirehose/events","LogStreamName":"S3Delivery"},
            "ProcessingConfiguration":{"Enabled":true,"Processors":[
              {"Type":"RecordDeAggregation","Parameters":[{"ParameterName":"SubRecordType","ParameterValue":"DELIMITED"},{"ParameterName":"Delimiter","ParameterValue":"Cg=="}]},
              {"Type":"MetadataExtraction","Parameters":[{"ParameterName":"MetadataExtractionQuery","ParameterValue":"{customer:.customer}"},{"ParameterName":"JsonParsingEngine","ParameterValue":"JQ-1.6"}]},
              {"Type":"Lambda","Parameters":[{"ParameterName":"LambdaArn","ParameterValue":"arn:aws:lambda:eu-west-1:123456789012:function:enrich:live"},{"ParameterName":"NumberOfRetries","ParameterValue":"5"},{"ParameterName":"BufferSizeInMBs","ParameterValue":"0.5"},{"ParameterName":"BufferIntervalInSeconds","ParameterValue":"120"}]},
              {"Type":"AppendDelimiterToRecord"}]},
            "S3BackupMode":"Enabled","S3BackupConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","BucketARN":"arn:aws:s3:::backup-bucket","Prefix":"raw/","ErrorOutputPrefix":"raw-errors/","CompressionFormat":"GZIP"},
            "DataFormatConversionConfiguration":{"Enabled":true,
              "SchemaConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/glue","CatalogId":"123456789012","DatabaseName":"db","TableName":"events","Region":"eu-west-1","VersionId":"LATEST"},
              "InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{"ConvertDotsInJsonKeysToUnderscores":true,"CaseInsensitive":false,"ColumnToJsonKeyMappings":{"ts":"timestamp"}}}},
              "OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{"BlockSizeBytes":134217728,"PageSizeBytes":65536,"Compression":"GZIP","EnableDictionaryCompression":false,"MaxPaddingBytes":0,"WriterVersion":"V2"}}}},
            "DynamicPartitioningConfiguration":{"Enabled":true,"RetryOptions":{"DurationInSeconds":600}},
            "FileExtension":".parquet","CustomTimeZone":"Europe/Paris"
            """, "\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"},{\"Key\":\"env\"}],\"DeliveryStreamEncryptionConfigurationInput\":{\"KeyType\":\"AWS_OWNED_CMK\"}"));
        Assert.True(definition.EncryptionEnabled);
        Assert.Equal([new("team", "data"), new("env", "")], definition.Tags);
        var destination = definition.Destination;
        Assert.Equal("data/!{partitionKeyFromQuery:customer}/", destination.Prefix);
        Assert.Equal("errors/!{firehose:error-output-type}/", destination.ErrorOutputPrefix);
        Assert.Equal((64, 60), (destination.BufferSizeInMBs, destination.BufferIntervalInSeconds));
        Assert.True(destination.Processing.Enabled);
        Assert.Equal(["RecordDeAggregation", "MetadataExtraction", "Lambda", "AppendDelimiterToRecord"], destination.Processing.Processors.Select(p => p.Type));
        Assert.Equal("Cg==", destination.Processing.Processors[0].Parameter("Delimiter"));
        Assert.Equal("{customer:.customer}", destination.Processing.Processors[1].Parameter("MetadataExtractionQuery"));
        Assert.Equal("0.5", destination.Processing.Processors[2].Parameter("BufferSizeInMBs"));
        Assert.Equal("Enabled", destination.S3BackupMode);
        Assert.Equal(("arn:aws:s3:::backup-bucket", "raw/", "raw-errors/", CompressionFormat.Gzip),
            (destination.BackupBucketArn, destination.BackupPrefix, destination.BackupErrorOutputPrefix, destination.BackupCompression));
        var conversion = destination.FormatConversion!;
        Assert.True(conversion.Enabled);
        Assert.Equal(("OpenXJsonSerDe", true, false), (conversion.InputSerDe, conversion.ConvertDotsInJsonKeysToUnderscores, conversion.CaseInsensitive));
        Assert.Equal([new("ts", "timestamp")], conversion.ColumnToJsonKeyMappings);
        Assert.Equal(("123456789012", "db", "events", "eu-west-1", "LATEST"), (conversion.CatalogId, conversion.DatabaseName, conversion.TableName, conversion.Region, conversion.VersionId));
        Assert.Equal((134217728, 65536, "GZIP", false, "V2"),
            (conversion.ParquetBlockSizeBytes, conversion.ParquetPageSizeBytes, conversion.ParquetCompression, conversion.EnableDictionaryCompression, conversion.WriterVersion));
        Assert.Null(conversion.InlineSchema);
        Assert.True(destination.DynamicPartitioning);
        Assert.Equal(600, destination.DynamicPartitioningRetrySeconds);
        Assert.Equal(".parquet", destination.FileExtension);
        Assert.Equal("Europe/Paris", destination.CustomTimeZone);
    }

    [Fact]
    public void Format_conversion_defaults_the_buffer_to_128_MiB_and_takes_an_inline_schema_or_none()
    {
        var inline = Parse(FirehoseHarness.CreateRequest(destination: """
            "DataFormatConversionConfiguration":{"SchemaConfiguration":{"Schema":"id:bigint,name:string"},
              "InputFormatConfiguration":{"Deserializer":{"HiveJsonSerDe":{"TimestampFormats":["millis","yyyy-MM-dd'T'HH:mm:ss"]}}},
              "OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{}}}}
            """)).Destination;
        Assert.Equal(128, inline.BufferSizeInMBs);
        Assert.Equal("id:bigint,name:string", inline.FormatConversion!.InlineSchema);
        Assert.Equal("HiveJsonSerDe", inline.FormatConversion.InputSerDe);
        Assert.Equal(["millis", "yyyy-MM-dd'T'HH:mm:ss"], inline.FormatConversion.TimestampFormats);
        Assert.Equal(("SNAPPY", "V1", 256 * 1024 * 1024), (inline.FormatConversion.ParquetCompression, inline.FormatConversion.WriterVersion, inline.FormatConversion.ParquetBlockSizeBytes));

        var inferred = Parse(FirehoseHarness.CreateRequest(destination: Parquet)).Destination.FormatConversion!;
        Assert.Null(inferred.TableName);
        Assert.Null(inferred.InlineSchema);

        var disabled = Parse(FirehoseHarness.CreateRequest(destination: "\"DataFormatConversionConfiguration\":{\"Enabled\":false},\"CompressionFormat\":\"GZIP\"")).Destination;
        Assert.False(disabled.FormatConversion!.Enabled);
        Assert.Equal(5, disabled.BufferSizeInMBs);
        Assert.Equal(CompressionFormat.Gzip, disabled.Compression);
    }

    [Fact]
    public void Lambda_takes_an_http_endpoint_or_a_function_arn()
    {
        foreach (var target in new[] { "http://localhost:8080/transform", "https://transform.example.com/x", "arn:aws:lambda:eu-west-1:123456789012:function:enrich" })
        {
            var processor = Parse(FirehoseHarness.CreateRequest(destination: Processors("{\"Type\":\"Lambda\",\"Parameters\":[{\"ParameterName\":\"LambdaArn\",\"ParameterValue\":\"" + target + "\"}]}")))
                .Destination.Processing.Processors.Single();
            Assert.Equal(target, processor.Parameter("LambdaArn"));
        }
    }

    [Fact]
    public void The_deprecated_S3DestinationConfiguration_maps_onto_the_same_model()
    {
        var destination = Parse("""
            {"DeliveryStreamName":"legacy","S3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","BucketARN":"arn:aws:s3:::legacy-bucket",
              "Prefix":"p/","BufferingHints":{"SizeInMBs":10,"IntervalInSeconds":60},"CompressionFormat":"Snappy"}}
            """).Destination;
        Assert.Equal(("arn:aws:s3:::legacy-bucket", "p/", 10, 60, CompressionFormat.Snappy),
            (destination.BucketArn, destination.Prefix, destination.BufferSizeInMBs, destination.BufferIntervalInSeconds, destination.Compression));
    }

    [Fact]
    public void Sources_kinesis_msk_and_the_external_kafka_extension()
    {
        var kinesis = Parse(FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\",\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"" + KinesisArn + "\",\"RoleARN\":\"" + Role + "\"}"));
        Assert.Equal(DeliveryStreamType.KinesisStreamAsSource, kinesis.Type);
        Assert.Equal((KinesisArn, Role), (kinesis.KinesisSource!.StreamArn, kinesis.KinesisSource.RoleArn));

        var msk = Parse(FirehoseHarness.CreateRequest(extra: """
            "DeliveryStreamType":"MSKAsSource","MSKSourceConfiguration":{"MSKClusterARN":"arn:aws:kafka:eu-west-1:123456789012:cluster/tributary/1","TopicName":"orders",
              "AuthenticationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/msk","Connectivity":"PRIVATE"},"ReadFromTimestamp":0}
            """));
        var source = msk.KafkaSource!;
        Assert.Equal(("orders", "arn:aws:iam::123456789012:role/msk", "PRIVATE"), (source.TopicName, source.RoleArn, source.Connectivity));
        Assert.Equal(DateTimeOffset.UnixEpoch, source.ReadFromTimestamp);
        Assert.Null(source.BootstrapServers);

        var external = Parse(FirehoseHarness.CreateRequest(extra: """
            "DeliveryStreamType":"MSKAsSource","MSKSourceConfiguration":{"MSKClusterARN":"arn:external","TopicName":"orders",
              "BootstrapServers":"kafka-1:9092, kafka-2:9092","ConsumerGroup":"firehose-orders","ReadFromTimestamp":1767225600.5}
            """)).KafkaSource!;
        Assert.Equal(("kafka-1:9092, kafka-2:9092", "firehose-orders"), (external.BootstrapServers, external.ConsumerGroup));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600500), external.ReadFromTimestamp);
        Assert.Null(external.RoleArn);
    }

    private static S3DestinationDefinition Update(S3DestinationDefinition current, string update)
    {
        using var document = JsonDocument.Parse("{\"ExtendedS3DestinationUpdate\":{" + update + "}}");
        var validation = new AwsValidation();
        var invalid = new List<string>();
        var merge = FirehoseDefinitions.ParseUpdate(document.RootElement, validation, invalid);
        validation.ThrowIfAny();
        Assert.Empty(invalid);
        return merge(current);
    }

    [Fact]
    public void An_update_changes_only_the_members_given()
    {
        var current = Parse(FirehoseHarness.CreateRequest(destination: "\"Prefix\":\"old/\",\"BufferingHints\":{\"SizeInMBs\":10,\"IntervalInSeconds\":120},\"CompressionFormat\":\"GZIP\",\"FileExtension\":\".gz\"")).Destination;
        var updated = Update(current, "\"Prefix\":\"new/\",\"BufferingHints\":{\"SizeInMBs\":20}");
        Assert.Equal("new/", updated.Prefix);
        Assert.Equal((20, 120), (updated.BufferSizeInMBs, updated.BufferIntervalInSeconds));
        Assert.Equal(CompressionFormat.Gzip, updated.Compression);
        Assert.Equal(".gz", updated.FileExtension);
        Assert.Equal(current.BucketArn, updated.BucketArn);
        Assert.Equal(current.RoleArn, updated.RoleArn);

        var moved = Update(current, "\"BucketARN\":\"arn:aws:s3:::other-bucket\",\"ProcessingConfiguration\":{\"Enabled\":true,\"Processors\":[{\"Type\":\"AppendDelimiterToRecord\"}]}");
        Assert.Equal("arn:aws:s3:::other-bucket", moved.BucketArn);
        Assert.Equal("AppendDelimiterToRecord", moved.Processing.Processors.Single().Type);
        Assert.Equal("old/", moved.Prefix);
    }

    [Fact]
    public void Enabling_conversion_in_an_update_raises_a_small_buffer_to_128_MiB()
    {
        var current = Parse(FirehoseHarness.CreateRequest()).Destination;
        var updated = Update(current, Parquet);
        Assert.Equal(128, updated.BufferSizeInMBs);
        Assert.True(updated.FormatConversion!.Enabled);
    }

    [Fact]
    public void Updates_cannot_switch_dynamic_partitioning_or_disable_the_backup()
    {
        var plain = Parse(FirehoseHarness.CreateRequest()).Destination;
        var error = Assert.Throws<AwsErrorException>(() => Update(plain, "\"DynamicPartitioningConfiguration\":{\"Enabled\":true},\"ErrorOutputPrefix\":\"e/!{firehose:error-output-type}/\""));
        Assert.Equal(("InvalidArgumentException", "Dynamic partitioning can be enabled only when the delivery stream is created."), (error.ErrorType, error.Message));

        var partitioned = Parse(FirehoseHarness.CreateRequest(destination: "\"DynamicPartitioningConfiguration\":{\"Enabled\":true},\"ErrorOutputPrefix\":\"e/!{firehose:error-output-type}/\"")).Destination;
        error = Assert.Throws<AwsErrorException>(() => Update(partitioned, "\"DynamicPartitioningConfiguration\":{\"Enabled\":false}"));
        Assert.Equal("Dynamic partitioning cannot be disabled once enabled.", error.Message);
        Assert.Equal(900, Update(partitioned, "\"DynamicPartitioningConfiguration\":{\"Enabled\":true,\"RetryOptions\":{\"DurationInSeconds\":900}}").DynamicPartitioningRetrySeconds);

        var backedUp = Parse(FirehoseHarness.CreateRequest(destination: "\"S3BackupMode\":\"Enabled\",\"S3BackupConfiguration\":{\"RoleARN\":\"" + Role + "\",\"BucketARN\":\"arn:aws:s3:::backup\"}")).Destination;
        error = Assert.Throws<AwsErrorException>(() => Update(backedUp, "\"S3BackupMode\":\"Disabled\""));
        Assert.Equal("S3BackupMode cannot be changed from Enabled to Disabled.", error.Message);
        Assert.Equal("raw/", Update(backedUp, "\"S3BackupUpdate\":{\"Prefix\":\"raw/\"}").BackupPrefix);
    }

    [Fact]
    public void Update_members_are_validated_with_their_update_paths()
    {
        using var document = JsonDocument.Parse("{\"ExtendedS3DestinationUpdate\":{\"BufferingHints\":{\"IntervalInSeconds\":1000}}}");
        var validation = new AwsValidation();
        FirehoseDefinitions.ParseUpdate(document.RootElement, validation, []);
        var error = Assert.Throws<AwsErrorException>(validation.ThrowIfAny);
        Assert.Contains("Value '1000' at 'extendedS3DestinationUpdate.bufferingHints.intervalInSeconds'", error.Message);
    }
}
