using System.Buffers;
using System.Text.Json;
using Tributary.Broker.Transactions;
using Tributary.Foundation.IO;
using Tributary.Protocol.Records;
using Tributary.Storage;

namespace Tributary.Broker;

/// <summary>
/// Producer ids for the idempotent producer, and persistence of the per-partition producer state.
/// <para>Ids: handed out in increasing order from blocks reserved durably in <c>cluster.json</c> before use,
/// so an id is never handed out twice, even after a crash (a crash skips the rest of a block).</para>
/// <para>Partition state: written to <c>__cluster/producer-state.json</c> at clean shutdown, together with each
/// log's end offset; at start a partition whose snapshot is usable loads it and replays only the batches
/// after it, any other partition is rebuilt by replaying the batch headers of its whole log (after a crash).
/// The snapshot file is deleted once loaded, so a later crash never pairs a stale snapshot with a log that
/// was deleted and recreated meanwhile.</para>
/// </summary>
internal sealed class ProducerStateManager
{
    public const string SnapshotFileName = "producer-state.json";
    private const int SnapshotFormatVersion = 3;
    private const int ProducerIdBlockSize = 1000;
    private const int ReplayChunkBytes = 8 * 1024 * 1024;

    private readonly object _lock = new();
    private readonly ClusterMetadata _cluster;
    private readonly Dictionary<long, short> _epochs = [];
    private long _nextProducerId;

    public ProducerStateManager(ClusterMetadata cluster)
    {
        _cluster = cluster;
        _nextProducerId = cluster.ProducerIdBlockEnd;
    }

    /// <summary>
    /// A new producer id with epoch 0, or for a known id and its current epoch the next epoch (a new id once
    /// the epoch is exhausted). Epochs are tracked in memory: after a restart any epoch of an issued id is accepted.
    /// </summary>
    public ProducerIdResult InitProducerId(long producerId, short producerEpoch)
    {
        lock (_lock)
        {
            if (producerId < 0 && producerEpoch < 0)
            {
                return Allocate();
            }
            if (producerId < 0 || producerEpoch < 0)
            {
                return new ProducerIdResult(ErrorCode.InvalidRequest, -1, -1);
            }
            if (producerId >= _nextProducerId)
            {
                return new ProducerIdResult(ErrorCode.UnknownProducerId, -1, -1);
            }
            if (_epochs.TryGetValue(producerId, out var current) && current != producerEpoch)
            {
                return new ProducerIdResult(ErrorCode.InvalidProducerEpoch, -1, -1);
            }
            if (producerEpoch >= short.MaxValue - 1)
            {
                _epochs.Remove(producerId);
                return Allocate();
            }
            var epoch = (short)(producerEpoch + 1);
            _epochs[producerId] = epoch;
            return new ProducerIdResult(ErrorCode.None, producerId, epoch);
        }
    }

    /// <summary>A fresh producer id (epoch 0), for the transaction coordinator's new transactional ids.</summary>
    public long AllocateProducerId()
    {
        lock (_lock)
        {
            return Allocate().ProducerId;
        }
    }

    private ProducerIdResult Allocate()
    {
        if (_nextProducerId >= _cluster.ProducerIdBlockEnd)
        {
            _cluster.ReserveProducerIds(_nextProducerId + ProducerIdBlockSize);
        }
        var id = _nextProducerId++;
        _epochs[id] = 0;
        return new ProducerIdResult(ErrorCode.None, id, 0);
    }

