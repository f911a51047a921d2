using System.Buffers;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Tests;

/// <summary>FirehoseDescriptions: DescribeDeliveryStream's shape and the create-request form the configuration file uses.</summary>
public class DescriptionTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeMilliseconds(1795343415250);

    private static DeliveryStreamDefinition Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FirehoseDefinitions.ParseCreate(document.RootElement);
    }

    private static JsonElement Describe(DeliveryStreamDescription description, string? exclusiveStart = null)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new JsonResponseWriter(output);
        writer.WriteStartObject();
        FirehoseDescriptions.WriteDescription(writer, description, FirehoseHarness.Options, exclusiveStart);
        writer.WriteEndObject();
        writer.Flush();
        return JsonDocument.Parse(output.WrittenMemory).RootElement.GetProperty("DeliveryStreamDescription").Clone();
    }

    [Fact]
    public void A_minimal_stream_is_described_with_Firehose_defaults_spelled_out()
    {
        var definition = Parse(FirehoseHarness.CreateRequest()) with { CreateTimestamp = Created };
        var description = Describe(new(definition, DeliveryStreamStatus.Active, new DeliveryMetrics()));
        Assert.Equal("orders", description.GetProperty("DeliveryStreamName").GetString());
        Assert.Equal("arn:aws:firehose:eu-west-1:123456789012:deliverystream/orders", description.GetProperty("DeliveryStreamARN").GetString());
        Assert.Equal("ACTIVE", description.GetProperty("DeliveryStreamStatus").GetString());
        Assert.Equal("DISABLED", description.GetProperty("DeliveryStreamEncryptionConfiguration").GetProperty("Status").GetString());
        Assert.Equal("DirectPut", description.GetProperty("DeliveryStreamType").GetString());
        Assert.Equal("1", description.GetProperty("VersionId").GetString());
        // Epoch seconds as a plain decimal with the milliseconds (no exponent: Java SDKs reject it).
        Assert.Equal("1795343415.25", description.GetProperty("CreateTimestamp").GetRawText());
        Assert.False(description.TryGetProperty("LastUpdateTimestamp", out _));
        Assert.False(description.TryGetProperty("Source", out _));
        Assert.False(description.TryGetProperty("FailureDescription", out _));
        Assert.False(description.GetProperty("HasMoreDestinations").GetBoolean());
        var destination = description.GetProperty("Destinations").EnumerateArray().Single();
        Assert.Equal("destinationId-000000000001", destination.GetProperty("DestinationId").GetString());
        foreach (var member in new[] { "S3DestinationDescription", "ExtendedS3DestinationDescription" })
        {
            var s3 = destination.GetProperty(member);
            Assert.Equal("arn:aws:iam::123456789012:role/firehose", s3.GetProperty("RoleARN").GetString());
            Assert.Equal("arn:aws:s3:::tributary-bucket", s3.GetProperty("BucketARN").GetString());
            Assert.Equal(5, s3.GetProperty("BufferingHints").GetProperty("SizeInMBs").GetInt32());
            Assert.Equal(300, s3.GetProperty("BufferingHints").GetProperty("IntervalInSeconds").GetInt32());
            Assert.Equal("UNCOMPRESSED", s3.GetProperty("CompressionFormat").GetString());
            Assert.Equal("NoEncryption", s3.GetProperty("EncryptionConfiguration").GetProperty("NoEncryptionConfig").GetString());
            Assert.False(s3.GetProperty("CloudWatchLoggingOptions").GetProperty("Enabled").GetBoolean());
            Assert.False(s3.TryGetProperty("Prefix", out _));
        }
        var extended = destination.GetProperty("ExtendedS3DestinationDescription");
        Assert.Equal("Disabled", extended.GetProperty("S3BackupMode").GetString());
        Assert.False(extended.GetProperty("ProcessingConfiguration").GetProperty("Enabled").GetBoolean());
        Assert.False(extended.TryGetProperty("DataFormatConversionConfiguration", out _));
        Assert.False(extended.TryGetProperty("DynamicPartitioningConfiguration", out _));
        Assert.False(destination.GetProperty("S3DestinationDescription").TryGetProperty("S3BackupMode", out _));
    }

    [Fact]
    public void Sources_status_failure_encryption_and_update_time_are_described()
    {
        var definition = Parse(FirehoseHarness.CreateRequest(extra: """
            "DeliveryStreamType":"MSKAsSource","MSKSourceConfiguration":{"MSKClusterARN":"arn:external","TopicName":"orders",
              "BootstrapServers":"kafka:9092","ConsumerGroup":"g1","ReadFromTimestamp":0}
            """)) with
        {
            CreateTimestamp = Created,
            LastUpdateTimestamp = Created.AddSeconds(10),
            VersionId = 3,
            EncryptionEnabled = true,
        };
        definition = definition with { KafkaSource = definition.KafkaSource! with { DeliveryStartTimestamp = Created } };
        var description = Describe(new(definition, DeliveryStreamStatus.CreatingFailed, new DeliveryMetrics(), "topic orders does not exist"));
        Assert.Equal("CREATING_FAILED", description.GetProperty("DeliveryStreamStatus").GetString());
        Assert.Equal("topic orders does not exist", description.GetProperty("FailureDescription").GetProperty("Details").GetString());
        Assert.Equal("UNKNOWN_ERROR", description.GetProperty("FailureDescription").GetProperty("Type").GetString());
        Assert.Equal("ENABLED", description.GetProperty("DeliveryStreamEncryptionConfiguration").GetProperty("Status").GetString());
        Assert.Equal("3", description.GetProperty("VersionId").GetString());
        Assert.Equal("1795343425.25", description.GetProperty("LastUpdateTimestamp").GetRawText());
        var source = description.GetProperty("Source").GetProperty("MSKSourceDescription");
        Assert.Equal(("arn:external", "orders", "kafka:9092", "g1"), (source.GetProperty("MSKClusterARN").GetString(), source.GetProperty("TopicName").GetString(),
            source.GetProperty("BootstrapServers").GetString(), source.GetProperty("ConsumerGroup").GetString()));
        Assert.Equal("1795343415.25", source.GetProperty("DeliveryStartTimestamp").GetRawText());
        Assert.Equal(0m, source.GetProperty("ReadFromTimestamp").GetDecimal());
        Assert.False(source.TryGetProperty("AuthenticationConfiguration", out _));

        var kinesis = Parse(FirehoseHarness.CreateRequest(extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\",\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/clicks\",\"RoleARN\":\"arn:aws:iam::123456789012:role/r\"}"));
        var kinesisSource = Describe(new(kinesis, DeliveryStreamStatus.Creating, new DeliveryMetrics())).GetProperty("Source").GetProperty("KinesisStreamSourceDescription");
        Assert.Equal("arn:aws:kinesis:eu-west-1:123456789012:stream/clicks", kinesisSource.GetProperty("KinesisStreamARN").GetString());
        Assert.Equal("arn:aws:iam::123456789012:role/r", kinesisSource.GetProperty("RoleARN").GetString());
    }

    [Fact]
    public void Conversion_partitioning_backup_and_processors_are_described_with_their_defaults()
    {
        var definition = Parse(FirehoseHarness.CreateRequest(destination: """
            "ErrorOutputPrefix":"e/!{firehose:error-output-type}/","DynamicPartitioningConfiguration":{"Enabled":true},
            "ProcessingConfiguration":{"Processors":[{"Type":"AppendDelimiterToRecord"}]},
            "S3BackupMode":"Enabled","S3BackupConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","BucketARN":"arn:aws:s3:::backup","Prefix":"raw/"},
            "DataFormatConversionConfiguration":{"SchemaConfiguration":{"Schema":"id:int"},"InputFormatConfiguration":{"Deserializer":{"OpenXJsonSerDe":{}}},"OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{}}}},
            "FileExtension":".parquet","CustomTimeZone":"Asia/Tokyo"
            """));
        var extended = Describe(new(definition, DeliveryStreamStatus.Active, new DeliveryMetrics()))
            .GetProperty("Destinations")[0].GetProperty("ExtendedS3DestinationDescription");
        Assert.Equal(128, extended.GetProperty("BufferingHints").GetProperty("SizeInMBs").GetInt32());
        var processing = extended.GetProperty("ProcessingConfiguration");
        Assert.True(processing.GetProperty("Enabled").GetBoolean());
        Assert.Equal("AppendDelimiterToRecord", processing.GetProperty("Processors")[0].GetProperty("Type").GetString());
        var partitioning = extended.GetProperty("DynamicPartitioningConfiguration");
        Assert.True(partitioning.GetProperty("Enabled").GetBoolean());
        Assert.Equal(300, partitioning.GetProperty("RetryOptions").GetProperty("DurationInSeconds").GetInt32());
        var backup = extended.GetProperty("S3BackupDescription");
        Assert.Equal(("arn:aws:s3:::backup", "raw/"), (backup.GetProperty("BucketARN").GetString(), backup.GetProperty("Prefix").GetString()));
        Assert.Equal(5, backup.GetProperty("BufferingHints").GetProperty("SizeInMBs").GetInt32());
        var conversion = extended.GetProperty("DataFormatConversionConfiguration");
        Assert.True(conversion.GetProperty("Enabled").GetBoolean());
        Assert.Equal("id:int", conversion.GetProperty("SchemaConfiguration").GetProperty("Schema").GetString());
        var openX = conversion.GetProperty("InputFormatConfiguration").GetProperty("Deserializer").GetProperty("OpenXJsonSerDe");
        Assert.True(openX.GetProperty("CaseInsensitive").GetBoolean());
        Assert.False(openX.GetProperty("ConvertDotsInJsonKeysToUnderscores").GetBoolean());
        var parquet = conversion.GetProperty("OutputFormatConfiguration").GetProperty("Serializer").GetProperty("ParquetSerDe");
        Assert.Equal((268435456, 1048576, "SNAPPY", true, 0, "V1"), (parquet.GetProperty("BlockSizeBytes").GetInt32(), parquet.GetProperty("PageSizeBytes").GetInt32(),
            parquet.GetProperty("Compression").GetString(), parquet.GetProperty("EnableDictionaryCompression").GetBoolean(),
            parquet.GetProperty("MaxPaddingBytes").GetInt32(), parquet.GetProperty("WriterVersion").GetString()));
        Assert.Equal(".parquet", extended.GetProperty("FileExtension").GetString());
        Assert.Equal("Asia/Tokyo", extended.GetProperty("CustomTimeZone").GetString());
    }

    [Fact]
    public void Destinations_after_the_exclusive_start_id_are_none()
    {
        var definition = Parse(FirehoseHarness.CreateRequest());
        var description = new DeliveryStreamDescription(definition, DeliveryStreamStatus.Active, new DeliveryMetrics());
        Assert.Empty(Describe(description, "destinationId-000000000001").GetProperty("Destinations").EnumerateArray());
        Assert.Single(Describe(description, "destinationId-000000000000").GetProperty("Destinations").EnumerateArray());
    }

    public static TheoryData<string> Declarations => new()
    {
        FirehoseHarness.CreateRequest(),
        FirehoseHarness.CreateRequest("legacy", extra: "\"Tags\":[{\"Key\":\"b\",\"Value\":\"2\"},{\"Key\":\"a\",\"Value\":\"\"}],\"DeliveryStreamEncryptionConfigurationInput\":{\"KeyType\":\"AWS_OWNED_CMK\"}"),
        FirehoseHarness.CreateRequest("kinesis", extra: "\"DeliveryStreamType\":\"KinesisStreamAsSource\",\"KinesisStreamSourceConfiguration\":{\"KinesisStreamARN\":\"arn:aws:kinesis:eu-west-1:123456789012:stream/clicks\",\"RoleARN\":\"arn:aws:iam::123456789012:role/r\"}"),
        FirehoseHarness.CreateRequest("msk", extra: "\"DeliveryStreamType\":\"MSKAsSource\",\"MSKSourceConfiguration\":{\"MSKClusterARN\":\"arn:aws:kafka:eu-west-1:123456789012:cluster/tributary/x\",\"TopicName\":\"t\",\"AuthenticationConfiguration\":{\"RoleARN\":\"arn:aws:iam::123456789012:role/r\",\"Connectivity\":\"PUBLIC\"},\"ReadFromTimestamp\":1767225600.125}"),
        FirehoseHarness.CreateRequest("external", extra: "\"DeliveryStreamType\":\"MSKAsSource\",\"MSKSourceConfiguration\":{\"MSKClusterARN\":\"arn:x\",\"TopicName\":\"t\",\"BootstrapServers\":\"k:9092\",\"ConsumerGroup\":\"g\"}"),
        FirehoseHarness.CreateRequest("full", """
            "Prefix":"p/!{partitionKeyFromQuery:k}/","ErrorOutputPrefix":"e/!{firehose:error-output-type}/","BufferingHints":{"SizeInMBs":100,"IntervalInSeconds":60},
            "ProcessingConfiguration":{"Enabled":false,"Processors":[{"Type":"MetadataExtraction","Parameters":[{"ParameterName":"MetadataExtractionQuery","ParameterValue":"{k:.k}"},{"ParameterName":"JsonParsingEngine","ParameterValue":"JQ-1.6"}]}]},
            "S3BackupMode":"Enabled","S3BackupConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/firehose","BucketARN":"arn:aws:s3:::backup","Prefix":"raw/","ErrorOutputPrefix":"raw-e/","CompressionFormat":"GZIP"},
            "DataFormatConversionConfiguration":{"SchemaConfiguration":{"CatalogId":"1","DatabaseName":"d","TableName":"t","Region":"r","VersionId":"LATEST"},
              "InputFormatConfiguration":{"Deserializer":{"HiveJsonSerDe":{"TimestampFormats":["millis"]}}},
              "OutputFormatConfiguration":{"Serializer":{"ParquetSerDe":{"Compression":"UNCOMPRESSED","WriterVersion":"V2","EnableDictionaryCompression":false,"BlockSizeBytes":67108864,"PageSizeBytes":65536}}}},
            "DynamicPartitioningConfiguration":{"Enabled":true,"RetryOptions":{"DurationInSeconds":0}},"FileExtension":".x","CustomTimeZone":"America/New_York"
            """),
        FirehoseHarness.CreateRequest("openx", "\"DataFormatConversionConfiguration\":{\"Enabled\":false,\"InputFormatConfiguration\":{\"Deserializer\":{\"OpenXJsonSerDe\":{\"ColumnToJsonKeyMappings\":{\"a\":\"b.c\"},\"CaseInsensitive\":false}}}},\"CompressionFormat\":\"HADOOP_SNAPPY\""),
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void The_create_request_form_parses_back_to_the_same_definition(string request)
    {
        var definition = Parse(request);
        var written = FirehoseDescriptions.CreateRequestJson(definition);
        var reparsed = Parse(written);
        Assert.Equal(written, FirehoseDescriptions.CreateRequestJson(reparsed));
        // Spot checks that the comparison above is not vacuous.
        Assert.Equal(definition.Name, reparsed.Name);
        Assert.Equal(definition.Type, reparsed.Type);
        Assert.Equal(definition.Tags, reparsed.Tags);
        Assert.Equal(definition.KafkaSource?.ReadFromTimestamp, reparsed.KafkaSource?.ReadFromTimestamp);
        Assert.Equal(definition.Destination.Processing.Processors.Count, reparsed.Destination.Processing.Processors.Count);
        Assert.Equal(definition.Destination with { Processing = new(), FormatConversion = null }, reparsed.Destination with { Processing = new(), FormatConversion = null });
        Assert.Equal(definition.Destination.FormatConversion is null, reparsed.Destination.FormatConversion is null);
    }
}
