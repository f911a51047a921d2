using System.Data.Common;
using Tributary.Connect.Source;

namespace Tributary.Cdc;

/// <summary>
/// Writes a snapshot's rows to the queue with Debezium's <c>source.snapshot</c> markers. It reads one row ahead (a
/// row's marker depends on whether it ends its table), and holds the snapshot's last record back until
/// <see cref="FinishAsync"/> gives it the offset that says the snapshot is complete, so a restart before that redoes
/// the snapshot. One snapshot, written by one reader.
/// </summary>
public sealed class SnapshotWriter(ChangeEventQueue queue, int tableCount)
{
    private SourceRecord? _pending;

    /// <summary>The rows written so far (the held-back last one included).</summary>
    public long Rows { get; private set; }

    /// <summary>
    /// Writes the rows of table <paramref name="tableIndex"/>: <paramref name="read"/> reads the current row of
    /// <paramref name="reader"/>, <paramref name="record"/> makes its record with the given marker.
    /// </summary>
    public async Task WriteTableAsync<TRow>(int tableIndex, DbDataReader reader, Func<DbDataReader, TRow> read, Func<TRow, SnapshotMarker, SourceRecord> record,
        CancellationToken cancellationToken)
    {
        long index = 0;
        var previous = default(TRow);
        while (true)
        {
            var has = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (index > 0)
            {
                if (_pending is not null)
                {
                    await queue.EnqueueAsync(_pending, cancellationToken).ConfigureAwait(false);
                }
                _pending = record(previous!, SnapshotMarkers.For(tableIndex, tableCount, index - 1, lastRowOfTable: !has));
            }
            if (!has)
            {
                return;
            }
            previous = read(reader);
            index++;
            Rows++;
        }
    }

    /// <summary>Writes the held-back last record with <paramref name="completeOffset"/> (nothing when the snapshot had no rows).</summary>
    public async Task FinishAsync(IReadOnlyDictionary<string, object?> completeOffset, CancellationToken cancellationToken)
    {
        if (_pending is { } last)
        {
            _pending = null;
            await queue.EnqueueAsync(new SourceRecord(last.SourcePartition, completeOffset, last.Topic, last.KafkaPartition,
                last.KeySchema, last.Key, last.ValueSchema, last.Value), cancellationToken).ConfigureAwait(false);
        }
    }
}
