using System.Text.Json;
using Tributary.Aws;
using Tributary.Delivery.Compression;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>
/// One S3 destination section as given: ExtendedS3DestinationConfiguration / S3DestinationConfiguration (create) or
/// ExtendedS3DestinationUpdate / S3DestinationUpdate (update). <see cref="Read"/> checks members against the service
/// model; <see cref="Build"/> merges the given members onto the current destination (or Firehose's defaults) and
/// checks the rules between members. A null member means "not given".
/// </summary>
internal sealed class S3Section
{
    private string? _roleArn;
    private string? _bucketArn;
    private string? _prefix;
    private string? _errorOutputPrefix;
    private int? _sizeInMBs;
    private int? _intervalInSeconds;
    private bool _hintsGiven;
    private string? _compression;
    private bool _bothEncryptions;
    private ProcessingDefinition? _processing;
    private string? _backupMode;
    private S3Section? _backup;
    private FormatConversionDefinition? _conversion;
    private bool? _dynamicPartitioning;
    private int? _retrySeconds;
    private string? _fileExtension;
    private string? _customTimeZone;
    private readonly List<string> _unsupported = [];

    public static S3Section Read(JsonElement section, string path, bool extended, bool update, AwsValidation validation)
    {
        var result = new S3Section
        {
            _roleArn = section.GetString("RoleARN"),
            _bucketArn = section.GetString("BucketARN"),
            _prefix = section.GetString("Prefix"),
            _errorOutputPrefix = section.GetString("ErrorOutputPrefix"),
            _compression = section.GetString("CompressionFormat"),
        };
        // Each member's checks together, members in the model's order: AWS lists violations in that order.
        if (!update)
        {
            validation.Required(result._roleArn, path + ".roleARN");
        }
        FirehoseDefinitions.ValidateRoleArn(validation, result._roleArn, path + ".roleARN");
        if (!update)
        {
            validation.Required(result._bucketArn, path + ".bucketARN");
        }
        validation.Length(result._bucketArn, 1, 2048, path + ".bucketARN")
            .Pattern(result._bucketArn, FirehoseShapes.BucketArn(), FirehoseShapes.BucketArnPattern, path + ".bucketARN");
        validation.Length(result._prefix, 0, 1024, path + ".prefix")
            .Pattern(result._prefix, FirehoseShapes.AnyLine(), FirehoseShapes.AnyLinePattern, path + ".prefix");
        validation.Length(result._errorOutputPrefix, 0, 1024, path + ".errorOutputPrefix")
            .Pattern(result._errorOutputPrefix, FirehoseShapes.AnyLine(), FirehoseShapes.AnyLinePattern, path + ".errorOutputPrefix");
        if (section.GetElement("BufferingHints", JsonValueKind.Object) is { } hints)
        {
            result._hintsGiven = true;
            result._sizeInMBs = hints.GetInt32("SizeInMBs");
            result._intervalInSeconds = hints.GetInt32("IntervalInSeconds");
            validation.Range(result._sizeInMBs, 1, 128, path + ".bufferingHints.sizeInMBs");
            validation.Range(result._intervalInSeconds, 0, 900, path + ".bufferingHints.intervalInSeconds");
        }
        validation.Enum(result._compression, FirehoseShapes.CompressionFormats, path + ".compressionFormat");
        if (section.GetElement("EncryptionConfiguration", JsonValueKind.Object) is { } encryption)
        {
            // Accepted and validated; Tributary writes objects unencrypted (described as NoEncryption).
            var none = encryption.GetString("NoEncryptionConfig");
            validation.Enum(none, FirehoseShapes.NoEncryptionConfigs, path + ".encryptionConfiguration.noEncryptionConfig");
            if (encryption.GetElement("KMSEncryptionConfig", JsonValueKind.Object) is { } kms)
            {
                var keyArn = kms.GetString("AWSKMSKeyARN");
                var keyPath = path + ".encryptionConfiguration.kMSEncryptionConfig.aWSKMSKeyARN";
                validation.Required(keyArn, keyPath).Length(keyArn, 1, 512, keyPath).Pattern(keyArn, FirehoseShapes.KmsKeyArn(), FirehoseShapes.KmsKeyArnPattern, keyPath);
                result._bothEncryptions = none is not null;
            }
        }
        if (section.GetElement("CloudWatchLoggingOptions", JsonValueKind.Object) is { } logging)
        {
            // Accepted and ignored: Tributary logs delivery errors to its own log and counts them in its metrics.
            logging.GetBoolean("Enabled");
            var group = logging.GetString("LogGroupName");
            var stream = logging.GetString("LogStreamName");
            validation.Length(group, 0, 512, path + ".cloudWatchLoggingOptions.logGroupName")
                .Pattern(group, FirehoseShapes.LogGroupName(), FirehoseShapes.LogGroupNamePattern, path + ".cloudWatchLoggingOptions.logGroupName");
            validation.Length(stream, 0, 512, path + ".cloudWatchLoggingOptions.logStreamName")
                .Pattern(stream, FirehoseShapes.LogStreamName(), FirehoseShapes.LogStreamNamePattern, path + ".cloudWatchLoggingOptions.logStreamName");
        }
        if (!extended)
        {
            return result;
        }
        if (section.GetElement("ProcessingConfiguration", JsonValueKind.Object) is { } processing)
        {
            result._processing = ProcessingReader.Read(processing, path + ".processingConfiguration", validation, result._unsupported);
        }
        result._backupMode = section.GetString("S3BackupMode");
        validation.Enum(result._backupMode, FirehoseShapes.S3BackupModes, path + ".s3BackupMode");
        var backupMember = update ? "S3BackupUpdate" : "S3BackupConfiguration";
        if (section.GetElement(backupMember, JsonValueKind.Object) is { } backup)
        {
            result._backup = Read(backup, path + "." + FirehoseDefinitions.Camel(backupMember), extended: false, update, validation);
        }
        if (section.GetElement("DataFormatConversionConfiguration", JsonValueKind.Object) is { } conversion)
        {
            result._conversion = ConversionReader.Read(conversion, path + ".dataFormatConversionConfiguration", validation, result._unsupported);
        }
        if (section.GetElement("DynamicPartitioningConfiguration", JsonValueKind.Object) is { } dynamic)
        {
            result._dynamicPartitioning = dynamic.GetBoolean("Enabled") ?? false;
            if (dynamic.GetElement("RetryOptions", JsonValueKind.Object) is { } retry)
            {
                result._retrySeconds = retry.GetInt32("DurationInSeconds");
                validation.Range(result._retrySeconds, 0, 7200, path + ".dynamicPartitioningConfiguration.retryOptions.durationInSeconds");
            }
        }
        result._fileExtension = section.GetString("FileExtension");
        validation.Length(result._fileExtension, 0, 128, path + ".fileExtension")
            .Pattern(result._fileExtension, FirehoseShapes.FileExtension(), FirehoseShapes.FileExtensionPattern, path + ".fileExtension");
        result._customTimeZone = section.GetString("CustomTimeZone");
        validation.Length(result._customTimeZone, 0, 50, path + ".customTimeZone")
            .Pattern(result._customTimeZone, FirehoseShapes.CustomTimeZone(), FirehoseShapes.CustomTimeZonePattern, path + ".customTimeZone");
        return result;
    }

