using System.Buffers;
using System.Globalization;
using System.Text;
using Tributary.Aws;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>
/// The delivery model → Firehose JSON, in one place so the API and the configuration file agree:
/// <see cref="WriteDescription"/> answers DescribeDeliveryStream; <see cref="WriteCreateRequest"/> writes a definition
/// back as the CreateDeliveryStream request <see cref="FirehoseDefinitions.ParseCreate"/> reads (the configuration
/// file's format), so <c>ParseCreate(CreateRequestJson(d))</c> gives <c>d</c> again. Defaults are written out as
/// Firehose shows them (BufferingHints 5/300, CompressionFormat UNCOMPRESSED, EncryptionConfiguration NoEncryption,
/// S3BackupMode Disabled, the Parquet defaults). Stateless and thread-safe.
/// </summary>
public static class FirehoseDescriptions
{
    /// <summary>The DeliveryStreamDescription member of DescribeDeliveryStream's answer.</summary>
    public static void WriteDescription(AwsResponseWriter writer, DeliveryStreamDescription description, FirehoseOptions options, string? exclusiveStartDestinationId = null)
    {
        var definition = description.Definition;
        writer.WriteStartObject("DeliveryStreamDescription");
        writer.WriteString("DeliveryStreamName", definition.Name);
        writer.WriteString("DeliveryStreamARN", options.StreamArn(definition.Name));
        writer.WriteString("DeliveryStreamStatus", StatusName(description.Status));
        if (description.FailureDescription is { } failure)
        {
            writer.WriteStartObject("FailureDescription");
            writer.WriteString("Type", "UNKNOWN_ERROR");
            writer.WriteString("Details", failure);
            writer.WriteEndObject();
        }
        writer.WriteStartObject("DeliveryStreamEncryptionConfiguration");
        if (definition.EncryptionEnabled)
        {
            writer.WriteString("KeyType", "AWS_OWNED_CMK");
        }
        writer.WriteString("Status", definition.EncryptionEnabled ? "ENABLED" : "DISABLED");
        writer.WriteEndObject();
        writer.WriteString("DeliveryStreamType", definition.Type.ToString());
        writer.WriteString("VersionId", definition.VersionId.ToString(CultureInfo.InvariantCulture));
        writer.WriteTimestamp("CreateTimestamp", definition.CreateTimestamp);
        if (definition.LastUpdateTimestamp is { } updated)
        {
            writer.WriteTimestamp("LastUpdateTimestamp", updated);
        }
        WriteSource(writer, definition);
        writer.WriteStartArray("Destinations");
        var destination = definition.Destination;
        if (exclusiveStartDestinationId is null || string.CompareOrdinal(destination.DestinationId, exclusiveStartDestinationId) > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("DestinationId", destination.DestinationId);
            writer.WriteStartObject("S3DestinationDescription");
            WritePlainS3(writer, destination.RoleArn, destination.BucketArn, destination.Prefix, destination.ErrorOutputPrefix,
                destination.BufferSizeInMBs, destination.BufferIntervalInSeconds, destination.Compression, describe: true);
            writer.WriteEndObject();
            writer.WriteStartObject("ExtendedS3DestinationDescription");
            WriteExtendedS3(writer, destination, describe: true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteBoolean("HasMoreDestinations", false);
        writer.WriteEndObject();
    }

    /// <summary>The members of a CreateDeliveryStream request that declares <paramref name="definition"/> (inside an open object).</summary>
    public static void WriteCreateRequest(AwsResponseWriter writer, DeliveryStreamDefinition definition)
    {
        writer.WriteString("DeliveryStreamName", definition.Name);
        writer.WriteString("DeliveryStreamType", definition.Type.ToString());
        if (definition.KinesisSource is { } kinesis)
        {
            writer.WriteStartObject("KinesisStreamSourceConfiguration");
            writer.WriteString("KinesisStreamARN", kinesis.StreamArn);
            WriteIfSet(writer, "RoleARN", kinesis.RoleArn);
            writer.WriteEndObject();
        }
        if (definition.KafkaSource is { } kafka)
        {
            writer.WriteStartObject("MSKSourceConfiguration");
            WriteKafkaSource(writer, kafka, describe: false);
            writer.WriteEndObject();
        }
        if (definition.EncryptionEnabled)
        {
            writer.WriteStartObject("DeliveryStreamEncryptionConfigurationInput");
            writer.WriteString("KeyType", "AWS_OWNED_CMK");
            writer.WriteEndObject();
        }
        writer.WriteStartObject("ExtendedS3DestinationConfiguration");
        WriteExtendedS3(writer, definition.Destination, describe: false);
        writer.WriteEndObject();
        if (definition.Tags.Count > 0)
        {
            writer.WriteStartArray("Tags");
            foreach (var (key, value) in definition.Tags)
            {
                writer.WriteStartObject();
                writer.WriteString("Key", key);
                writer.WriteString("Value", value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }

    /// <summary><see cref="WriteCreateRequest"/> as a JSON document (the configuration file's form of one stream).</summary>
    public static string CreateRequestJson(DeliveryStreamDefinition definition)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new JsonResponseWriter(output);
        writer.WriteStartObject();
        WriteCreateRequest(writer, definition);
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public static string StatusName(DeliveryStreamStatus status) => status switch
    {
        DeliveryStreamStatus.Creating => "CREATING",
        DeliveryStreamStatus.CreatingFailed => "CREATING_FAILED",
        DeliveryStreamStatus.Deleting => "DELETING",
        _ => "ACTIVE",
    };

    private static void WriteSource(AwsResponseWriter writer, DeliveryStreamDefinition definition)
    {
        if (definition.KinesisSource is { } kinesis)
        {
            writer.WriteStartObject("Source");
            writer.WriteStartObject("KinesisStreamSourceDescription");
            writer.WriteString("KinesisStreamARN", kinesis.StreamArn);
            WriteIfSet(writer, "RoleARN", kinesis.RoleArn);
            if (kinesis.DeliveryStartTimestamp is { } start)
            {
                writer.WriteTimestamp("DeliveryStartTimestamp", start);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (definition.KafkaSource is { } kafka)
        {
            writer.WriteStartObject("Source");
            writer.WriteStartObject("MSKSourceDescription");
            WriteKafkaSource(writer, kafka, describe: true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    private static void WriteKafkaSource(AwsResponseWriter writer, KafkaSourceDefinition kafka, bool describe)
    {
        writer.WriteString("MSKClusterARN", kafka.ClusterArn);
        writer.WriteString("TopicName", kafka.TopicName);
        if (kafka.RoleArn is not null || kafka.Connectivity is not null)
        {
            writer.WriteStartObject("AuthenticationConfiguration");
            WriteIfSet(writer, "RoleARN", kafka.RoleArn);
            WriteIfSet(writer, "Connectivity", kafka.Connectivity);
            writer.WriteEndObject();
        }
        if (describe && kafka.DeliveryStartTimestamp is { } start)
        {
            writer.WriteTimestamp("DeliveryStartTimestamp", start);
        }
        if (kafka.ReadFromTimestamp is { } readFrom)
        {
            writer.WriteTimestamp("ReadFromTimestamp", readFrom);
        }
        // Tributary's extensions (AWS clients ignore members their model does not list).
        WriteIfSet(writer, "BootstrapServers", kafka.BootstrapServers);
        WriteIfSet(writer, "ConsumerGroup", kafka.ConsumerGroup);
    }

    /// <summary>ExtendedS3DestinationDescription (<paramref name="describe"/>) or ExtendedS3DestinationConfiguration members.</summary>
    private static void WriteExtendedS3(AwsResponseWriter writer, S3DestinationDefinition destination, bool describe)
    {
        WritePlainS3(writer, destination.RoleArn, destination.BucketArn, destination.Prefix, destination.ErrorOutputPrefix,
            destination.BufferSizeInMBs, destination.BufferIntervalInSeconds, destination.Compression, describe);
        if (describe || destination.Processing.Enabled || destination.Processing.Processors.Count > 0)
        {
            WriteProcessing(writer, destination.Processing);
        }
        writer.WriteString("S3BackupMode", destination.S3BackupMode);
        if (destination.BackupBucketArn is not null)
        {
            writer.WriteStartObject(describe ? "S3BackupDescription" : "S3BackupConfiguration");
            // The model keeps no separate role or buffering for the backup: the destination's role and Firehose's defaults.
            WritePlainS3(writer, destination.RoleArn, destination.BackupBucketArn, destination.BackupPrefix, destination.BackupErrorOutputPrefix,
                describe ? FirehoseDefinitions.DefaultBufferSizeInMBs : null, describe ? FirehoseDefinitions.DefaultBufferIntervalInSeconds : null,
                destination.BackupCompression, describe);
            writer.WriteEndObject();
        }
        if (destination.FormatConversion is { } conversion)
        {
            WriteConversion(writer, conversion);
        }
        if (destination.DynamicPartitioning)
        {
            writer.WriteStartObject("DynamicPartitioningConfiguration");
            writer.WriteStartObject("RetryOptions");
            writer.WriteNumber("DurationInSeconds", destination.DynamicPartitioningRetrySeconds);
            writer.WriteEndObject();
            writer.WriteBoolean("Enabled", true);
            writer.WriteEndObject();
        }
        WriteIfSet(writer, "FileExtension", destination.FileExtension);
        WriteIfSet(writer, "CustomTimeZone", destination.CustomTimeZone);
    }

    /// <summary>S3DestinationDescription / S3DestinationConfiguration members; buffering is omitted when null.</summary>
    private static void WritePlainS3(AwsResponseWriter writer, string? roleArn, string bucketArn, string? prefix, string? errorOutputPrefix,
        int? sizeInMBs, int? intervalInSeconds, CompressionFormat compression, bool describe)
    {
        WriteIfSet(writer, "RoleARN", roleArn);
        writer.WriteString("BucketARN", bucketArn);
        WriteIfSet(writer, "Prefix", prefix);
        WriteIfSet(writer, "ErrorOutputPrefix", errorOutputPrefix);
        if (sizeInMBs is { } size && intervalInSeconds is { } interval)
        {
            writer.WriteStartObject("BufferingHints");
            writer.WriteNumber("SizeInMBs", size);
            writer.WriteNumber("IntervalInSeconds", interval);
            writer.WriteEndObject();
        }
        writer.WriteString("CompressionFormat", S3Section.CompressionName(compression));
        if (describe)
        {
            writer.WriteStartObject("EncryptionConfiguration");
            writer.WriteString("NoEncryptionConfig", "NoEncryption");
            writer.WriteEndObject();
            writer.WriteStartObject("CloudWatchLoggingOptions");
            writer.WriteBoolean("Enabled", false);
            writer.WriteEndObject();
        }
    }

    private static void WriteProcessing(AwsResponseWriter writer, ProcessingDefinition processing)
    {
        writer.WriteStartObject("ProcessingConfiguration");
        writer.WriteBoolean("Enabled", processing.Enabled);
        writer.WriteStartArray("Processors");
        foreach (var processor in processing.Processors)
        {
            writer.WriteStartObject();
            writer.WriteString("Type", processor.Type);
            if (processor.Parameters.Count > 0)
            {
                writer.WriteStartArray("Parameters");
                foreach (var (name, value) in processor.Parameters)
                {
                    writer.WriteStartObject();
                    writer.WriteString("ParameterName", name);
                    writer.WriteString("ParameterValue", value);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteConversion(AwsResponseWriter writer, FormatConversionDefinition conversion)
    {
        writer.WriteStartObject("DataFormatConversionConfiguration");
        if (conversion.CatalogId is not null || conversion.DatabaseName is not null || conversion.TableName is not null
            || conversion.Region is not null || conversion.VersionId is not null || conversion.InlineSchema is not null || conversion.RegistrySubject is not null)
        {
            writer.WriteStartObject("SchemaConfiguration");
            WriteIfSet(writer, "CatalogId", conversion.CatalogId);
            WriteIfSet(writer, "DatabaseName", conversion.DatabaseName);
            WriteIfSet(writer, "TableName", conversion.TableName);
            WriteIfSet(writer, "Region", conversion.Region);
            WriteIfSet(writer, "VersionId", conversion.VersionId);
            WriteIfSet(writer, "Schema", conversion.InlineSchema);
            WriteIfSet(writer, "RegistrySubject", conversion.RegistrySubject);
            writer.WriteEndObject();
        }
        writer.WriteStartObject("InputFormatConfiguration");
        writer.WriteStartObject("Deserializer");
        if (conversion.InputSerDe == "HiveJsonSerDe")
        {
            writer.WriteStartObject("HiveJsonSerDe");
            writer.WriteStartArray("TimestampFormats");
            foreach (var format in conversion.TimestampFormats)
            {
                writer.WriteStringValue(format);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartObject("OpenXJsonSerDe");
            writer.WriteBoolean("ConvertDotsInJsonKeysToUnderscores", conversion.ConvertDotsInJsonKeysToUnderscores);
            writer.WriteBoolean("CaseInsensitive", conversion.CaseInsensitive);
            if (conversion.ColumnToJsonKeyMappings.Count > 0)
            {
                writer.WriteStartObject("ColumnToJsonKeyMappings");
                foreach (var (column, key) in conversion.ColumnToJsonKeyMappings)
                {
                    writer.WriteString(column, key);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("OutputFormatConfiguration");
        writer.WriteStartObject("Serializer");
        if (conversion.OutputFormat == "ORC")
        {
            writer.WriteStartObject("OrcSerDe");
            writer.WriteNumber("StripeSizeBytes", conversion.OrcStripeSizeBytes);
            writer.WriteNumber("BlockSizeBytes", conversion.OrcBlockSizeBytes);
            writer.WriteNumber("RowIndexStride", conversion.OrcRowIndexStride);
            writer.WriteBoolean("EnablePadding", conversion.OrcEnablePadding);
            writer.WriteDouble("PaddingTolerance", conversion.OrcPaddingTolerance);
            writer.WriteString("Compression", conversion.OrcCompression);
            if (conversion.OrcBloomFilterColumns.Count > 0)
            {
                writer.WriteStartArray("BloomFilterColumns");
                foreach (var column in conversion.OrcBloomFilterColumns)
                {
                    writer.WriteStringValue(column);
                }
                writer.WriteEndArray();
            }
            writer.WriteDouble("BloomFilterFalsePositiveProbability", conversion.OrcBloomFilterFalsePositiveProbability);
            if (conversion.OrcDictionaryKeyThreshold is { } threshold)
            {
                writer.WriteDouble("DictionaryKeyThreshold", threshold);
            }
            writer.WriteString("FormatVersion", conversion.OrcFormatVersion);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartObject("ParquetSerDe");
            writer.WriteNumber("BlockSizeBytes", conversion.ParquetBlockSizeBytes);
            writer.WriteNumber("PageSizeBytes", conversion.ParquetPageSizeBytes);
            writer.WriteString("Compression", conversion.ParquetCompression);
            writer.WriteBoolean("EnableDictionaryCompression", conversion.EnableDictionaryCompression);
            writer.WriteNumber("MaxPaddingBytes", 0);
            writer.WriteString("WriterVersion", conversion.WriterVersion);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteBoolean("Enabled", conversion.Enabled);
        writer.WriteEndObject();
    }

    private static void WriteIfSet(AwsResponseWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
