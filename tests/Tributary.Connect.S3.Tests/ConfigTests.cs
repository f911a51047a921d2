using Tributary.Connect.Errors;
using Tributary.Connect.S3.Config;

namespace Tributary.Connect.S3.Tests;

/// <summary>Confluent's keys, defaults and validation errors as the validate endpoint reports them.</summary>
public sealed class ConfigTests
{
    private static Dictionary<string, string> Minimal() => new()
    {
        ["name"] = "s3",
        ["connector.class"] = "io.confluent.connect.s3.S3SinkConnector",
        ["topics"] = "t",
        ["s3.bucket.name"] = "bucket",
        ["storage.class"] = "io.confluent.connect.s3.storage.S3Storage",
        ["format.class"] = "io.confluent.connect.s3.format.json.JsonFormat",
        ["flush.size"] = "3",
    };

    private static Dictionary<string, List<string>> Errors(Dictionary<string, string> config) =>
        new S3SinkConnector().Validate(config).Values.Where(v => v.ErrorMessages.Count > 0).ToDictionary(v => v.Name, v => v.ErrorMessages);

    [Fact]
    public void Defaults_are_Confluents()
    {
        var config = new S3SinkConnectorConfig(Minimal());
        Assert.Equal("us-west-2", config.GetString(S3SinkConfigDef.Region));
        Assert.Equal("topics", config.TopicsDirectory);
        Assert.Equal("/", config.DirectoryDelimiter);
        Assert.Equal("+", config.FileDelimiter);
        Assert.Equal(26214400, config.GetInt(S3SinkConfigDef.PartSize));
        Assert.Equal(-1L, config.GetLong(S3SinkConfigDef.RotateIntervalMs));
        Assert.Equal(-1L, config.GetLong(S3SinkConfigDef.RotateScheduleIntervalMs));
        Assert.Equal("NONE", config.GetString(S3SinkConfigDef.SchemaCompatibility));
        Assert.Equal(10, config.OffsetPadWidth);
        Assert.Equal("null", config.GetString(S3SinkConfigDef.AvroCodec));
        Assert.Equal("snappy", config.GetString(S3SinkConfigDef.ParquetCodec));
        Assert.Equal("none", config.GetString(S3SinkConfigDef.CompressionType));
        Assert.Equal(-1, config.GetInt(S3SinkConfigDef.CompressionLevel));
        Assert.Equal(3, config.GetInt(S3SinkConfigDef.PartRetries));
        Assert.Equal(200L, config.GetLong(S3SinkConfigDef.RetryBackoffMs));
        Assert.True(config.GetBoolean(S3SinkConfigDef.PathStyleAccess));
        Assert.Equal("fail", config.GetString(S3SinkConfigDef.BehaviorOnNullValues));
        Assert.Equal("io.confluent.connect.storage.partitioner.DefaultPartitioner", config.Partitioner);
        Assert.Equal("Wallclock", config.GetString(S3SinkConfigDef.TimestampExtractor));
        Assert.Equal("timestamp", config.GetString(S3SinkConfigDef.TimestampField));
        Assert.Equal(".bin", config.GetString(S3SinkConfigDef.ByteArrayExtension));
        Assert.Equal(5000L, config.GetLong(S3SinkConfigDef.RetryBackoff));
        Assert.True(config.GetBoolean(S3SinkConfigDef.RotateFileOnPartitionChange));
        Assert.Equal("io.confluent.connect.s3.format.avro.AvroFormat", config.GetClass(S3SinkConfigDef.KeysFormatClass));
    }

    [Fact]
    public void A_minimal_configuration_validates_without_errors() => Assert.Empty(Errors(Minimal()));

    [Fact]
    public void Missing_required_keys_are_reported_per_key()
    {
        var errors = Errors(new Dictionary<string, string> { ["connector.class"] = "io.confluent.connect.s3.S3SinkConnector" });
        Assert.Contains("Missing required configuration \"s3.bucket.name\" which has no default value.", errors["s3.bucket.name"]);
        Assert.Contains("Missing required configuration \"flush.size\" which has no default value.", errors["flush.size"]);
        Assert.Contains("Missing required configuration \"format.class\" which has no default value.", errors["format.class"]);
        Assert.Contains("Missing required configuration \"storage.class\" which has no default value.", errors["storage.class"]);
    }

    [Fact]
    public void Ranges_and_choices_are_checked_with_Kafkas_messages()
    {
        var config = Minimal();
        config["s3.part.size"] = "1000";
        config["s3.compression.type"] = "zstd";
        config["s3.region"] = "mars-north-1";
        config["schema.compatibility"] = "SOMETIMES";
        var errors = Errors(config);
        Assert.Equal("Invalid value 1000 for configuration s3.part.size: Value must be no less than 5242880", Assert.Single(errors["s3.part.size"]));
        Assert.StartsWith("Invalid value zstd for configuration s3.compression.type: String must be one of: none, gzip", Assert.Single(errors["s3.compression.type"]));
        Assert.Single(errors["s3.region"]);
        Assert.Single(errors["schema.compatibility"]);
    }

    [Fact]
    public void Time_based_partitioners_need_locale_timezone_path_format_and_duration()
    {
        var config = Minimal();
        config["partitioner.class"] = "io.confluent.connect.storage.partitioner.TimeBasedPartitioner";
        var errors = Errors(config);
        Assert.Equal(["Locale cannot be empty."], errors["locale"]);
        Assert.Equal(["Timezone cannot be empty."], errors["timezone"]);
        Assert.Equal(["Path format cannot be empty."], errors["path.format"]);
        Assert.Equal(["Partition duration needs to be a positive."], errors["partition.duration.ms"]);
        config["locale"] = "en-US";
        config["timezone"] = "UTC";
        config["path.format"] = "YYYY-MM-dd";
        config["partition.duration.ms"] = "86400000";
        Assert.Empty(Errors(config));
        var exception = Assert.Throws<ConfigException>(() => new S3SinkConnectorConfig(new Dictionary<string, string>(config) { ["timezone"] = "" }));
        Assert.Equal("Invalid value  for configuration timezone: Timezone cannot be empty.", exception.Message);
    }

    [Fact]
    public void Cross_key_rules_of_Confluents_validator()
    {
        var config = Minimal();
        config["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat";
        config["s3.compression.type"] = "gzip";
        config["rotate.schedule.interval.ms"] = "60000";
        config["behavior.on.null.values"] = "write";
        config["s3.wan.mode"] = "true";
        config["headers.format.class"] = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat";
        config["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat";
        var errors = Errors(config);
        Assert.Contains("s3.compression.type", errors.Keys);
        Assert.Equal(["Timezone cannot be empty when using scheduled file rotation."], errors["timezone"]);
        Assert.Contains("behavior.on.null.values", errors.Keys);
        Assert.Contains("s3.wan.mode", errors.Keys);
        Assert.Contains("Cannot use ByteArrayFormat for headers", Assert.Single(errors["headers.format.class"]));
    }

    [Fact]
    public void Unknown_classes_are_refused()
    {
        var config = Minimal();
        config["format.class"] = "com.example.CsvFormat";
        config["partitioner.class"] = "com.example.MyPartitioner";
        config["storage.class"] = "io.confluent.connect.hdfs.storage.HdfsStorage";
        var errors = Errors(config);
        Assert.Contains("format.class", errors.Keys);
        Assert.Contains("partitioner.class", errors.Keys);
        Assert.Contains("storage.class", errors.Keys);
    }
}
