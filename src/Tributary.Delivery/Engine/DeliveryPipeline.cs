using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tributary.Delivery.Dialect;
using Tributary.Delivery.Sources;
using Tributary.ObjectStores;

namespace Tributary.Delivery.Engine;

/// <summary>What a pipeline needs besides its definition and source.</summary>
public sealed record PipelineContext
{
    public required IObjectStore Store { get; init; }

    /// <summary>The pipeline's own directory: state.json and spool/.</summary>
    public required string StateDirectory { get; init; }

    public required DeliveryCounters Counters { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Bound on the bytes all buffers of the pipeline hold together.</summary>
    public long MaxBufferedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Count records as incoming when read (false when the source counted them as they were handed in).</summary>
    public bool CountIncoming { get; init; } = true;

    /// <summary>How long one poll waits for records.</summary>
    public int PollWaitMs { get; init; } = 200;
}

/// <summary>
/// The sink engine for one pipeline: poll the source → process → route each record to its buffer → when the dialect's
/// flush policy says so, or the pipeline's memory bound is reached, write the buffer's object. The dialect
/// (<see cref="PipelineDefinition{TRecord}"/>) decides processing, routing, flushing, naming and encoding; the engine
/// knows sources and stores only through <see cref="IDeliverySource"/> and <see cref="IObjectStore"/>.
///
/// <para>Exactly once. Writing an object is three durable steps: (1) the object's bytes go to a spool file, fsynced;
/// (2) the state is saved with the object listed as pending and the positions / delivery marks advanced past its
/// records; (3) the object is put to the store, then removed from pending. A crash before (2) leaves the old state:
/// the records are read again and form a new object; nothing was uploaded. A crash after (2) finds the object pending
/// at start and uploads the same bytes under the same key again. The object id is derived from the records' source
/// positions, and the dialect's keys from it and the records, never from the clock of the writer. Sources with
/// positions elsewhere (an external cluster) are told to commit only after (2).</para>
///
/// <para>Memory: buffers hold processed records. All buffers of a pipeline together are bounded by
/// <see cref="PipelineContext.MaxBufferedBytes"/> (the largest buffer is written early when the bound is reached),
/// whatever the number of source partitions or of buffers.</para>
/// </summary>
public sealed class DeliveryPipeline<TRecord>
    where TRecord : DeliveryRecord
{
    /// <summary>
    /// Seeds the id of the object that holds a buffer's rejected records. Kept as it is: the keys of existing
    /// pipelines derive from it.
    /// </summary>
    private const string RejectsIdPrefix = "conversion:";

    private readonly PipelineDefinition<TRecord> _definition;
    private readonly IDeliverySource _source;
    private readonly PipelineContext _context;
    private readonly IRecordProcessor<TRecord> _processor;
    private readonly IBufferRouter<TRecord> _router;
    private readonly IFlushPolicy<TRecord> _flush;
    private readonly IObjectLayout<TRecord> _objects;
    private readonly string? _sourceCopyId;
    private readonly string _spool;
    private readonly Dictionary<string, RecordBuffer<TRecord>> _buffers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _readNext = [];
    private DeliveryState _state = new();
    private long _buffered;
    private long _lastSaveTicks;
    private bool _positionsDirty;
    private int _epoch;

    public DeliveryPipeline(PipelineDefinition<TRecord> definition, IDeliverySource source, PipelineContext context)
    {
        _definition = definition;
        _source = source;
        _context = context;
        _processor = definition.Processor;
        _router = definition.Router;
        _flush = definition.Flush;
        _objects = definition.Objects;
        _sourceCopyId = _processor.SourceCopyBufferId;
        _spool = Path.Combine(context.StateDirectory, "spool");
    }

    private volatile bool _drainRequested;

    /// <summary>Asks the running pipeline to deliver everything it buffered and return (a change of configuration).</summary>
    public void RequestDrain() => _drainRequested = true;

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (buffered records are read again after a restart) or a drain completes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_spool);
        _state = DeliveryState.Load(_context.StateDirectory);
        _state.Version = _definition.Version;
        foreach (var bucket in _objects.Buckets)
        {
            await _context.Store.EnsureBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        }
        await CompletePendingAsync(cancellationToken).ConfigureAwait(false);
        CleanSpool();
        await StartSourceAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<SourceRecord>();
        while (!cancellationToken.IsCancellationRequested)
        {
            records.Clear();
            try
            {
                await _source.PollAsync(records, _context.PollWaitMs, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            if (_source.AssignmentEpoch != _epoch)
            {
                // The partitions this instance reads changed: what is buffered may belong to another member now.
                _buffers.Clear();
                _buffered = 0;
                await StartSourceAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (records.Count > 0)
            {
                await RouteAsync(records, cancellationToken).ConfigureAwait(false);
            }
            await FlushDueAsync(force: false, cancellationToken).ConfigureAwait(false);
            if (_drainRequested)
            {
                await FlushDueAsync(force: true, cancellationToken).ConfigureAwait(false);
                await SavePositionsIfIdleAsync(cancellationToken, force: true).ConfigureAwait(false);
                return;
            }
            await SavePositionsIfIdleAsync(cancellationToken).ConfigureAwait(false);
            UpdateFreshness();
        }
    }

    private async Task StartSourceAsync(CancellationToken cancellationToken)
    {
        _epoch = _source.AssignmentEpoch;
        var start = await _source.StartAsync(_state.Positions, cancellationToken).ConfigureAwait(false);
        _readNext.Clear();
        foreach (var (partition, offset) in start)
        {
            // The source's start is the truth (the saved position, clamped to the log start, or an external
            // cluster's committed offset); the first save records positions of partitions read for the first time.
            _readNext[partition] = offset;
            if (_state.Positions.GetValueOrDefault(partition, -1) != offset)
            {
                _state.Positions[partition] = offset;
                _positionsDirty = true;
            }
        }
        _epoch = _source.AssignmentEpoch;
    }

    /// <summary>Processes a polled batch and files each record under its buffer (or skips what is already delivered).</summary>
    private async Task RouteAsync(List<SourceRecord> records, CancellationToken cancellationToken)
    {
        long bytes = 0;
        foreach (var record in records)
        {
            bytes += record.Data.Length;
        }
        if (_context.CountIncoming)
        {
            _context.Counters.Incoming(records.Count, bytes, putRequest: false);
        }
        var now = Environment.TickCount64;
        if (_sourceCopyId is { } copyId)
        {
            // Every source record as it arrived, before any processing.
            foreach (var record in records)
            {
                if (!_state.IsDelivered(record.Partition, record.Offset, copyId))
                {
                    var copy = _processor.CopyOf(record);
                    _buffers.TryGetValue(copyId, out var copyBuffer);
                    await AddAsync(copyBuffer, copyId, copy, isSourceCopy: true, now, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        var processed = await _processor.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < processed.Count; i++)
        {
            var record = processed[i];
            var source = record.Source;
            // A source record counts as read once its last part is routed: a flush between its parts must not
            // move the position past the parts still to come.
            var last = i + 1 == processed.Count || processed[i + 1].Source != source;
            _readNext[source.Partition] = Math.Max(_readNext.GetValueOrDefault(source.Partition), last ? source.Offset + 1 : source.Offset);
            if (record.Outcome == ProcessedOutcome.Dropped)
            {
                _positionsDirty = true;
                continue;
            }
            var id = _router.Route(record);
            if (_state.IsDelivered(source.Partition, source.Offset, id))
            {
                continue;
            }
            if (!_buffers.TryGetValue(id, out var buffer))
            {
                var admitted = _router.Admit(record, id, _buffers.Keys);
                if (admitted != id)
                {
                    id = admitted;
                    if (_state.IsDelivered(source.Partition, source.Offset, id))
                    {
                        continue;
                    }
                    _buffers.TryGetValue(id, out buffer);
                }
            }
            if (record.Outcome == ProcessedOutcome.Failed)
            {
                _context.Counters.Failed(record.ErrorOutputType!, 1);
            }
            await AddAsync(buffer, id, record, isSourceCopy: false, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds a record to its buffer (opening it when <paramref name="buffer"/> is null or the flush policy starts a new
    /// object), then writes the buffer when the policy says it is full, and the largest buffers past the memory bound.
    /// </summary>
    private async Task AddAsync(RecordBuffer<TRecord>? buffer, string id, TRecord record, bool isSourceCopy, long now, CancellationToken cancellationToken)
    {
        if (buffer is not null && _flush.StartsNewObject(buffer, record))
        {
            await FlushAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer = null;
        }
        if (buffer is null)
        {
            buffer = new RecordBuffer<TRecord>(id, record, now, isSourceCopy);
            _buffers[id] = buffer;
        }
        _buffered += buffer.Add(record);
        if (_flush.IsFull(buffer))
        {
            await FlushAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        while (_buffered > _context.MaxBufferedBytes && _buffers.Count > 0)
        {
            await FlushAsync(_buffers.Values.MaxBy(b => b.Bytes)!, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushDueAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        foreach (var buffer in _buffers.Values.ToList())
        {
            if (force || _flush.IsDue(buffer, now) || _flush.IsFull(buffer))
            {
                await FlushAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Steps (1)–(3) of the protocol for one buffer (plus the records its encoder rejected, in the same state save).</summary>
    private async Task FlushAsync(RecordBuffer<TRecord> buffer, CancellationToken cancellationToken)
    {
        _buffers.Remove(buffer.Id);
        _buffered -= buffer.Bytes;
        var pending = new List<PendingObject>(1);
        var rejected = WriteObject(buffer, ObjectId(buffer.Id, buffer.SortedRanges), pending);
        if (rejected.Count > 0)
        {
            // One object of the rejected records, written in the same step; its id comes from the buffer it left.
            _context.Counters.Failed(rejected[0].ErrorOutputType!, rejected.Count);
            var errors = new RecordBuffer<TRecord>(_router.Route(rejected[0]), rejected[0], Environment.TickCount64, isSourceCopy: false);
            foreach (var record in rejected)
            {
                _ = errors.Add(record);
            }
            WriteObject(errors, ObjectId(RejectsIdPrefix + buffer.Id, buffer.SortedRanges), pending);
        }
        DeliveryState.SyncDirectory(_spool);
        // Step 2: the records count as delivered, the objects as pending.
        foreach (var (partition, (_, next)) in buffer.SortedRanges)
        {
            if (!_state.Delivered.TryGetValue(partition, out var marks))
            {
                marks = new SortedDictionary<string, long>(StringComparer.Ordinal);
                _state.Delivered[partition] = marks;
            }
            marks[buffer.Id] = Math.Max(marks.GetValueOrDefault(buffer.Id), next);
        }
        _state.Pending.AddRange(pending);
        AdvancePositions();
        _state.Save(_context.StateDirectory);
        _lastSaveTicks = Environment.TickCount64;
        await CompletePendingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Step (1) for one object: its bytes in an fsynced spool file, listed in <paramref name="pending"/> unless it holds no record. Returns the rejected records.</summary>
    private IReadOnlyList<TRecord> WriteObject(RecordBuffer<TRecord> buffer, string objectId, List<PendingObject> pending)
    {
        var plan = _objects.Plan(buffer, objectId);
        var spool = objectId + plan.SpoolSuffix;
        var path = Path.Combine(_spool, spool);
        EncodedObject<TRecord> encoded;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            encoded = plan.Encoder.Write(file, plan.Key, buffer.Records);
            file.Flush(flushToDisk: true);
        }
        if (encoded.Records > 0)
        {
            pending.Add(new PendingObject
            {
                Spool = spool,
                Bucket = plan.Bucket,
                Key = plan.Key,
                Records = encoded.Records,
                Bytes = encoded.Bytes,
                ErrorType = buffer.ErrorOutputType,
                Backup = buffer.IsSourceCopy,
                OldestArrivalMs = buffer.OldestArrivalMs,
            });
        }
        else
        {
            File.Delete(path);
        }
        return encoded.Rejected;
    }

    /// <summary>Positions = per partition, the first offset still buffered, else the next offset to read; marks behind it go.</summary>
    private void AdvancePositions()
    {
        foreach (var (partition, next) in _readNext)
        {
            var position = next;
            foreach (var buffer in _buffers.Values)
            {
                if (buffer.SortedRanges.TryGetValue(partition, out var range))
                {
                    position = Math.Min(position, range.First);
                }
            }
            if (position > _state.Positions.GetValueOrDefault(partition, long.MinValue))
            {
                _state.Positions[partition] = position;
            }
        }
        _state.Prune();
        _positionsDirty = false;
    }

    /// <summary>Step (3): uploads every pending object (retrying with back-off until it succeeds or the pipeline stops).</summary>
    private async Task CompletePendingAsync(CancellationToken cancellationToken)
    {
        if (_state.Pending.Count == 0)
        {
            return;
        }
        foreach (var pending in _state.Pending.ToList())
        {
            var path = Path.Combine(_spool, pending.Spool);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _context.Store.PutAsync(pending.Bucket, pending.Key, ObjectContent.FromFile(path), cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    _context.Counters.Retry();
                    _context.Logger.LogWarning(e, "{Pipeline}: writing {Bucket}/{Key} failed (attempt {Attempt}); retrying.", _definition.Name, pending.Bucket, pending.Key, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * (1 << Math.Min(attempt, 7)))), cancellationToken).ConfigureAwait(false);
                }
            }
            if (pending.ErrorType is null && !pending.Backup)
            {
                _context.Counters.Delivered(pending.Records, pending.Bytes);
            }
            _state.Pending.Remove(pending);
        }
        _state.Save(_context.StateDirectory);
        _lastSaveTicks = Environment.TickCount64;
        CleanSpool();
        await _source.CommitAsync(_state.Positions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes spool files no pending object names: uploaded ones, and (at start) objects whose state never became
    /// durable.
    /// </summary>
    private void CleanSpool()
    {
        foreach (var file in Directory.EnumerateFiles(_spool))
        {
            if (!_state.Pending.Exists(p => p.Spool == Path.GetFileName(file)))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Saves positions that moved without an object (dropped records, records already delivered) about once a second.</summary>
    private async Task SavePositionsIfIdleAsync(CancellationToken cancellationToken, bool force = false)
    {
        if (!_positionsDirty && !force)
        {
            // Positions also move when every buffer has been flushed and reading went on.
            if (_buffers.Count > 0 || _readNext.All(p => _state.Positions.GetValueOrDefault(p.Key) >= p.Value))
            {
                return;
            }
        }
        if (!force && Environment.TickCount64 - _lastSaveTicks < 1000)
        {
            return;
        }
        AdvancePositions();
        _state.Save(_context.StateDirectory);
        _lastSaveTicks = Environment.TickCount64;
        await _source.CommitAsync(_state.Positions, cancellationToken).ConfigureAwait(false);
    }

    private void UpdateFreshness()
    {
        var oldest = long.MaxValue;
        foreach (var buffer in _buffers.Values)
        {
            oldest = Math.Min(oldest, buffer.OldestArrivalMs);
        }
        _context.Counters.OldestUndeliveredMs = oldest;
    }

    /// <summary>
    /// A UUID-shaped id from the pipeline's name, its version, the buffer and the first source position of each
    /// partition in the object: the same records make the same id (and so the same key) when an object is built again.
    /// </summary>
    private string ObjectId(string bufferId, SortedDictionary<int, (long First, long Next)> ranges)
    {
        var text = new StringBuilder();
        text.Append(_definition.Name).Append('\n').Append(_definition.Version).Append('\n').Append(bufferId);
        foreach (var (partition, (first, _)) in ranges)
        {
            text.Append('\n').Append(partition).Append(':').Append(first);
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        hash[6] = (byte)(hash[6] & 0x0F | 0x50);
        hash[8] = (byte)(hash[8] & 0x3F | 0x80);
        return Convert.ToHexStringLower(hash[..4]) + "-" + Convert.ToHexStringLower(hash[4..6]) + "-" + Convert.ToHexStringLower(hash[6..8])
            + "-" + Convert.ToHexStringLower(hash[8..10]) + "-" + Convert.ToHexStringLower(hash[10..16]);
    }
}