    /// <summary>Reads and deletes the snapshot file; empty when there is none or it cannot be read.</summary>
    public static Dictionary<string, PartitionProducerSnapshot> TakeSnapshots(string clusterDirectory)
    {
        var path = Path.Combine(clusterDirectory, SnapshotFileName);
        var snapshots = new Dictionary<string, PartitionProducerSnapshot>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return snapshots;
        }
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), BrokerJsonContext.Default.ProducerStateFile);
            // Version 1 (before transactions) has no transaction fields; brokers of that version wrote no
            // transactional batches, so its snapshots load as they are.
            if (file?.Version is 1 or 2 or SnapshotFormatVersion)
            {
                foreach (var partition in file.Partitions)
                {
                    snapshots[partition.Log] = partition;
                }
            }
        }
        catch (JsonException)
        {
            // A damaged snapshot is only an optimisation lost: the logs are replayed instead.
        }
        File.Delete(path);
        DurableFile.FlushDirectory(clusterDirectory);
        return snapshots;
    }

    public static void WriteSnapshots(string clusterDirectory, List<PartitionProducerSnapshot> partitions) =>
        DurableFile.WriteAtomically(
            Path.Combine(clusterDirectory, SnapshotFileName),
            JsonSerializer.SerializeToUtf8Bytes(new ProducerStateFile(SnapshotFormatVersion, partitions), BrokerJsonContext.Default.ProducerStateFile));

    /// <summary>
    /// Builds a partition's state: from <paramref name="snapshot"/> if it matches the topic and the log still
    /// reaches its end offset, then by replaying the headers of the batches after it (or of the whole log).
    /// </summary>
    public static (PartitionProducerState Producers, PartitionTransactions Transactions) Rebuild(PartitionLog log, Guid topicId, PartitionProducerSnapshot? snapshot)
    {
        var state = new PartitionProducerState();
        var transactions = new PartitionTransactions(log);
        var from = log.LogStartOffset;
        var usable = snapshot is not null && snapshot.TopicId == topicId && snapshot.EndOffset <= log.HighWatermark;
        if (!usable || snapshot!.AbortedTransactions is not null)
        {
            // After a crash the segments' aborted-transaction indexes may miss entries whose markers survived, or hold
            // entries whose markers did not: they are rebuilt from the markers by the replay below. A format-2
            // snapshot carries its own list, loaded below; the replay after it adds what followed.
            log.ClearAbortedTransactions();
        }
        if (usable)
        {
            state.Load(snapshot!.Producers);
            transactions.Load(snapshot.OngoingTransactions, snapshot.AbortedTransactions);
            from = Math.Max(from, snapshot.EndOffset);
        }
        Replay(log, from, state, transactions);
        return (state, transactions);
    }

    /// <summary>Replays the producer fields of every batch from <paramref name="offset"/> to the high watermark.</summary>
    private static void Replay(PartitionLog log, long offset, PartitionProducerState state, PartitionTransactions transactions)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(RecordBatchLayout.HeaderSize);
        try
        {
            while (offset < log.HighWatermark)
            {
                using var read = log.Read(offset, ReplayChunkBytes);
                if (read.IsEmpty)
                {
                    return;
                }
                if (buffer.Length < read.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(read.Length);
                }
                read.CopyTo(buffer);
                var region = buffer.AsSpan(0, read.Length);
                while (region.Length >= RecordBatchLayout.HeaderSize)
                {
                    var size = RecordBatch.TotalSize(region);
                    var batch = region[..size];
                    var producerId = RecordBatch.ProducerId(batch);
                    var baseSequence = RecordBatch.BaseSequence(batch);
                    var isNew = RecordBatch.NextOffset(batch) > offset;
                    if (producerId >= 0 && baseSequence >= 0 && !RecordBatch.IsControl(batch) && isNew)
                    {
                        var lastSequence = PartitionProducerState.IncrementSequence(baseSequence, RecordBatch.LastOffsetDelta(batch));
                        state.Record(producerId, RecordBatch.ProducerEpoch(batch), baseSequence, lastSequence, RecordBatch.BaseOffset(batch));
                    }
                    if (producerId >= 0 && isNew && RecordBatch.IsTransactional(batch))
                    {
                        // Open transactions and the aborted index are rebuilt from the batches and markers themselves.
                        if (!RecordBatch.IsControl(batch))
                        {
                            transactions.BeginIfNew(producerId, RecordBatch.BaseOffset(batch));
                        }
                        else if (EndTransactionMarker.TryReadType(batch, out var type))
                        {
                            transactions.End(producerId, type == ControlRecordType.Commit, RecordBatch.BaseOffset(batch));
                            state.ObserveMarker(producerId, RecordBatch.ProducerEpoch(batch));
                        }
                    }
                    offset = Math.Max(offset, RecordBatch.NextOffset(batch));
                    region = region[size..];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
