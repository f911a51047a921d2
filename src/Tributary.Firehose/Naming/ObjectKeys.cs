using System.Globalization;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Naming;

/// <summary>
/// A delivery stream's object keys: keys of data, error and backup objects from a buffer, the oldest record's arrival
/// time and the engine's deterministic object id (which also seeds <c>!{firehose:random-string}</c>, so a rebuilt
/// object gets the same key).
/// </summary>
public sealed class ObjectKeys
{
    private readonly ObjectNaming _naming;
    private readonly ObjectNaming? _backup;
    private readonly int _version;
    private readonly string _errorExtension;

    public ObjectKeys(DeliveryStreamDefinition definition)
    {
        _naming = ObjectNaming.Create(definition.Name, definition.Destination);
        _backup = Backup(definition);
        _version = definition.VersionId;
        // Error objects are JSON lines: compressed like the data unless the data is converted (then uncompressed).
        _errorExtension = definition.Destination.FormatConversion is { Enabled: true }
            ? ""
            : ObjectNaming.DefaultExtension(definition.Destination.Compression, formatConversion: false);
    }

    /// <summary>InvalidArgumentException when the destination's prefixes, time zone or extension break Firehose's rules.</summary>
    public static void Validate(DeliveryStreamDefinition definition)
    {
        _ = ObjectNaming.Create(definition.Name, definition.Destination);
        _ = Backup(definition);
    }

    /// <summary>Naming of the source-record backup (S3BackupMode Enabled), or null.</summary>
    private static ObjectNaming? Backup(DeliveryStreamDefinition definition)
    {
        var d = definition.Destination;
        return d.S3BackupMode == "Enabled" && d.BackupBucketArn is not null
            ? ObjectNaming.Create(definition.Name, d.BackupPrefix, d.BackupErrorOutputPrefix, dynamicPartitioning: false, d.BackupCompression, formatConversion: false, fileExtension: null, d.CustomTimeZone)
            : null;
    }

    /// <summary>The first partition key the Prefix uses that the record lacks, or null.</summary>
    public string? MissingKey(ProcessedRecord record)
    {
        foreach (var key in _naming.Prefix.QueryKeys)
        {
            if (record.QueryKeys is null || !record.QueryKeys.ContainsKey(key))
            {
                return "partitionKeyFromQuery:" + key;
            }
        }
        foreach (var key in _naming.Prefix.LambdaKeys)
        {
            if (record.LambdaKeys is null || !record.LambdaKeys.ContainsKey(key))
            {
                return "partitionKeyFromLambda:" + key;
            }
        }
        return null;
    }

    /// <summary>The key of a data object; its partition keys are those every record of the buffer shares (the first's).</summary>
    public string ObjectKey(RecordBuffer<ProcessedRecord> buffer, long oldestArrivalMs, string id) =>
        _naming.DataObjectKey(_version, DateTimeOffset.FromUnixTimeMilliseconds(oldestArrivalMs), Seed(id), id, buffer.First.QueryKeys, buffer.First.LambdaKeys);

    public string ErrorKey(string errorOutputType, long oldestArrivalMs, string id) =>
        _naming.ErrorObjectKey(errorOutputType, _version, DateTimeOffset.FromUnixTimeMilliseconds(oldestArrivalMs), Seed(id), id, _errorExtension);

    /// <summary>The key of a source-record backup object (S3BackupConfiguration's prefix and compression).</summary>
    public string BackupKey(long oldestArrivalMs, string id) =>
        _backup!.DataObjectKey(_version, DateTimeOffset.FromUnixTimeMilliseconds(oldestArrivalMs), Seed(id), id);

    /// <summary>The first 16 hex digits of the id.</summary>
    private static ulong Seed(string id) => ulong.Parse(id.Replace("-", "", StringComparison.Ordinal)[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
