using Tributary.Foundation.Buffers;
using Tributary.Protocol;
using Tributary.Protocol.Records;

namespace Tributary.Client;

/// <summary>
/// One partition's fetched batches not yet handed out, decoded a poll at a time (the Java consumer's completed fetch,
/// from which each poll takes at most <c>max.poll.records</c>). The fetch's frame stays leased until the last record
/// is out. Decoding a whole fetch at once made every record of it (a producer's 1 MB batch is ten thousand records)
/// live until the last of them was put, so each young collection promoted megabytes and most escalated to full ones.
/// Contract: records come out in offset order, each at or after <see cref="Position"/>, which then moves past it (and
/// past a batch's last offset once the batch is done, so compacted gaps and control batches are stepped over).
/// One caller at a time: the consumer's poll owns it.
/// </summary>
internal sealed class FetchCursor : IDisposable
{
    private readonly FetchedPartition _fetched;
    private IDisposable? _lease;

    /// <summary>The decompressed records section of the open batch when it is compressed (made on first need).</summary>
    private PooledBufferWriter? _scratch;

    /// <summary>Byte offset in the fetched records of the next batch to open.</summary>
    private int _nextBatch;

    /// <summary>The open batch: its place in the fetched records (size 0: none open) and its header fields.</summary>
    private int _batchStart, _batchSize;
    private bool _compressed, _logAppendTime;
    private long _baseOffset, _baseTimestamp, _maxTimestamp, _batchNextOffset;

    /// <summary>Byte offset of the open batch's next record in its records section, and how many records are left.</summary>
    private int _recordAt, _recordsLeft;

    /// <summary>Records not yet read in the whole fetch (from the batch headers): sizes the caller's list once.</summary>
    private int _unread;

    /// <param name="lease">The fetch's frame, disposed with the cursor (null: nothing to give back).</param>
    public FetchCursor(FetchedPartition fetched, IDisposable? lease, long position)
    {
        _fetched = fetched;
        _lease = lease;
        Position = position;
        var span = fetched.Records.Span;
        for (int size; (size = RecordBatch.FirstWholeBatchSize(span)) > 0; span = span[size..])
        {
            // A record takes at least a few bytes: a corrupt count cannot ask for more than the batch could hold.
            _unread += Math.Clamp(RecordBatch.RecordsCount(span[..size]), 0, size);
        }
    }

    public string Topic => _fetched.Topic;

    public int Partition => _fetched.Partition;

    /// <summary>The next offset to hand out.</summary>
    public long Position { get; private set; }

    /// <summary>Whether every whole batch of the fetch has been read.</summary>
    public bool Exhausted => _batchSize == 0 && RecordBatch.FirstWholeBatchSize(_fetched.Records.Span[_nextBatch..]) <= 0;

    /// <summary>Adds up to <paramref name="max"/> records to <paramref name="into"/>; returns how many it added.</summary>
    public int Read(List<ConsumedRecord> into, int max)
    {
        into.EnsureCapacity(into.Count + Math.Min(max, _unread));
        var added = 0;
        while (added < max && (_batchSize > 0 || OpenNextBatch()))
        {
            var batch = _fetched.Records.Span.Slice(_batchStart, _batchSize);
            var section = _compressed ? _scratch!.WrittenSpan : batch[RecordBatchLayout.RecordsOffset..];
            var reader = new RecordReader(section[_recordAt..], _recordsLeft);
            while (added < max && reader.TryReadNext(out var record))
            {
                _recordsLeft--;
                _unread--;
                var offset = _baseOffset + record.OffsetDelta;
                if (offset < Position)
                {
                    // Before the fetch position (a batch starting below it) or already handed out.
                    continue;
                }
                into.Add(new ConsumedRecord(_fetched.Topic, _fetched.Partition, offset, _logAppendTime ? _maxTimestamp : _baseTimestamp + record.TimestampDelta,
                    record.HasKey ? record.Key.ToArray() : null, record.HasValue ? record.Value.ToArray() : null)
                {
                    Headers = record.HeaderCount == 0 ? [] : DecodeHeaders(record.Headers, record.HeaderCount),
                    LogAppendTime = _logAppendTime,
                });
                Position = offset + 1;
                added++;
            }
            _recordAt = section.Length - reader.RemainingBytes;
            if (_recordsLeft == 0)
            {
                // Checks the batch has no bytes after its last record, as a reader run to its end does.
                reader.TryReadNext(out _);
                Position = Math.Max(Position, _batchNextOffset);
                _batchSize = 0;
            }
        }
        return added;
    }

    private bool OpenNextBatch()
    {
        var rest = _fetched.Records.Span[_nextBatch..];
        var size = RecordBatch.FirstWholeBatchSize(rest);
        if (size <= 0)
        {
            return false;
        }
        var batch = rest[..size];
        _batchStart = _nextBatch;
        _batchSize = size;
        _nextBatch += size;
        _baseOffset = RecordBatch.BaseOffset(batch);
        _baseTimestamp = RecordBatch.BaseTimestamp(batch);
        _logAppendTime = RecordBatch.IsLogAppendTime(batch);
        _maxTimestamp = RecordBatch.MaxTimestamp(batch);
        _batchNextOffset = RecordBatch.NextOffset(batch);
        _recordsLeft = Math.Max(0, RecordBatch.RecordsCount(batch));
        _recordAt = 0;
        _compressed = RecordBatch.Codec(batch) != Tributary.Protocol.Compression.CompressionCodec.None;
        if (_compressed)
        {
            BatchRecords.Decode(batch, _scratch ??= new PooledBufferWriter());
        }
        return true;
    }

    /// <summary>Decodes a record's headers section: [keyLength varint, key, valueLength varint (-1: null), value]*.</summary>
    private static RecordHeader[] DecodeHeaders(ReadOnlySpan<byte> encoded, int count)
    {
        var headers = new RecordHeader[count];
        for (var i = 0; i < count; i++)
        {
            if (!Varint.TryReadVarint(encoded, out var keyLength, out var read) || keyLength < 0 || keyLength > encoded.Length - read)
            {
                throw new KafkaClientException(2, "Corrupt record header.");
            }
            var key = System.Text.Encoding.UTF8.GetString(encoded.Slice(read, keyLength));
            encoded = encoded[(read + keyLength)..];
            if (!Varint.TryReadVarint(encoded, out var valueLength, out read) || valueLength > encoded.Length - read)
            {
                throw new KafkaClientException(2, "Corrupt record header.");
            }
            headers[i] = new RecordHeader(key, valueLength < 0 ? null : encoded.Slice(read, valueLength).ToArray());
            encoded = encoded[(read + Math.Max(0, valueLength))..];
        }
        return headers;
    }

    public void Dispose()
    {
        _lease?.Dispose();
        _lease = null;
        _scratch?.Dispose();
        _scratch = null;
    }
}
