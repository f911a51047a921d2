using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tributary.Delivery.Compression;
using Tributary.Delivery.Model;
using Tributary.Delivery.Objects;
using Tributary.Delivery.Processing;
using Tributary.Delivery.Sources;

namespace Tributary.Delivery.Engine;

/// <summary>What a pipeline needs besides its definition and source.</summary>
internal sealed record PipelineContext
{
    public required IObjectStore Store { get; init; }

    /// <summary>The stream's own directory: state.json and spool/.</summary>
    public required string StateDirectory { get; init; }

    public required string TablesDirectory { get; init; }

    public required DeliveryCounters Counters { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Bound on the bytes all buffers of the stream hold together.</summary>
    public long MaxBufferedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Bound on distinct dynamic partitions buffered at once (Firehose's 500 active partitions).</summary>
    public int MaxActivePartitions { get; init; } = 500;

    public LambdaTransform? Lambda { get; init; }

    public string? LambdaArn { get; init; }

    public bool KinesisSource { get; init; }

    /// <summary>Count records as incoming when read (direct puts are counted when put).</summary>
    public bool CountIncoming { get; init; } = true;

    /// <summary>How long one poll waits for records.</summary>
    public int PollWaitMs { get; init; } = 200;
}

/// <summary>
/// The sink engine for one stream: poll the source → process → route each record to its buffer → when a buffer is
/// full (size hint), old (interval hint) or the stream's memory bound is reached, write its object.
///
/// <para>Exactly once. Writing an object is three durable steps: (1) the object's bytes go to a spool file, fsynced;
/// (2) the state is saved with the object listed as pending and the positions / delivery marks advanced past its
/// records; (3) the object is put to the store, then removed from pending. A crash before (2) leaves the old state:
/// the records are read again and form a new object; nothing was uploaded. A crash after (2) finds the object pending
/// at start and uploads the same bytes under the same key again. The object key is derived from the records' source
/// positions (and their arrival time), never from the clock of the writer. Sources with positions elsewhere (an
/// external cluster) are told to commit only after (2).</para>
///
/// <para>Memory: buffers hold processed record bytes. Each buffer is flushed at the size hint; all buffers of a stream
/// together are bounded by <see cref="PipelineContext.MaxBufferedBytes"/> (the largest buffer is flushed early when
/// the bound is reached), whatever the number of source partitions; dynamic partitions are bounded in number.</para>
/// </summary>
internal sealed class DeliveryPipeline
{
    private readonly DeliveryStreamDefinition _definition;
    private readonly IDeliverySource _source;
    private readonly PipelineContext _context;
    private readonly ObjectBuilder _builder;
    private readonly ObjectKeys _keys;
    private readonly RecordProcessor _processor;
    private readonly string _spool;
    private readonly string _bucket;
    private readonly string? _backupBucket;
    private readonly Dictionary<string, RecordBuffer> _buffers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _readNext = [];
    private DeliveryState _state = new();
    private long _buffered;
    private long _lastSaveTicks;
    private bool _positionsDirty;
    private int _epoch;

    public DeliveryPipeline(DeliveryStreamDefinition definition, IDeliverySource source, PipelineContext context)
    {
        _definition = definition;
        _source = source;
        _context = context;
        _builder = new ObjectBuilder(definition, context.TablesDirectory);
        _keys = new ObjectKeys(definition);
        _processor = new RecordProcessor(definition.Destination.Processing, context.KinesisSource, context.Lambda);
        _spool = Path.Combine(context.StateDirectory, "spool");
        _bucket = BucketName(definition.Destination.BucketArn);
        _backupBucket = definition.Destination is { S3BackupMode: "Enabled", BackupBucketArn: { } backup } ? BucketName(backup) : null;
    }

    /// <summary><c>arn:aws:s3:::bucket</c> → bucket.</summary>
    public static string BucketName(string bucketArn) => ObjectStores.BucketFromArn(bucketArn);

    private long SizeHintBytes => (long)_definition.Destination.BufferSizeInMBs * 1024 * 1024;

    private long IntervalTicks => _definition.Destination.BufferIntervalInSeconds * 1000L;

    private volatile bool _drainRequested;

    /// <summary>Asks the running pipeline to deliver everything it buffered and return (an update of the destination).</summary>
    public void RequestDrain() => _drainRequested = true;

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (buffered records are read again after a restart) or a drain completes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_spool);
        _state = DeliveryState.Load(_context.StateDirectory);
        _state.Version = _definition.VersionId;
        await _context.Store.EnsureBucketAsync(_bucket, cancellationToken).ConfigureAwait(false);
        if (_backupBucket is not null)
        {
            await _context.Store.EnsureBucketAsync(_backupBucket, cancellationToken).ConfigureAwait(false);
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
        if (_backupBucket is not null)
        {
            // S3BackupMode Enabled: every source record as it arrived, before any processing.
            foreach (var record in records)
            {
                if (!_state.IsDelivered(record.Partition, record.Offset, RecordBuffer.BackupId))
                {
                    await AddAsync(RecordBuffer.BackupId, new ProcessedRecord(record, 0, record.Data), now, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        var processed = await _processor.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < processed.Count; i++)
        {
            var record = processed[i];
            // A source record counts as read once its last part is routed: a flush between its parts must not
            // move the position past the parts still to come.
            var last = i + 1 == processed.Count || processed[i + 1].Source != record.Source;
            _readNext[record.Source.Partition] = Math.Max(_readNext.GetValueOrDefault(record.Source.Partition), last ? record.Source.Offset + 1 : record.Source.Offset);
            if (record.Outcome == ProcessedOutcome.Dropped)
            {
                _positionsDirty = true;
                continue;
            }
            if (record.Outcome == ProcessedOutcome.Ok && _keys.MissingKey(record) is { } missing)
            {
                record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.MissingPartitionKey", $"The record has no value for {missing}, which the Prefix uses.");
            }
            var id = RecordBuffer.IdOf(record);
            if (_state.IsDelivered(record.Source.Partition, record.Source.Offset, id))
            {
                continue;
            }
            if (!_buffers.TryGetValue(id, out var buffer))
            {
                if (record.Outcome == ProcessedOutcome.Ok && id != "ok" && ActivePartitions() >= _context.MaxActivePartitions)
                {
                    record.Fail(ErrorOutputTypes.ProcessingFailed, "DynamicPartitioning.ActivePartitionsLimitExceeded",
                        $"More than {_context.MaxActivePartitions} dynamic partitions are active; the record goes to the error output.");
                    id = RecordBuffer.IdOf(record);
                    if (_state.IsDelivered(record.Source.Partition, record.Source.Offset, id))
                    {
                        continue;
                    }
                }
                if (!_buffers.TryGetValue(id, out buffer))
                {
                    buffer = new RecordBuffer(id, record, now);
                    _buffers[id] = buffer;
                }
            }
            if (record.Outcome == ProcessedOutcome.Failed)
            {
                _context.Counters.Failed(record.ErrorOutputType!, 1);
            }
            await AddAsync(buffer, record, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AddAsync(string id, ProcessedRecord record, long now, CancellationToken cancellationToken)
    {
        if (!_buffers.TryGetValue(id, out var buffer))
        {
            buffer = new RecordBuffer(id, record, now);
            _buffers[id] = buffer;
        }
        await AddAsync(buffer, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a record, then delivers the buffer at the size hint, and the largest buffers past the stream's memory bound.</summary>
    private async Task AddAsync(RecordBuffer buffer, ProcessedRecord record, CancellationToken cancellationToken)
    {
        buffer.Add(record);
        _buffered += record.Data.Length;
        if (buffer.Bytes >= SizeHintBytes)
        {
            await FlushAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        while (_buffered > _context.MaxBufferedBytes && _buffers.Count > 0)
        {
            await FlushAsync(_buffers.Values.MaxBy(b => b.Bytes)!, cancellationToken).ConfigureAwait(false);
        }
    }

    private int ActivePartitions() => _buffers.Keys.Count(k => !k.StartsWith("error:", StringComparison.Ordinal) && k is not ("ok" or RecordBuffer.BackupId));

    private async Task FlushDueAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        foreach (var buffer in _buffers.Values.ToList())
        {
            if (force || now - buffer.CreatedTicks >= IntervalTicks || buffer.Bytes >= SizeHintBytes)
            {
                await FlushAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Steps (1)–(3) of the protocol for one buffer (plus its conversion failures, in the same state save).</summary>
    private async Task FlushAsync(RecordBuffer buffer, CancellationToken cancellationToken)
    {
        _buffers.Remove(buffer.Id);
        _buffered -= buffer.Bytes;
        var objectId = ObjectId(buffer.Id, buffer.Ranges);
        var pending = new List<PendingObject>();
        if (buffer.Id == RecordBuffer.BackupId)
        {
            var spool = objectId + ".bak";
            var key = _keys.BackupKey(buffer.OldestArrivalMs, objectId);
            var bytes = _builder.WriteRaw(Path.Combine(_spool, spool), EntryName(key), buffer.Records, _definition.Destination.BackupCompression);
            pending.Add(new PendingObject
            {
                Spool = spool,
                Bucket = _backupBucket!,
                Key = key,
                Records = buffer.Records.Count,
                Bytes = bytes,
                Backup = true,
                OldestArrivalMs = buffer.OldestArrivalMs,
            });
        }
        else if (buffer.ErrorOutputType is { } errorType)
        {
            pending.Add(BuildErrors(objectId, errorType, buffer.Records, buffer.OldestArrivalMs));
        }
        else if (_builder.ConvertsToParquet)
        {
            var spool = objectId + ".parquet";
            var (bytes, rows, rejected) = _builder.WriteParquet(Path.Combine(_spool, spool), buffer.Records);
            if (rows > 0)
            {
                pending.Add(new PendingObject
                {
                    Spool = spool,
                    Bucket = _bucket,
                    Key = _keys.ObjectKey(buffer, buffer.OldestArrivalMs, objectId),
                    Records = rows,
                    Bytes = bytes,
                    OldestArrivalMs = buffer.OldestArrivalMs,
                });
            }
            else
            {
                File.Delete(Path.Combine(_spool, spool));
            }
            if (rejected.Count > 0)
            {
                _context.Counters.Failed(ErrorOutputTypes.FormatConversionFailed, rejected.Count);
                pending.Add(BuildErrors(ObjectId("conversion:" + buffer.Id, buffer.Ranges), ErrorOutputTypes.FormatConversionFailed, rejected, rejected.Min(r => r.Source.ArrivalMs)));
            }
        }
        else
        {
            var spool = objectId + ".obj";
            var key = _keys.ObjectKey(buffer, buffer.OldestArrivalMs, objectId);
            var bytes = _builder.WriteRaw(Path.Combine(_spool, spool), EntryName(key), buffer.Records, _definition.Destination.Compression);
            pending.Add(new PendingObject
            {
                Spool = spool,
                Bucket = _bucket,
                Key = key,
                Records = buffer.Records.Count,
                Bytes = bytes,
                OldestArrivalMs = buffer.OldestArrivalMs,
            });
        }
        DeliveryState.SyncDirectory(_spool);
        // Step 2: the records count as delivered, the objects as pending.
        foreach (var (partition, (_, next)) in buffer.Ranges)
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

    private PendingObject BuildErrors(string objectId, string errorType, IReadOnlyList<ProcessedRecord> records, long oldest)
    {
        var spool = objectId + ".err";
        var key = _keys.ErrorKey(errorType, oldest, objectId);
        var compression = _builder.ConvertsToParquet ? CompressionFormat.Uncompressed : _definition.Destination.Compression;
        var bytes = _builder.WriteErrors(Path.Combine(_spool, spool), EntryName(key), records, _context.LambdaArn, compression);
        return new PendingObject
        {
            Spool = spool,
            // Firehose writes error output to the destination bucket, under ErrorOutputPrefix.
            Bucket = _bucket,
            Key = key,
            Records = records.Count,
            Bytes = bytes,
            ErrorType = errorType,
            OldestArrivalMs = oldest,
        };
    }

    private static string EntryName(string key) => ObjectCompression.ZipEntryName(key);

    /// <summary>Positions = per partition, the first offset still buffered, else the next offset to read; marks behind it go.</summary>
    private void AdvancePositions()
    {
        foreach (var (partition, next) in _readNext)
        {
            var position = next;
            foreach (var buffer in _buffers.Values)
            {
                if (buffer.Ranges.TryGetValue(partition, out var range))
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

    /// <summary>Step (3): uploads every pending object (retrying with back-off until it succeeds or the stream stops).</summary>
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
                    _context.Logger.LogWarning(e, "Delivery stream {Stream}: writing {Bucket}/{Key} failed (attempt {Attempt}); retrying.", _definition.Name, pending.Bucket, pending.Key, attempt);
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
    /// A UUID-shaped id from the stream, its version, the buffer and the first source position of each partition in
    /// the object: the same records make the same id (and so the same key) when an object is built again.
    /// </summary>
    private string ObjectId(string bufferId, SortedDictionary<int, (long First, long Next)> ranges)
    {
        var text = new StringBuilder();
        text.Append(_definition.Name).Append('\n').Append(_definition.VersionId).Append('\n').Append(bufferId);
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
