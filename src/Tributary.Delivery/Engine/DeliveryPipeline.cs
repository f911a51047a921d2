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
/// positions, and the dialect's keys from it and the records, never from the clock of the writer. Sources are told
/// positions only once every object holding records before them is in the store.</para>
///
/// <para>Pipelining. The three steps of different objects overlap, and none of them stops reading: step (1) runs on the
/// thread pool (<see cref="ObjectJob{TRecord}"/>, several objects at once when several buffers are full), step (3) on
/// the <see cref="ObjectUploader"/>, and this task only polls, routes and does step (2). Step (2) takes objects in the
/// order their buffers were closed (a later object of a buffer never becomes delivered before an earlier one), and one
/// state save (with one fsync of the spool directory) covers every object whose spool file finished since the last
/// save and every upload that finished since then (their removal from pending). Positions never pass a record still
/// in a buffer or in an object whose step (2) has not happened. A spool file is deleted only after a saved state no
/// longer lists it.</para>
///
/// <para>Memory: buffers hold processed records. All buffers of a pipeline together — open ones and those being
/// encoded — are bounded by <see cref="PipelineContext.MaxBufferedBytes"/> (the largest buffer is written early when
/// the bound is reached, or the pipeline waits for the oldest object being encoded), whatever the number of source
/// partitions or of buffers.</para>
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
    private readonly int _maxEncoding;
    private readonly Dictionary<string, RecordBuffer<TRecord>> _buffers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _readNext = [];

    /// <summary>Objects being encoded (step 1), in the order their buffers were closed.</summary>
    private readonly Queue<ObjectJob<TRecord>> _encoding = new();

    /// <summary>Objects whose step (2) happened in memory since the last save: uploaded once it is saved.</summary>
    private readonly List<(PendingObject Pending, IReadOnlyDictionary<int, long> Positions)> _toUpload = [];

    /// <summary>Spool files of uploaded objects: deleted once a saved state no longer lists them.</summary>
    private readonly List<string> _toDelete = [];

    /// <summary>The state save running in the background (<see cref="StartSave"/>), or null.</summary>
    private SaveInFlight? _saving;

    private DeliveryState _state = new();
    private ObjectUploader? _uploader;
    private IReadOnlyDictionary<int, long>? _reportable;
    private long _buffered;
    private long _lastSaveTicks;
    private bool _positionsDirty;
    private bool _committedUnsaved;
    private bool _uploadedUnsaved;
    private int _epoch;

    /// <summary>Changes whenever the state's positions or delivery marks may have changed (invalidates RouteAsync's cache).</summary>
    private int _stateVersion;

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
        _maxEncoding = Math.Max(2, Environment.ProcessorCount);
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
        _uploader = new ObjectUploader(_context.Store, _spool, _definition.Name, _context.Counters, _context.Logger);
        try
        {
            await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Nothing of this run may touch the spool after it returns (a restart cleans it).
            await StopAsync().ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
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
                // Objects already being written are finished and committed first.
                await CommitEncodedAsync(all: true, cancellationToken).ConfigureAwait(false);
                await SaveAsync().ConfigureAwait(false);
                await ReportAsync(cancellationToken).ConfigureAwait(false);
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
                await SettleAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            await CommitEncodedAsync(all: false, cancellationToken).ConfigureAwait(false);
            TakeUploaded();
            await FinishSaveAsync(wait: false).ConfigureAwait(false);
            // Finished uploads alone wait for the next save while objects are being written (their removal from
            // pending only spares a second upload after a crash). One save at a time, in the background.
            if (_saving is null && (_committedUnsaved || (_uploadedUnsaved && _encoding.Count == 0) || IdleSaveDue()))
            {
                StartSave();
            }
            await ReportAsync(cancellationToken).ConfigureAwait(false);
            UpdateFreshness();
        }
        // Stopped: what finished is recorded (uploads done need no second upload after a restart); the rest is read again.
        await CommitEncodedAsync(all: false, CancellationToken.None).ConfigureAwait(false);
        TakeUploaded();
        await FinishSaveAsync(wait: true).ConfigureAwait(false);
        if (_committedUnsaved || _uploadedUnsaved)
        {
            await SaveAsync().ConfigureAwait(false);
        }
        await ReportAsync(CancellationToken.None).ConfigureAwait(false);
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
        _stateVersion++;
        _epoch = _source.AssignmentEpoch;
    }

    /// <summary>
    /// Processes a polled batch and files each record under its buffer (or skips what is already delivered). The
    /// per-record work is a comparison against a cached "delivered below" offset and a reuse of the last record's buffer
    /// while the router names the same buffer: the state's trees and the buffer table are consulted only when the
    /// partition or the buffer changes, or the state moved (<see cref="_stateVersion"/>).
    /// </summary>
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
                    if (Add(copyBuffer, copyId, copy, isSourceCopy: true, now) is (_, true))
                    {
                        await MakeRoomAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        var processed = await _processor.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        var lastPartition = -1;
        var lastNext = 0L;
        // The delivered-below cache: for (deliveredPartition, deliveredId) at _stateVersion, records below deliveredBelow are delivered.
        var deliveredPartition = -1;
        string? deliveredId = null;
        var deliveredVersion = -1;
        var deliveredBelow = long.MinValue;
        // The buffer the last record went to, while it is open.
        string? lastId = null;
        RecordBuffer<TRecord>? lastBuffer = null;
        for (var i = 0; i < processed.Count; i++)
        {
            var record = processed[i];
            var source = record.Source;
            // A source record counts as read once its last part is routed: a flush between its parts must not
            // move the position past the parts still to come.
            var last = i + 1 == processed.Count || processed[i + 1].Source != source;
            var next = last ? source.Offset + 1 : source.Offset;
            if (source.Partition != lastPartition)
            {
                lastPartition = source.Partition;
                lastNext = _readNext.GetValueOrDefault(lastPartition);
            }
            if (next > lastNext)
            {
                lastNext = next;
                _readNext[lastPartition] = next;
            }
            if (record.Outcome == ProcessedOutcome.Dropped)
            {
                _positionsDirty = true;
                continue;
            }
            var id = _router.Route(record);
            if (source.Partition != deliveredPartition || !ReferenceEquals(id, deliveredId) || deliveredVersion != _stateVersion)
            {
                deliveredPartition = source.Partition;
                deliveredId = id;
                deliveredVersion = _stateVersion;
                deliveredBelow = _state.DeliveredBelow(deliveredPartition, id);
            }
            if (source.Offset < deliveredBelow)
            {
                continue;
            }
            RecordBuffer<TRecord>? buffer;
            if (ReferenceEquals(id, lastId) && lastBuffer is { Closed: false })
            {
                buffer = lastBuffer;
            }
            else if (!_buffers.TryGetValue(id, out buffer))
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
            (lastBuffer, var wait) = Add(buffer, id, record, isSourceCopy: false, now);
            lastId = lastBuffer.Id;
            if (wait)
            {
                await MakeRoomAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Adds a record to its buffer (opening it when <paramref name="buffer"/> is null or the flush policy starts a new
    /// object), then closes the buffer when the policy says it is full. Returns the buffer the record joined, and whether
    /// the caller must <see cref="MakeRoomAsync"/> (too many objects being encoded, or the memory bound passed).
    /// </summary>
    private (RecordBuffer<TRecord> Buffer, bool Wait) Add(RecordBuffer<TRecord>? buffer, string id, TRecord record, bool isSourceCopy, long now)
    {
        var wait = false;
        if (buffer is not null && _flush.StartsNewObject(buffer, record))
        {
            wait |= Close(buffer);
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
            wait |= Close(buffer);
        }
        return (buffer, wait || _buffered > _context.MaxBufferedBytes);
    }

    /// <summary>Waits while too many objects are being encoded, and closes (or waits for) buffers past the memory bound.</summary>
    private async ValueTask MakeRoomAsync(CancellationToken cancellationToken)
    {
        while (_encoding.Count > _maxEncoding)
        {
            await CommitOldestAsync(cancellationToken).ConfigureAwait(false);
        }
        while (_buffered > _context.MaxBufferedBytes && (_buffers.Count > 0 || _encoding.Count > 0))
        {
            if (_buffers.Count > 0)
            {
                Close(_buffers.Values.MaxBy(b => b.Bytes)!);
            }
            else
            {
                await CommitOldestAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        while (_encoding.Count > _maxEncoding)
        {
            await CommitOldestAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushDueAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        var wait = false;
        foreach (var buffer in _buffers.Values.ToList())
        {
            if (force || _flush.IsDue(buffer, now) || _flush.IsFull(buffer))
            {
                wait |= Close(buffer);
            }
        }
        if (wait)
        {
            await MakeRoomAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes a buffer: its object starts being written (step 1). True when more objects are being written than allowed.</summary>
    private bool Close(RecordBuffer<TRecord> buffer)
    {
        _buffers.Remove(buffer.Id);
        buffer.Closed = true;
        var objectId = ObjectId(buffer.Id, buffer.SortedRanges);
        _encoding.Enqueue(ObjectJob<TRecord>.Start(buffer, _objects.Plan(buffer, objectId), objectId, _spool));
        return _encoding.Count > _maxEncoding;
    }

    /// <summary>Step (2) in memory for the objects whose spool files are written, oldest first (all of them when <paramref name="all"/>).</summary>
    private async Task CommitEncodedAsync(bool all, CancellationToken cancellationToken)
    {
        while (_encoding.TryPeek(out var job) && (all || job.Encoded.IsCompleted))
        {
            await CommitOldestAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Step (2) in memory for the oldest object being written (waiting for its spool file): the records count as
    /// delivered, the object (and the object of the records its encoder rejected, written here) as pending. The next
    /// <see cref="StartSave"/> makes it durable and hands the objects to the uploader.
    /// </summary>
    private async Task CommitOldestAsync(CancellationToken cancellationToken)
    {
        var job = _encoding.Peek();
        var encoded = await job.Encoded.WaitAsync(cancellationToken).ConfigureAwait(false);
        _encoding.Dequeue();
        var buffer = job.Buffer;
        _buffered -= buffer.Bytes;
        var pending = new List<PendingObject>(1 + job.Plan.Companions.Count);
        pending.AddRange(job.ToPending(encoded));
        var rejected = encoded.Rejected;
        if (rejected.Count > 0)
        {
            // One object of the rejected records, written in the same step; its id comes from the buffer it left.
            _context.Counters.Failed(rejected[0].ErrorOutputType!, rejected.Count);
            var errors = new RecordBuffer<TRecord>(_router.Route(rejected[0]), rejected[0], Environment.TickCount64, isSourceCopy: false);
            foreach (var record in rejected)
            {
                _ = errors.Add(record);
            }
            var errorsId = ObjectId(RejectsIdPrefix + buffer.Id, buffer.SortedRanges);
            var errorJob = ObjectJob<TRecord>.Write(errors, _objects.Plan(errors, errorsId), errorsId, _spool);
            pending.AddRange(errorJob.ToPending(await errorJob.Encoded.ConfigureAwait(false)));
        }
        foreach (var (partition, (_, next)) in buffer.SortedRanges)
        {
            if (!_state.Delivered.TryGetValue(partition, out var marks))
            {
                marks = new SortedDictionary<string, long>(StringComparer.Ordinal);
                _state.Delivered[partition] = marks;
            }
            marks[buffer.Id] = Math.Max(marks.GetValueOrDefault(buffer.Id), next);
        }
        _stateVersion++;
        _state.Pending.AddRange(pending);
        AdvancePositions();
        // Once these objects are in the store, every record before these positions is.
        var positions = new Dictionary<int, long>(_state.Positions);
        foreach (var item in pending)
        {
            _toUpload.Add((item, positions));
        }
        _committedUnsaved = true;
    }

    /// <summary>
    /// Finished uploads leave pending (their spool files go after the next save). The positions an upload makes
    /// reportable were saved before it started, so they can be reported at once.
    /// </summary>
    private void TakeUploaded()
    {
        while (_uploader!.TryTakeUploaded(out var upload))
        {
            var pending = upload.Pending;
            if (pending.CountsAsDelivered)
            {
                _context.Counters.Delivered(pending.Records, pending.Bytes);
            }
            _state.Pending.Remove(pending);
            _toDelete.Add(pending.Spool);
            _reportable = upload.Positions;
            _uploadedUnsaved = true;
        }
    }

    /// <summary>
    /// Starts saving the state in the background: the state is serialized here (a snapshot), then a thread-pool task
    /// fsyncs the spool directory when the snapshot lists new spool files and replaces the state file. The pipeline
    /// reads on meanwhile; what must wait for the save to be durable — deleting the spool files it no longer lists,
    /// uploading the objects it lists as new, reporting positions — happens in <see cref="FinishSaveAsync"/>, on this
    /// task. One save runs at a time, so saves become durable in the order they were taken.
    /// </summary>
    private void StartSave()
    {
        AdvancePositions();
        var contents = _state.Serialize();
        var syncSpool = _toUpload.Count > 0;
        // Nothing pending in the saved state: every record before its positions is in the store (or was dropped).
        var reportable = _state.Pending.Count == 0 ? new Dictionary<int, long>(_state.Positions) : null;
        var spool = _spool;
        var directory = _context.StateDirectory;
        var written = Task.Run(() =>
        {
            if (syncSpool)
            {
                DeliveryState.SyncDirectory(spool);
            }
            DeliveryState.Write(directory, contents);
        });
        _saving = new SaveInFlight(written, [.. _toUpload], [.. _toDelete], reportable);
        _toUpload.Clear();
        _toDelete.Clear();
        _lastSaveTicks = Environment.TickCount64;
        _committedUnsaved = false;
        _uploadedUnsaved = false;
    }

    /// <summary>
    /// Once the save in the background is durable (waiting for it when <paramref name="wait"/>): deletes the spool files
    /// it no longer lists, hands its new pending objects to the uploader, and makes its positions reportable when it
    /// lists nothing pending. A failed save fails the pipeline, as a save on this task did.
    /// </summary>
    private async Task FinishSaveAsync(bool wait)
    {
        if (_saving is not { } saving || (!wait && !saving.Written.IsCompleted))
        {
            return;
        }
        await saving.Written.ConfigureAwait(false);
        _saving = null;
        foreach (var spool in saving.ToDelete)
        {
            File.Delete(Path.Combine(_spool, spool));
        }
        foreach (var (pending, positions) in saving.ToUpload)
        {
            _uploader!.Enqueue(pending, positions);
        }
        if (saving.Reportable is { } reportable)
        {
            _reportable = reportable;
        }
    }

    /// <summary>Saves now: waits for a save in the background, then saves and waits for that one too.</summary>
    private async Task SaveAsync()
    {
        await FinishSaveAsync(wait: true).ConfigureAwait(false);
        StartSave();
        await FinishSaveAsync(wait: true).ConfigureAwait(false);
    }

    /// <summary>Tells the source the latest positions before which every record is in the store (after the state that holds them is durable).</summary>
    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        if (_reportable is { } reportable)
        {
            _reportable = null;
            await _source.CommitAsync(reportable, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until everything closed so far is committed, saved and uploaded, then saves and reports.</summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        await CommitEncodedAsync(all: true, cancellationToken).ConfigureAwait(false);
        await SaveAsync().ConfigureAwait(false);
        while (_uploader!.Outstanding > 0)
        {
            await _uploader.WaitForUploadedAsync(cancellationToken).ConfigureAwait(false);
            TakeUploaded();
        }
        await SaveAsync().ConfigureAwait(false);
        await ReportAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the uploader and waits for spool files still being written (their objects were never committed).</summary>
    private async Task StopAsync()
    {
        if (_saving is { } saving)
        {
            // A save still being written when the pipeline failed or stopped: it must not touch the spool after return.
            _saving = null;
            try
            {
                await saving.Written.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _context.Logger.LogDebug(e, "{Pipeline}: a state save failed while stopping.", _definition.Name);
            }
        }
        if (_uploader is { } uploader)
        {
            await uploader.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var job in _encoding)
        {
            try
            {
                await job.Encoded.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _context.Logger.LogDebug(e, "{Pipeline}: an object not committed failed to encode while stopping.", _definition.Name);
            }
        }
        _encoding.Clear();
    }

    /// <summary>
    /// Positions = per partition, the first offset still in an open buffer or in an object not yet committed, else the
    /// next offset to read; marks behind it go.
    /// </summary>
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
            foreach (var job in _encoding)
            {
                if (job.Buffer.SortedRanges.TryGetValue(partition, out var range))
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
        _stateVersion++;
        _positionsDirty = false;
    }

    /// <summary>Step (3) at start, before reading: uploads every pending object a previous run left (retrying with back-off until it succeeds or the pipeline stops).</summary>
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
                    await Task.Delay(ObjectUploader.RetryDelay(attempt), cancellationToken).ConfigureAwait(false);
                }
            }
            if (pending.CountsAsDelivered)
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
    /// At start only (nothing is being written): deletes spool files no pending object names — uploaded ones, and
    /// objects whose state never became durable.
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

    /// <summary>
    /// About once a second, a save for positions that moved without an object (dropped records, records already
    /// delivered, reading on after every buffer was written).
    /// </summary>
    private bool IdleSaveDue()
    {
        if (Environment.TickCount64 - _lastSaveTicks < 1000 || _encoding.Count > 0)
        {
            return false;
        }
        if (_positionsDirty)
        {
            return true;
        }
        if (_buffers.Count > 0)
        {
            return false;
        }
        foreach (var (partition, next) in _readNext)
        {
            if (_state.Positions.GetValueOrDefault(partition) < next)
            {
                return true;
            }
        }
        return false;
    }

    private void UpdateFreshness()
    {
        var oldest = long.MaxValue;
        foreach (var buffer in _buffers.Values)
        {
            oldest = Math.Min(oldest, buffer.OldestArrivalMs);
        }
        foreach (var job in _encoding)
        {
            oldest = Math.Min(oldest, job.Buffer.OldestArrivalMs);
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

    /// <summary>A state save being written in the background, and what waits for it to be durable.</summary>
    /// <param name="Written">Completes when the spool directory (if needed) and the state file are fsynced.</param>
    /// <param name="ToUpload">Objects the saved state lists as new pending ones: uploaded once it is durable.</param>
    /// <param name="ToDelete">Spool files of uploaded objects the saved state no longer lists: deleted once it is durable.</param>
    /// <param name="Reportable">The saved positions when the saved state lists nothing pending, else null.</param>
    private sealed record SaveInFlight(Task Written, List<(PendingObject Pending, IReadOnlyDictionary<int, long> Positions)> ToUpload, List<string> ToDelete, IReadOnlyDictionary<int, long>? Reportable);
}
