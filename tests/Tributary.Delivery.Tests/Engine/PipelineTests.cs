using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;
using Tributary.ObjectStores;
using LineRecord = Tributary.Delivery.Tests.Engine.TestDialect.LineRecord;

namespace Tributary.Delivery.Tests.Engine;

/// <summary>
/// The engine under <see cref="TestDialect"/>, a dialect with no Firehose concept: a push source, per-partition
/// buffers, rotation by record count, by record time and on a schedule, keys from start offsets.
/// </summary>
[Trait("Category", "process")]
public sealed class PipelineTests
{
    private const string Topic = "events";
    private const long FirstArrivalMs = 1_700_000_000_000;

    [Fact]
    public async Task Records_handed_in_land_in_exactly_one_object_each_across_a_crash_and_only_durable_offsets_are_reported()
    {
        using var temp = Tools.TempDirectory();
        var objects = temp.File("objects");
        var state = temp.File("state");
        // Whenever the engine reports offsets durable, every record before them must already be in a stored object.
        var violations = new ConcurrentQueue<string>();
        void Check(IReadOnlyDictionary<int, long> positions)
        {
            foreach (var (partition, next) in positions)
            {
                var stored = StoredOffsets(objects, partition);
                for (var offset = 0L; offset < next; offset++)
                {
                    if (!stored.Contains(offset))
                    {
                        violations.Enqueue($"offset {next} of partition {partition} reported durable, but offset {offset} is in no object");
                    }
                }
            }
        }

        // First run: the third object's upload fails until the process "crashes" (the pipeline is stopped without delivering its buffers).
        var failing = new FailingStore(new LocalDirectoryStore(objects), failAfter: 2);
        var first = new PushSource([0, 1], Check);
        using (var stop = new CancellationTokenSource())
        {
            var run = new DeliveryPipeline<LineRecord>(TestDialect.Create(Topic, flushSize: 10), first, Context(failing, state)).RunAsync(stop.Token);
            await first.PutAsync([.. Records(0, 0, 25), .. Records(1, 0, 13)]);
            await WaitForAsync(() => failing.Failures > 0, "the third upload to fail");
            await stop.CancelAsync();
            await StoppedAsync(run);
        }
        Assert.Equal(new Dictionary<int, long> { [0] = 20, [1] = 0 }, first.Durable);
        Assert.Equal([TestDialect.Key(Topic, 0, 0), TestDialect.Key(Topic, 0, 10)], Keys(objects));

        // Second run on the same state, with a store that works: the sink framework hands records in again from the
        // offsets it was told are durable, and more after them.
        var second = new PushSource([0, 1], Check);
        var counters = new DeliveryCounters();
        using (var stop = new CancellationTokenSource())
        {
            var run = new DeliveryPipeline<LineRecord>(TestDialect.Create(Topic, flushSize: 10), second, Context(new LocalDirectoryStore(objects), state, counters)).RunAsync(stop.Token);
            await second.PutAsync([.. Records(0, first.Durable[0], 30), .. Records(1, first.Durable[1], 20)]);
            await WaitForAsync(() => second.Durable.GetValueOrDefault(0) == 30 && second.Durable.GetValueOrDefault(1) == 20, "offsets 30 and 20 to be durable");
            await stop.CancelAsync();
            await StoppedAsync(run);
        }

        string[] expected =
        [
            TestDialect.Key(Topic, 0, 0), TestDialect.Key(Topic, 0, 10), TestDialect.Key(Topic, 0, 20),
            TestDialect.Key(Topic, 1, 0), TestDialect.Key(Topic, 1, 10),
        ];
        Assert.Equal(expected, Keys(objects));
        foreach (var key in expected)
        {
            // Each object: its ten records, in offset order, from the offset its name gives.
            var partition = key.Contains("partition=1", StringComparison.Ordinal) ? 1 : 0;
            var start = long.Parse(key[^14..^4], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Records(partition, start, start + 10).Select(r => Encoding.UTF8.GetString(r.Data.Span)), Lines(objects, key));
        }
        // The object left pending by the crash, then the two new ones.
        Assert.Equal(30, counters.Snapshot(0).DeliveredRecords);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task A_record_past_the_rotation_interval_by_record_time_starts_a_new_object_and_an_idle_buffer_goes_on_schedule()
    {
        using var temp = Tools.TempDirectory();
        var objects = temp.File("objects");
        var source = new PushSource([0], _ => { });
        using var stop = new CancellationTokenSource();
        // Records 300 ms apart by their own time; objects span less than 1 s of it. The schedule (wall clock) writes
        // the last, idle buffer.
        var dialect = TestDialect.Create(Topic, rotateIntervalMs: 1000, scheduleIntervalMs: 1500);
        var run = new DeliveryPipeline<LineRecord>(dialect, source, Context(new LocalDirectoryStore(objects), temp.File("state"))).RunAsync(stop.Token);
        await source.PutAsync(Records(0, 0, 10, spacingMs: 300));
        await WaitForAsync(() => source.Durable.GetValueOrDefault(0) == 10, "every record in an object");
        await stop.CancelAsync();
        await StoppedAsync(run);

        Assert.Equal([TestDialect.Key(Topic, 0, 0), TestDialect.Key(Topic, 0, 4), TestDialect.Key(Topic, 0, 8)], Keys(objects));
        Assert.Equal(["p0-o4", "p0-o5", "p0-o6", "p0-o7"], Lines(objects, TestDialect.Key(Topic, 0, 4)));
        Assert.Equal(["p0-o8", "p0-o9"], Lines(objects, TestDialect.Key(Topic, 0, 8)));
    }

    private static PipelineContext Context(IObjectStore store, string stateDirectory, DeliveryCounters? counters = null) => new()
    {
        Store = store,
        StateDirectory = stateDirectory,
        Counters = counters ?? new DeliveryCounters(),
        Logger = NullLogger.Instance,
        PollWaitMs = 50,
    };

    /// <summary>Records <paramref name="from"/> to <paramref name="to"/> (exclusive) of a partition, valued <c>pP-oO</c>.</summary>
    private static List<SourceRecord> Records(int partition, long from, long to, long spacingMs = 10) =>
        [.. Enumerable.Range(0, (int)(to - from)).Select(i => from + i)
            .Select(o => new SourceRecord(partition, o, FirstArrivalMs + (o * spacingMs), null, Encoding.UTF8.GetBytes($"p{partition}-o{o}")))];

    /// <summary>A stopped pipeline ends by returning or by the cancellation (or the failing put) it was stopped in.</summary>
    private static async Task StoppedAsync(Task run)
    {
        try
        {
            await run;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    private static List<string> Keys(string objects)
    {
        var bucket = Path.Combine(objects, TestDialect.Bucket);
        return Directory.Exists(bucket)
            ? [.. Directory.EnumerateFiles(bucket, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(bucket, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    private static List<string> Lines(string objects, string key) =>
        [.. File.ReadAllLines(Path.Combine(objects, TestDialect.Bucket, key))];

    private static HashSet<long> StoredOffsets(string objects, int partition) =>
        [.. Keys(objects).Where(k => k.Contains($"partition={partition}/", StringComparison.Ordinal))
            .SelectMany(k => Lines(objects, k)).Select(line => long.Parse(line[(line.IndexOf("-o", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture))];

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
