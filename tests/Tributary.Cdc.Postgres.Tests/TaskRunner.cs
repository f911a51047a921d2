using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Tributary.Connect.Json;
using Tributary.Connect.Source;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>Committed source offsets kept across task restarts, stored through JSON as the offset topic would (numbers come back as longs).</summary>
public sealed class MemoryOffsetStore : OffsetStorageReader
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, object?>> _offsets = new();

    public void Put(IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?> offset)
    {
        var back = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(offset))!
            .ToDictionary(p => p.Key, p => (object?)(p.Value.ValueKind switch
            {
                JsonValueKind.Number => p.Value.GetInt64(),
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            }));
        _offsets[JsonSerializer.Serialize(partition)] = back;
    }

    public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition) =>
        _offsets.TryGetValue(JsonSerializer.Serialize(partition), out var offset) ? offset : null;

    public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions) =>
        partitions.Select(p => (p, Offset(p))).Where(p => p.Item2 is not null).ToDictionary(p => p.p, p => p.Item2!);
}

/// <summary>
/// Runs the source task's poll loop in-process the way the worker does — poll, convert keys and values with Kafka's
/// JsonConverter, keep the records (in place of producing them), commit their source offsets, call CommitRecord, then
/// CommitAsync — so tests see the exact bytes a topic would hold, in order per topic.
/// </summary>
public sealed class TaskRunner : IAsyncDisposable
{
    private readonly PostgresSourceTask _task = new();
    private readonly JsonConverter _keys = new();
    private readonly JsonConverter _values = new();
    private readonly MemoryOffsetStore _offsets;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Topic, string? Key, string? Value)> _records = new();
    private readonly ConcurrentQueue<Tributary.Connect.Source.SourceRecord> _sourceRecords = new();
    private Task _loop = Task.CompletedTask;

    private TaskRunner(MemoryOffsetStore offsets, bool schemas)
    {
        _offsets = offsets;
        var converterConfig = new Dictionary<string, string> { ["schemas.enable"] = schemas ? "true" : "false" };
        _keys.Configure(converterConfig, isKey: true);
        _values.Configure(converterConfig, isKey: false);
    }

    public Exception? Failure { get; private set; }

    /// <summary>What the task publishes for the admin port (gauges, a warning).</summary>
    public Tributary.Connect.Metrics.PluginMetrics Metrics => _task.Metrics;

    /// <summary>
    /// Whether the runner commits offsets (stores them, then calls CommitAsync) as the worker's offset flush does.
    /// False plays a worker whose flush has not happened: records are produced and acknowledged (CommitRecord), their
    /// offsets are neither stored nor committed.
    /// </summary>
    public volatile bool CommitOffsets = true;

    /// <summary>
    /// While this returns true the runner polls no more (as a worker whose producer is blocked), so a test can stop the
    /// task at a known point of a stream instead of racing the poll loop.
    /// </summary>
    public volatile Func<bool>? HoldWhile;

    /// <summary><paramref name="output"/>: where the task writes signal lines (the worker's standard output when null).</summary>
    public static async Task<TaskRunner> StartAsync(IReadOnlyDictionary<string, string> config, MemoryOffsetStore offsets, bool schemas = true, TextWriter? output = null)
    {
        var runner = new TaskRunner(offsets, schemas);
        if (output is not null)
        {
            runner._task.SignalOutput = output;
        }
        runner._task.Initialize(new Context(config, offsets));
        await runner._task.StartAsync(config, CancellationToken.None);
        runner._loop = Task.Run(runner.RunAsync);
        return runner;
    }

    /// <summary>The records of <paramref name="topic"/> so far: key and value JSON (null for a null key or tombstone).</summary>
    public IReadOnlyList<(string? Key, string? Value)> Records(string topic) =>
        [.. _records.Where(r => r.Topic == topic).Select(r => (r.Key, r.Value))];

    /// <summary>The task's own records of <paramref name="topic"/> so far, before conversion (their headers, keys as structs).</summary>
    public IReadOnlyList<Tributary.Connect.Source.SourceRecord> SourceRecords(string topic) => [.. _sourceRecords.Where(r => r.Topic == topic)];

    public IReadOnlyList<string> Topics => [.. _records.Select(r => r.Topic).Distinct()];

    /// <summary>The topic of every record so far, in the order the task produced them.</summary>
    public IReadOnlyList<string> TopicOrder => [.. _records.Select(r => r.Topic)];

    /// <summary>Waits until <paramref name="topic"/> holds at least <paramref name="count"/> records (failing early when the task failed).</summary>
    public async Task<IReadOnlyList<(string? Key, string? Value)>> AwaitAsync(string topic, int count, TimeSpan? within = null)
    {
        await Eventually.HoldsAsync(() => Failure is not null || Records(topic).Count >= count,
            () => $"{count} records on {topic}, have {Records(topic).Count}; topics: {string.Join(", ", Topics)}", within ?? TimeSpan.FromSeconds(60));
        if (Failure is not null)
        {
            throw new InvalidOperationException("the task failed: " + Failure.Message, Failure);
        }
        return Records(topic);
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (HoldWhile is { } hold && hold())
                {
                    await Task.Delay(10, _stop.Token);
                    continue;
                }
                var records = await _task.PollAsync(_stop.Token);
                if (records is null || records.Count == 0)
                {
                    continue;
                }
                foreach (var record in records)
                {
                    var key = _keys.FromConnectData(record.Topic, null, record.KeySchema, record.Key);
                    var value = _values.FromConnectData(record.Topic, null, record.ValueSchema, record.Value);
                    _sourceRecords.Enqueue(record);
                    _records.Enqueue((record.Topic, key is null ? null : Encoding.UTF8.GetString(key), value is null ? null : Encoding.UTF8.GetString(value)));
                    if (CommitOffsets)
                    {
                        _offsets.Put(record.SourcePartition!, record.SourceOffset!);
                    }
                    _task.CommitRecord(record, null);
                }
                if (CommitOffsets)
                {
                    await _task.CommitAsync();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            Failure = error;
        }
    }

    /// <summary>
    /// A clean stop: the batch in flight finishes (its offsets committed and confirmed), then the task stops. Bounded:
    /// a task that does not stop within a minute fails the test instead of hanging the run.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            var stopping = Task.Run(async () =>
            {
                await _loop;
                await _task.StopAsync();
            });
            try
            {
                await stopping.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("the PostgreSQL source task did not stop within 60 s");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private sealed class Context(IReadOnlyDictionary<string, string> configs, OffsetStorageReader offsets) : SourceTaskContext
    {
        public IReadOnlyDictionary<string, string> Configs => configs;

        public OffsetStorageReader OffsetStorageReader => offsets;

        public TransactionContext? TransactionContext => null;
    }
}
