using System.Collections.Concurrent;
using System.Text.Json;
using Tributary.Client;
using Tributary.Connect.Json;
using Tributary.Connect.Source;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>Committed source offsets kept across task restarts (the worker's offset store, in memory).</summary>
public sealed class MemoryOffsetStore : OffsetStorageReader
{
    private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?> Offset)> _offsets = new();

    /// <summary>Stores as the offset topic would: through JSON, so numbers come back as longs.</summary>
    public void Put(IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?> offset)
    {
        var json = JsonSerializer.Serialize(offset);
        var back = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!
            .ToDictionary(p => p.Key, p => (object?)(p.Value.ValueKind switch
            {
                JsonValueKind.Number => p.Value.GetInt64(),
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            }));
        _offsets[JsonSerializer.Serialize(partition)] = (partition, back);
    }

    public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition) =>
        _offsets.TryGetValue(JsonSerializer.Serialize(partition), out var entry) ? entry.Offset : null;

    public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions) =>
        partitions.Select(p => (p, Offset(p))).Where(p => p.Item2 is not null).ToDictionary(p => p.p, p => p.Item2!);
}

/// <summary>
/// Runs a source task the way a Connect worker does, until the runtime lands: poll in a loop, convert keys and values
/// with Kafka's JsonConverter (schemas on), produce to the broker (acks=all), then commit the records' source offsets
/// and call CommitRecord. With <see cref="FlushOffsets"/> off, offsets are not committed (what a worker killed before
/// its next offset flush leaves behind).
/// </summary>
public sealed class TaskDriver : IAsyncDisposable
{
    private readonly SourceTask _task;
    private readonly KafkaClient _client;
    private readonly JsonConverter _keys = new();
    private readonly JsonConverter _values = new();
    private readonly MemoryOffsetStore _offsets;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _topics = [];
    private Task _loop = Task.CompletedTask;

    private TaskDriver(SourceTask task, KafkaClient client, MemoryOffsetStore offsets, bool schemas)
    {
        _task = task;
        _client = client;
        _offsets = offsets;
        var converterConfig = new Dictionary<string, string> { ["schemas.enable"] = schemas ? "true" : "false" };
        _keys.Configure(converterConfig, isKey: true);
        _values.Configure(converterConfig, isKey: false);
    }

    public long Produced;

    public bool FlushOffsets { get; set; } = true;

    /// <summary>Called after each record was acknowledged by the broker (benchmarks measure latency with it).</summary>
    public Action<SourceRecord>? Acknowledged { get; set; }

    public Exception? Failure { get; private set; }

    /// <summary>The topics records went to (read after <see cref="StopAsync"/>: the poll loop writes it).</summary>
    public IReadOnlyCollection<string> Topics => _topics;

    /// <summary><paramref name="output"/>: where the task writes signal lines (the worker's standard output when null).</summary>
    public static async Task<TaskDriver> StartAsync(IReadOnlyDictionary<string, string> config, string bootstrap, MemoryOffsetStore offsets, bool schemas = true,
        TextWriter? output = null)
    {
        var task = new MySqlSourceTask();
        if (output is not null)
        {
            task.SignalOutput = output;
        }
        task.Initialize(new Context(config, offsets));
        var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [bootstrap] });
        var driver = new TaskDriver(task, client, offsets, schemas);
        await task.StartAsync(config, CancellationToken.None);
        driver._loop = Task.Run(driver.RunAsync);
        return driver;
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var records = await _task.PollAsync(_stop.Token);
                if (records is null || records.Count == 0)
                {
                    continue;
                }
                foreach (var group in records.GroupBy(r => r.Topic))
                {
                    if (_topics.Add(group.Key))
                    {
                        await _client.CreateTopicAsync(group.Key, 1);
                    }
                    var batch = group.Select(r => (
                        _keys.FromConnectData(r.Topic, null, r.KeySchema, r.Key),
                        _values.FromConnectData(r.Topic, null, r.ValueSchema, r.Value))).ToList();
                    for (var i = 0; i < batch.Count; i += 200)
                    {
                        await _client.ProduceAsync(group.Key, 0, batch.GetRange(i, Math.Min(200, batch.Count - i)));
                    }
                }
                Interlocked.Add(ref Produced, records.Count);
                if (FlushOffsets)
                {
                    var last = records[^1];
                    _offsets.Put(last.SourcePartition!, last.SourceOffset!);
                }
                foreach (var record in records)
                {
                    _task.CommitRecord(record, null);
                    Acknowledged?.Invoke(record);
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

    /// <summary>Stops the loop after the batch in flight, then the task (a clean stop: offsets of produced records committed).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _task.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        await _client.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class Context(IReadOnlyDictionary<string, string> configs, OffsetStorageReader offsets) : SourceTaskContext
    {
        public IReadOnlyDictionary<string, string> Configs => configs;

        public OffsetStorageReader OffsetStorageReader => offsets;

        public TransactionContext? TransactionContext => null;
    }
}
