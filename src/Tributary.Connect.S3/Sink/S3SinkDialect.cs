using System.Globalization;
using Tributary.Connect.S3.Formats;
using Tributary.Delivery.Dialect;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// The S3 sink as a dialect of the sink engine (docs/delivery-streams.md, "A second dialect"), for one topic: records
/// arrive processed (partitioned and, for the line formats, encoded) from the task; buffers are files — one per Kafka
/// partition and encoded partition; rotation is Confluent's; keys are Confluent's.
/// </summary>
public static class S3SinkDialect
{
    /// <summary>The settings of one topic's pipeline.</summary>
    public sealed record Settings
    {
        public required string Topic { get; init; }

        public required string Bucket { get; init; }

        public required ObjectKeys Keys { get; init; }

        public required IRecordFormat Format { get; init; }

        /// <summary>
        /// The views written beside each value file, in the order of <see cref="SinkSourceRecord.Views"/>: the keys
        /// (affix <c>.keys</c>) with <c>store.kafka.keys</c>, then the headers (<c>.headers</c>) with <c>store.kafka.headers</c>.
        /// </summary>
        public IReadOnlyList<ViewFile> Views { get; init; } = [];

        public required int FlushSize { get; init; }

        /// <summary><c>rotate.interval.ms</c>, or -1; applies only with a time-based partitioner.</summary>
        public long RotateIntervalMs { get; init; } = -1;

        /// <summary><c>rotate.schedule.interval.ms</c>, or -1.</summary>
        public long RotateScheduleIntervalMs { get; init; } = -1;

        public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;

        /// <summary>True when the partitioner depends on the clock (Wallclock): one buffer per Kafka partition.</summary>
        public bool ClockPartitioned { get; init; }

        public bool TimeBased { get; init; }

        /// <summary>Wall clock in ms; tests replace it.</summary>
        public Func<long> Clock { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>A companion file of every value file: its name's affix (inserted before the format's extension) and its format.</summary>
    public sealed record ViewFile(string Affix, IRecordFormat Format);

    public static PipelineDefinition<S3Record> Create(Settings settings, string connector) => new()
    {
        Name = "connect-s3:" + connector + ":" + settings.Topic,
        Version = 1,
        Processor = new Processor(),
        Router = new Router(settings.ClockPartitioned),
        Flush = new Rotation(settings),
        Objects = new Layout(settings),
    };

    /// <summary>The task did the work on its thread: here a source record becomes its buffered record.</summary>
    private sealed class Processor : IRecordProcessor<S3Record>
    {
        public string? SourceCopyBufferId => null;

        public S3Record CopyOf(SourceRecord record) => throw new NotSupportedException("the S3 sink keeps no source copy");

        public Task<List<S3Record>> ProcessAsync(IReadOnlyList<SourceRecord> records, CancellationToken cancellationToken)
        {
            var processed = new List<S3Record>(records.Count);
            foreach (var record in records)
            {
                processed.Add(new S3Record((SinkSourceRecord)record));
            }
            return Task.FromResult(processed);
        }
    }

    /// <summary>
    /// Buffer ids: <c>p&lt;partition&gt;|&lt;encoded partition&gt;</c>, a pure function of the record for every
    /// partitioner but a clock-based one. With the Wallclock extractor the id is <c>p&lt;partition&gt;</c>: a record
    /// read again after a crash may fall into another time bucket, so only one file per Kafka partition is open at a
    /// time and each file holds a contiguous run of offsets — the state's position then says alone what is delivered.
    /// </summary>
    private sealed class Router(bool clockPartitioned) : IBufferRouter<S3Record>
    {
        private int _lastPartition = -1;
        private string? _lastEncoded;
        private string _lastId = "";

        /// <summary>
        /// Records come in runs of one partition and encoded partition: the run's id is made once and the same string
        /// returned for each of its records (the engine then reuses its buffer without a lookup).
        /// </summary>
        public string Route(S3Record record)
        {
            var encoded = clockPartitioned ? "" : record.Sink.EncodedPartition;
            if (record.Source.Partition != _lastPartition || !string.Equals(encoded, _lastEncoded, StringComparison.Ordinal))
            {
                _lastPartition = record.Source.Partition;
                _lastEncoded = encoded;
                var partition = "p" + _lastPartition.ToString(CultureInfo.InvariantCulture);
                _lastId = clockPartitioned ? partition : partition + "|" + encoded;
            }
            return _lastId;
        }

        public string Admit(S3Record record, string bufferId, IReadOnlyCollection<string> open) => bufferId;
    }

