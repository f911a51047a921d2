using System.Globalization;
using System.Threading.Channels;
using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;

namespace Tributary.Delivery.Tests.Engine;

/// <summary>
/// A second configuration dialect, written for the tests only, in the shape of a Connect S3 sink: one buffer per
/// source partition (Confluent's DefaultPartitioner, <c>partition=N</c>), objects rotated by record count
/// (<c>flush.size</c>), by record time (<c>rotate.interval.ms</c>) or on a wall-clock schedule
/// (<c>rotate.schedule.interval.ms</c>), named <c>topics/TOPIC/partition=N/TOPIC+N+START.txt</c> after the start offset
/// padded to 10 digits, holding the values as lines. It shows the engine needs no Firehose concept.
/// </summary>
internal static class TestDialect
{
    public const string Bucket = "sink";

    public static PipelineDefinition<LineRecord> Create(string topic, int flushSize = int.MaxValue, long rotateIntervalMs = long.MaxValue, long scheduleIntervalMs = long.MaxValue) => new()
    {
        Name = "test-sink-" + topic,
        Version = 1,
        Processor = new LineProcessor(),
        Router = new PartitionRouter(),
        Flush = new Rotation(flushSize, rotateIntervalMs, scheduleIntervalMs),
        Objects = new TopicLayout(topic),
    };

    public static string Key(string topic, int partition, long startOffset) =>
        $"topics/{topic}/partition={partition}/{topic}+{partition}+{startOffset.ToString("D10", CultureInfo.InvariantCulture)}.txt";

    /// <summary>A record's value as one line.</summary>
    public sealed class LineRecord(SourceRecord source) : DeliveryRecord(source)
    {
        public override long Size => Source.Data.Length + 1;
    }

    private sealed class LineProcessor : IRecordProcessor<LineRecord>
    {
        public string? SourceCopyBufferId => null;

        public LineRecord CopyOf(SourceRecord record) => throw new NotSupportedException();

        public Task<List<LineRecord>> ProcessAsync(IReadOnlyList<SourceRecord> records, CancellationToken cancellationToken) =>
            Task.FromResult(records.Select(r => new LineRecord(r)).ToList());
    }

    private sealed class PartitionRouter : IBufferRouter<LineRecord>
    {
        public string Route(LineRecord record) => "partition=" + record.Source.Partition.ToString(CultureInfo.InvariantCulture);

        public string Admit(LineRecord record, string bufferId, IReadOnlyCollection<string> open) => bufferId;
    }

    private sealed class Rotation(int flushSize, long rotateIntervalMs, long scheduleIntervalMs) : IFlushPolicy<LineRecord>
    {
        public bool StartsNewObject(RecordBuffer<LineRecord> buffer, LineRecord record) =>
            record.Source.ArrivalMs - buffer.First.Source.ArrivalMs >= rotateIntervalMs;

        public bool IsFull(RecordBuffer<LineRecord> buffer) => buffer.Records.Count >= flushSize;

        public bool IsDue(RecordBuffer<LineRecord> buffer, long nowTicks) => nowTicks - buffer.CreatedTicks >= scheduleIntervalMs;
    }

    private sealed class TopicLayout(string topic) : IObjectLayout<LineRecord>
    {
        private readonly LinesEncoder _encoder = new();

        public IReadOnlyList<string> Buckets { get; } = [Bucket];

        /// <summary>One partition per buffer: the key is its partition and the first offset in it.</summary>
        public ObjectPlan<LineRecord> Plan(RecordBuffer<LineRecord> buffer, string objectId)
        {
            var (partition, range) = buffer.Ranges.Single();
            return new ObjectPlan<LineRecord> { Bucket = Bucket, Key = Key(topic, partition, range.First), SpoolSuffix = ".txt", Encoder = _encoder };
        }
    }

    private sealed class LinesEncoder : IObjectEncoder<LineRecord>
    {
        public EncodedObject<LineRecord> Write(Stream output, string key, IReadOnlyList<LineRecord> records)
        {
            long bytes = 0;
            foreach (var record in records)
            {
                output.Write(record.Source.Data.Span);
                output.WriteByte((byte)'\n');
                bytes += record.Source.Data.Length;
            }
            return new(records.Count, bytes, []);
        }
    }
}

/// <summary>
/// A push source, as a sink task is: records are handed in (<see cref="PutAsync"/>, Connect's <c>put</c>) and queued,
/// and <see cref="Durable"/> gives the offsets the engine committed (Connect's <c>preCommit</c>). Each commit is checked
/// by <paramref name="onCommit"/> at the moment the engine makes it.
/// </summary>
internal sealed class PushSource(IReadOnlyList<int> partitions, Action<IReadOnlyDictionary<int, long>> onCommit) : IDeliverySource
{
    private readonly Channel<SourceRecord> _queue = Channel.CreateBounded<SourceRecord>(1000);
    private volatile IReadOnlyDictionary<int, long> _durable = new Dictionary<int, long>();

    public IReadOnlyDictionary<int, long> Durable => _durable;

    public string Description => "records handed in by the test";

    public int AssignmentEpoch => 0;

    public long? Lag => null;

    /// <summary>Waits while the queue is full: a caller cannot run ahead of the engine by more than the queue.</summary>
    public async Task PutAsync(IEnumerable<SourceRecord> records)
    {
        foreach (var record in records)
        {
            await _queue.Writer.WriteAsync(record);
        }
    }

    /// <summary>The engine's saved positions where it has them, else the start of each partition.</summary>
    public Task<IReadOnlyDictionary<int, long>> StartAsync(IReadOnlyDictionary<int, long> saved, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(partitions.ToDictionary(p => p, p => saved.GetValueOrDefault(p)));

    public async ValueTask PollAsync(List<SourceRecord> into, int maxWaitMs, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(maxWaitMs);
        try
        {
            await _queue.Reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return;
        }
        while (into.Count < 500 && _queue.Reader.TryRead(out var record))
        {
            into.Add(record);
        }
    }

    public void Seek(int partition, long offset) => throw new NotSupportedException("the engine never rewinds this source");

    public Task CommitAsync(IReadOnlyDictionary<int, long> positions, CancellationToken cancellationToken)
    {
        var copy = new Dictionary<int, long>(positions);
        onCommit(copy);
        _durable = copy;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