    /// <summary>
    /// The destination with this section's members applied to <paramref name="current"/> (null: a new destination with
    /// Firehose's defaults). Rule violations are added to <paramref name="invalid"/> (the first is reported).
    /// </summary>
    public S3DestinationDefinition Build(S3DestinationDefinition? current, List<string> invalid)
    {
        invalid.AddRange(_unsupported);
        if (_bucketArn is not null)
        {
            CheckBucketArn(_bucketArn, "BucketARN", invalid);
        }
        if (_bothEncryptions)
        {
            invalid.Add("EncryptionConfiguration takes either NoEncryptionConfig or KMSEncryptionConfig, not both.");
        }
        if (current is null && _hintsGiven && (_sizeInMBs is null) != (_intervalInSeconds is null))
        {
            invalid.Add("BufferingHints must specify both SizeInMBs and IntervalInSeconds, or neither.");
        }
        var baseline = current ?? new S3DestinationDefinition { BucketArn = _bucketArn ?? "" };
        var conversion = _conversion ?? baseline.FormatConversion;
        var converting = conversion is { Enabled: true };
        var size = _sizeInMBs ?? baseline.BufferSizeInMBs;
        if (converting && _sizeInMBs is null && (current is null || size < FirehoseDefinitions.ConversionMinimumBufferSizeInMBs))
        {
            size = FirehoseDefinitions.ConversionDefaultBufferSizeInMBs;
        }
        var interval = _intervalInSeconds ?? baseline.BufferIntervalInSeconds;
        var compression = _compression is null ? baseline.Compression : ParseCompression(_compression);
        if (converting && size < FirehoseDefinitions.ConversionMinimumBufferSizeInMBs)
        {
            invalid.Add($"BufferingHints.SizeInMBs must be at least {FirehoseDefinitions.ConversionMinimumBufferSizeInMBs} when data format conversion is enabled; it is {size}.");
        }
        if (converting && compression != CompressionFormat.Uncompressed)
        {
            invalid.Add("CompressionFormat must be UNCOMPRESSED when data format conversion is enabled: the serializer compresses (ParquetSerDe.Compression or OrcSerDe.Compression).");
        }

        var dynamic = baseline.DynamicPartitioning;
        if (_dynamicPartitioning is { } enabled)
        {
            if (current is not null && enabled != current.DynamicPartitioning)
            {
                invalid.Add(enabled
                    ? "Dynamic partitioning can be enabled only when the delivery stream is created."
                    : "Dynamic partitioning cannot be disabled once enabled.");
            }
            dynamic = current?.DynamicPartitioning ?? enabled;
        }
        var errorOutputPrefix = _errorOutputPrefix ?? baseline.ErrorOutputPrefix;
        if (dynamic && string.IsNullOrEmpty(errorOutputPrefix))
        {
            invalid.Add("ErrorOutputPrefix is required when dynamic partitioning is enabled.");
        }
        if (dynamic && interval == 0)
        {
            invalid.Add("BufferingHints.IntervalInSeconds 0 (zero buffering) is not available with dynamic partitioning.");
        }

        var backupMode = _backupMode ?? baseline.S3BackupMode;
        if (current is { S3BackupMode: "Enabled" } && backupMode == "Disabled")
        {
            invalid.Add("S3BackupMode cannot be changed from Enabled to Disabled.");
        }
        var backupBucket = _backup?._bucketArn ?? baseline.BackupBucketArn;
        if (_backup?._bucketArn is { } givenBackupBucket)
        {
            CheckBucketArn(givenBackupBucket, "S3BackupConfiguration.BucketARN", invalid);
        }
        if (_backup is not null)
        {
            invalid.AddRange(_backup._unsupported);
            if (_backup._intervalInSeconds == 0)
            {
                invalid.Add("BufferingHints.IntervalInSeconds 0 (zero buffering) is not available for the S3 backup.");
            }
        }
        if (backupMode == "Enabled" && backupBucket is null)
        {
            invalid.Add("S3BackupConfiguration is required when S3BackupMode is Enabled.");
        }

        var timeZone = _customTimeZone ?? baseline.CustomTimeZone;
        if (timeZone is { Length: 0 })
        {
            timeZone = null;
        }
        if (_customTimeZone is { Length: > 0 } && !TimeZoneInfo.TryFindSystemTimeZoneById(_customTimeZone, out _))
        {
            invalid.Add($"CustomTimeZone '{_customTimeZone}' is not a known time zone.");
        }

        return baseline with
        {
            RoleArn = _roleArn ?? baseline.RoleArn,
            BucketArn = _bucketArn ?? baseline.BucketArn,
            Prefix = _prefix ?? baseline.Prefix,
            ErrorOutputPrefix = errorOutputPrefix,
            BufferSizeInMBs = size,
            BufferIntervalInSeconds = interval,
            Compression = compression,
            FileExtension = _fileExtension ?? baseline.FileExtension,
            CustomTimeZone = timeZone,
            Processing = _processing ?? baseline.Processing,
            FormatConversion = conversion,
            DynamicPartitioning = dynamic,
            DynamicPartitioningRetrySeconds = _retrySeconds ?? baseline.DynamicPartitioningRetrySeconds,
            S3BackupMode = backupMode,
            BackupBucketArn = backupBucket,
            BackupPrefix = _backup?._prefix ?? baseline.BackupPrefix,
            BackupErrorOutputPrefix = _backup?._errorOutputPrefix ?? baseline.BackupErrorOutputPrefix,
            BackupCompression = _backup?._compression is { } backupCompression ? ParseCompression(backupCompression) : baseline.BackupCompression,
        };
    }

