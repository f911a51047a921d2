using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Naming;

namespace Tributary.Firehose.Processing;

/// <summary>
/// Which buffer a delivery stream's record goes to: the main output (<c>ok</c>), one buffer per distinct set of
/// dynamic-partitioning keys, or one per error output type. At most <c>maxActivePartitions</c> dynamic partitions are
/// buffered at once (Firehose's active-partition limit); records of a further partition go to the error output.
/// Buffer ids are keys of the state file's delivery marks (docs/formats/delivery-state.md): their form is frozen.
/// </summary>
public sealed class DynamicPartitioning(ObjectKeys keys, int maxActivePartitions) : IBufferRouter<ProcessedRecord>
{
    /// <summary>The buffer of records without partition keys.</summary>
    public const string MainBufferId = "ok";

    private const string ErrorBufferPrefix = "error:";

    /// <summary>Bound on <see cref="_ids"/>; it starts again empty when reached.</summary>
    private const int MaxCachedIds = 4096;

    /// <summary>
    /// Buffer ids of query-key dictionaries seen (by reference: <see cref="SimpleKeyQuery"/> gives records with the same
    /// keys the same dictionary), so that a record's id costs a lookup, not a sort and a string. Used from the pipeline's
    /// task only.
    /// </summary>
    private readonly Dictionary<Dictionary<string, string>, string> _ids = new(ReferenceEqualityComparer.Instance);

    /// <summary>Fails a record that lacks a key the Prefix uses (DynamicPartitioning.MissingPartitionKey), then names its buffer.</summary>
    public string Route(ProcessedRecord record)
    {
        if (record.Outcome == ProcessedOutcome.Ok && keys.MissingKey(record) is { } missing)
        {
            record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MissingPartitionKey", $"The record has no value for {missing}, which the Prefix uses.");
        }
        if (record.Outcome != ProcessedOutcome.Failed && record.LambdaKeys is null && record.QueryKeys is { } queryKeys)
        {
            if (!_ids.TryGetValue(queryKeys, out var id))
            {
                if (_ids.Count >= MaxCachedIds)
                {
                    _ids.Clear();
                }
                id = IdOf(record);
                _ids[queryKeys] = id;
            }
            return id;
        }
        return IdOf(record);
    }

    /// <summary>A new dynamic partition past the limit: the record fails to processing-failed.</summary>
    public string Admit(ProcessedRecord record, string bufferId, IReadOnlyCollection<string> open)
    {
        if (record.Outcome == ProcessedOutcome.Ok && bufferId != MainBufferId && ActivePartitions(open) >= maxActivePartitions)
        {
            record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.ActivePartitionsLimitExceeded",
                $"More than {maxActivePartitions} dynamic partitions are active; the record goes to the error output.");
            return IdOf(record);
        }
        return bufferId;
    }

    private static int ActivePartitions(IReadOnlyCollection<string> open)
    {
        var count = 0;
        foreach (var id in open)
        {
            if (!id.StartsWith(ErrorBufferPrefix, StringComparison.Ordinal) && id is not (MainBufferId or RecordProcessor.BackupBufferId))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The buffer id of a record: "ok" plus its sorted keys, or "error:" plus its error type.</summary>
    public static string IdOf(ProcessedRecord record)
    {
        if (record.Outcome == ProcessedOutcome.Failed)
        {
            return ErrorBufferPrefix + record.ErrorOutputType;
        }
        if (record.QueryKeys is null && record.LambdaKeys is null)
        {
            return MainBufferId;
        }
        var id = new System.Text.StringBuilder(MainBufferId);
        Append(id, 'q', record.QueryKeys);
        Append(id, 'l', record.LambdaKeys);
        return id.ToString();
    }

    private static void Append(System.Text.StringBuilder id, char kind, Dictionary<string, string>? keys)
    {
        if (keys is null)
        {
            return;
        }
        foreach (var (name, value) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            // Lengths make the id unambiguous whatever characters names and values contain.
            id.Append('|').Append(kind).Append(name.Length).Append(':').Append(name).Append('=').Append(value.Length).Append(':').Append(value);
        }
    }
}