    /// <summary>
    /// Confluent's rotation: <c>flush.size</c> records; a record whose timestamp is <c>rotate.interval.ms</c> or more
    /// past the file's first (time-based partitioners); a change of value schema; a wall-clock schedule aligned to
    /// midnight of <c>timezone</c>. Beyond Confluent: a file also rotates once it has been open
    /// <c>rotate.interval.ms</c> of wall-clock time, so quiet partitions do not keep files open forever.
    /// </summary>
    private sealed class Rotation(Settings settings) : IFlushPolicy<S3Record>
    {
        public bool StartsNewObject(RecordBuffer<S3Record> buffer, S3Record record)
        {
            if (settings.ClockPartitioned && record.Sink.EncodedPartition != buffer.First.Sink.EncodedPartition)
            {
                return true;
            }
            if (settings.RotateIntervalMs > 0 && settings.TimeBased
                && record.Sink.TimestampMs - buffer.First.Sink.TimestampMs >= settings.RotateIntervalMs)
            {
                return true;
            }
            var previous = buffer.Records[^1].Sink;
            if (Changed(previous.ValueSchema, record.Sink.ValueSchema))
            {
                return true;
            }
            // A view file of one schema (Avro, Parquet keys) starts anew when the key's schema changes.
            for (var i = 0; i < settings.Views.Count; i++)
            {
                if (settings.Views[i].Format.OneSchemaPerFile && previous.Views.Count > i && record.Sink.Views.Count > i && Changed(previous.Views[i].ValueSchema, record.Sink.Views[i].ValueSchema))
                {
                    return true;
                }
            }
            return false;
        }

        private static bool Changed(Data.Schema? last, Data.Schema? next) =>
            !ReferenceEquals(last, next) && (last is null || next is null || !last.Equals(next));

        public bool IsFull(RecordBuffer<S3Record> buffer) => buffer.Records.Count >= settings.FlushSize;

        public bool IsDue(RecordBuffer<S3Record> buffer, long nowTicks)
        {
            var openMs = nowTicks - buffer.CreatedTicks;
            if (settings.RotateIntervalMs > 0 && openMs >= settings.RotateIntervalMs)
            {
                return true;
            }
            if (settings.RotateScheduleIntervalMs > 0)
            {
                var now = settings.Clock();
                return now >= NextScheduledRotation(now - openMs, settings.RotateScheduleIntervalMs, settings.Zone);
            }
            return false;
        }
    }

    /// <summary>
    /// The first scheduled rotation after <paramref name="openedMs"/>: the schedule counts intervals from 00:00 of the
    /// day in <paramref name="zone"/> (Confluent's DateTimeUtils.getNextTimeAdjustedByDay).
    /// </summary>
    public static long NextScheduledRotation(long openedMs, long intervalMs, TimeZoneInfo zone)
    {
        var opened = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(openedMs), zone);
        var midnight = new DateTimeOffset(opened.Date, zone.GetUtcOffset(opened.Date)).ToUnixTimeMilliseconds();
        var sinceMidnight = openedMs - midnight;
        return midnight + ((sinceMidnight / intervalMs) + 1) * intervalMs;
    }

    /// <summary>
    /// One Kafka partition per buffer: the key is Confluent's, from the file's first offset. Each view file is a companion
    /// of the value file, named like it with the view's affix before its own format's extension
    /// (<c>events+0+0000000000.keys.avro</c>); a buffer of tombstones (<c>behavior.on.null.values=write</c>) has no value
    /// file, so its first view file is its main object.
    /// </summary>
    private sealed class Layout(Settings settings) : IObjectLayout<S3Record>
    {
        public IReadOnlyList<string> Buckets { get; } = [settings.Bucket];

        public ObjectPlan<S3Record> Plan(RecordBuffer<S3Record> buffer, string objectId)
        {
            var first = buffer.First.Sink;
            var start = buffer.Ranges[first.Partition].First;
            string Key(string extension) => settings.Keys.FileKey(settings.Topic, first.EncodedPartition, first.Partition, start, extension);
            var files = new List<(string Key, string Suffix, IObjectEncoder<S3Record> Encoder)>(1 + settings.Views.Count);
            if (!first.IsTombstone)
            {
                files.Add((Key(settings.Format.Extension), ".s3", settings.Format.Encoder));
            }
            for (var i = 0; i < settings.Views.Count; i++)
            {
                var view = settings.Views[i];
                files.Add((Key(view.Affix + view.Format.Extension), ".s3" + view.Affix, new RecordViewEncoder(view.Format.Encoder, i)));
            }
            return new ObjectPlan<S3Record>
            {
                Bucket = settings.Bucket,
                Key = files[0].Key,
                SpoolSuffix = files[0].Suffix,
                Encoder = files[0].Encoder,
                Companions = [.. files.Skip(1).Select(f => new CompanionPlan<S3Record>(f.Key, f.Suffix, f.Encoder))],
            };
        }
    }
}
