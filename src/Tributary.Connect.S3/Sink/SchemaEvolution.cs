using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// <c>schema.compatibility</c> as Confluent's storage sinks apply it, per Kafka partition: each partition has a current
/// value schema (the first record's, then whichever replaced it). NONE: any other schema replaces it. BACKWARD and
/// FULL: a newer version replaces it; an older one is projected to it. FORWARD: an older version replaces it; a newer
/// one is projected to it. Records leave with the current schema, so a replacement is a change of schema between two
/// records of the partition, which rotates the file (<see cref="S3SinkDialect"/>); projection errors and missing
/// versions are <see cref="DataException"/>s (the dead-letter queue, or a failed task). Used on the worker's thread only.
/// <para>The current schema lives in memory: after a restart the first record read again sets it, as in Confluent's.</para>
/// </summary>
public sealed class SchemaEvolution(string mode)
{
    private readonly string _mode = mode.ToUpperInvariant();
    private readonly Dictionary<(string Topic, int Partition), Schema?> _current = [];

    /// <summary>The record as it is to be written: itself, or its value projected to its partition's current schema.</summary>
    public SinkRecord Apply(SinkRecord record)
    {
        var partition = (record.OriginalTopic, record.OriginalKafkaPartition);
        var schema = record.ValueSchema;
        if (!_current.TryGetValue(partition, out var current) || ReferenceEquals(current, schema) || Equals(current, schema))
        {
            _current[partition] = schema;
            return record;
        }
        if (ShouldChange(current, schema))
        {
            _current[partition] = schema;
            return record;
        }
        var projected = SchemaProjector.Project(schema!, record.Value, current!);
        return (SinkRecord)record.NewRecord(record.Topic, record.KafkaPartition, record.KeySchema, record.Key, current, projected, record.Timestamp, record.Headers);
    }

    /// <summary>Forgets a partition's schema (its partition was taken away).</summary>
    public void Forget(string topic, int partition) => _current.Remove((topic, partition));

    private bool ShouldChange(Schema? current, Schema? next)
    {
        if (_mode == "NONE" || current is null || next is null)
        {
            return true;
        }
        if (current.Version is not { } currentVersion || next.Version is not { } nextVersion)
        {
            throw new SchemaProjectorException("Schema version required for " + _mode + " compatibility");
        }
        return _mode == "FORWARD" ? nextVersion < currentVersion : nextVersion > currentVersion;
    }
}
