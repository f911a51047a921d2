using Tributary.Delivery.Compression;
using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Model;
using Tributary.Firehose.Naming;
using Tributary.Firehose.Processing;
using Tributary.ObjectStores;

namespace Tributary.Firehose.Objects;

/// <summary>
/// A delivery stream's objects: data objects in the destination bucket (the records through the destination's
/// compression, or converted to Parquet), error objects in the same bucket under ErrorOutputPrefix (JSON lines,
/// compressed like the data unless the data is converted), and source-record backups in the backup bucket. Keys come
/// from <see cref="ObjectKeys"/>. The spool suffixes (.obj, .parquet, .err, .bak) name spool files in the state
/// file's pending objects: keep them.
/// </summary>
internal sealed class DestinationObjects : IObjectLayout<ProcessedRecord>
{
    private readonly ObjectKeys _keys;
    private readonly string _bucket;
    private readonly string? _backupBucket;
    private readonly IObjectEncoder<ProcessedRecord> _data;
    private readonly string _dataSuffix;
    private readonly ErrorObjectEncoder _errors;
    private readonly RawObjectEncoder _backup;

    /// <param name="keys">The stream's object keys.</param>
    /// <param name="lambdaArn">The transformation's LambdaArn, written into processing-failed records; null without one.</param>
    /// <param name="tables">Where format conversion's SchemaConfiguration tables are resolved.</param>
    public DestinationObjects(DeliveryStreamDefinition definition, ObjectKeys keys, string? lambdaArn, Tributary.Formats.Json.ITableSchemas tables)
    {
        var destination = definition.Destination;
        _keys = keys;
        _bucket = S3Names.BucketFromArn(destination.BucketArn);
        _backupBucket = destination is { S3BackupMode: "Enabled", BackupBucketArn: { } backup } ? S3Names.BucketFromArn(backup) : null;
        Buckets = _backupBucket is null ? [_bucket] : [_bucket, _backupBucket];
        var converts = destination.FormatConversion is { Enabled: true };
        var orc = converts && destination.FormatConversion!.OutputFormat == "ORC";
        _data = orc ? new OrcObjectEncoder(destination.FormatConversion!, tables)
            : converts ? new ParquetObjectEncoder(destination.FormatConversion!, tables)
            : new RawObjectEncoder(destination.Compression);
        _dataSuffix = orc ? ".orc" : converts ? ".parquet" : ".obj";
        _errors = new ErrorObjectEncoder(converts ? CompressionFormat.Uncompressed : destination.Compression, lambdaArn, destination.FormatConversion);
        _backup = new RawObjectEncoder(destination.BackupCompression);
    }

    /// <summary>The destination bucket, then the backup bucket when S3BackupMode is Enabled.</summary>
    public IReadOnlyList<string> Buckets { get; }

    public ObjectPlan<ProcessedRecord> Plan(RecordBuffer<ProcessedRecord> buffer, string objectId)
    {
        if (buffer.IsSourceCopy)
        {
            return new ObjectPlan<ProcessedRecord> { Bucket = _backupBucket!, Key = _keys.BackupKey(buffer.OldestArrivalMs, objectId), SpoolSuffix = ".bak", Encoder = _backup };
        }
        if (buffer.ErrorOutputType is { } errorType)
        {
            // Firehose writes error output to the destination bucket, under ErrorOutputPrefix.
            return new ObjectPlan<ProcessedRecord> { Bucket = _bucket, Key = _keys.ErrorKey(errorType, buffer.OldestArrivalMs, objectId), SpoolSuffix = ".err", Encoder = _errors };
        }
        return new ObjectPlan<ProcessedRecord> { Bucket = _bucket, Key = _keys.ObjectKey(buffer, buffer.OldestArrivalMs, objectId), SpoolSuffix = _dataSuffix, Encoder = _data };
    }
}