    /// <summary>Firehose's CompressionFormat names (already validated against the enum).</summary>
    public static CompressionFormat ParseCompression(string text) => text switch
    {
        "GZIP" => CompressionFormat.Gzip,
        "ZIP" => CompressionFormat.Zip,
        "Snappy" => CompressionFormat.Snappy,
        "HADOOP_SNAPPY" => CompressionFormat.HadoopSnappy,
        _ => CompressionFormat.Uncompressed,
    };

    public static string CompressionName(CompressionFormat format) => format switch
    {
        CompressionFormat.Gzip => "GZIP",
        CompressionFormat.Zip => "ZIP",
        CompressionFormat.Snappy => "Snappy",
        CompressionFormat.HadoopSnappy => "HADOOP_SNAPPY",
        _ => "UNCOMPRESSED",
    };

    private static void CheckBucketArn(string arn, string member, List<string> invalid)
    {
        const string prefix = "arn:aws:s3:::";
        if (!arn.StartsWith(prefix, StringComparison.Ordinal) || !FirehoseShapes.BucketName().IsMatch(arn[prefix.Length..]))
        {
            invalid.Add($"{member} '{arn}' must be arn:aws:s3:::BUCKET with a valid bucket name (3–63 lower-case letters, digits, dots and hyphens).");
        }
    }
}
