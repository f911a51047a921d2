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

    private DeliveryState _state = new();
    private ObjectUploader? _uploader;
    private IReadOnlyDictionary<int, long>? _reportable;
    private long _buffered;
    private long _lastSaveTicks;
    private bool _positionsDirty;
    private bool _committedUnsaved;
    private bool _uploadedUnsaved;
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
                Save();
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
            // Finished uploads alone wait for the next save while objects are being written (their removal from
            // pending only spares a second upload after a crash).
            if (_committedUnsaved || (_uploadedUnsaved && _encoding.Count == 0) || IdleSaveDue())
            {
                Save();
            }
            await ReportAsync(cancellationToken).ConfigureAwait(false);
            UpdateFreshness();
        }
        // Stopped: what finished is recorded (uploads done need no second upload after a restart); the rest is read again.
        await CommitEncodedAsync(all: false, CancellationToken.None).ConfigureAwait(false);
        TakeUploaded();
        if (_committedUnsaved || _uploadedUnsaved)
        {
            Save();
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
        var lastPartition = -1;
        var lastNext = 0L;
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
            var added = AddAsync(buffer, id, record, isSourceCopy: false, now, cancellationToken);
            if (!added.IsCompletedSuccessfully)
            {
                await added.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Adds a record to its buffer (opening it when <paramref name="buffer"/> is null or the flush policy starts a new
    /// object), then closes the buffer when the policy says it is full, and the largest buffers past the memory bound.
    /// Completes synchronously unless it has to wait for an object being encoded.
    /// </summary>
    private ValueTask AddAsync(RecordBuffer<TRecord>? buffer, string id, TRecord record, bool isSourceCopy, long now, CancellationToken cancellationToken)
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
        return wait || _buffered > _context.MaxBufferedBytes ? MakeRoomAsync(cancellationToken) : ValueTask.CompletedTask;
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
    /// <see cref="Save"/> makes it durable and hands the objects to the uploader.
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
    /// Saves the state (after an fsync of the spool directory when new spool files are listed), then deletes the spool
    /// files it no longer lists and hands its new pending objects to the uploader.
    /// </summary>
    private void Save()
    {
        if (_toUpload.Count > 0)
        {
            DeliveryState.SyncDirectory(_spool);
        }
        AdvancePositions();
        _state.Save(_context.StateDirectory);
        _lastSaveTicks = Environment.TickCount64;
        _committedUnsaved = false;
        _uploadedUnsaved = false;
        foreach (var spool in _toDelete)
        {
            File.Delete(Path.Combine(_spool, spool));
        }
        _toDelete.Clear();
        foreach (var (pending, positions) in _toUpload)
        {
            _uploader!.Enqueue(pending, positions);
        }
        _toUpload.Clear();
        if (_uploader!.Outstanding == 0 && _encoding.Count == 0)
        {
            // Every object listed so far is in the store: the saved positions themselves are durable.
            _reportable = new Dictionary<int, long>(_state.Positions);
        }
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
        Save();
        while (_uploader!.Outstanding > 0)
        {
            await _uploader.WaitForUploadedAsync(cancellationToken).ConfigureAwait(false);
            TakeUploaded();
        }
        Save();
        await ReportAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the uploader and waits for spool files still being written (their objects were never committed).</summary>
    private async Task StopAsync()
    {
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
}
