using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Tributary.Interop.Tests;

/// <summary>
/// `kill -9` of the broker during an acks=all idempotent produce run, then a restart on the same data directory and
/// port: every acknowledged record is present exactly once, at its acknowledged offset, and in order per partition.
/// The producer (tests/interop/confluent_idempotent_crash_producer.py, librdkafka) runs on across the restarts and
/// retries its unacknowledged batches with the same producer id and sequence numbers.
/// </summary>
[Trait("Category", "crash")]
public sealed class BrokerCrashTests(ITestOutputHelper output)
{
    private const int Partitions = 3;
    private const int Count = 150_000;
    // Paced over 60 s by the script (it finishes after 80 % of it): three kills, each restart taking several seconds
    // (serve reopens the logs and starts its Connect worker before it serves), happen while records are still being sent.
    private const int ProduceSeconds = 60;
    private const int Kills = 3;
    private const int AcksBeforeFirstKill = 15_000;
    private const int AcksBetweenKills = 30_000;

    private static string Script => Path.Combine(InteropPaths.Scripts, "confluent_idempotent_crash_producer.py");

    [Fact]
    public async Task Kill_9_during_idempotent_acks_all_produce_then_restart_keeps_every_acked_record_exactly_once_in_order()
    {
        InteropClients.RequireConfluentKafka();
        var total = Stopwatch.StartNew();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tributary-crash-" + Guid.NewGuid().ToString("N"));
        const string Topic = "crash-idempotent";
        await using var broker = new TributaryProcess(dataDirectory, () => [], TimeSpan.FromSeconds(20));
        await broker.StartAsync();
        var bootstrap = $"127.0.0.1:{broker.Ports.Kafka}";
        try
        {
            (await ClientProcess.RunAsync(InteropClients.Python, [Script, bootstrap, Topic, "create", Partitions.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromSeconds(40))).EnsureSuccess();

            using var producer = new ProducerProcess(bootstrap, Topic);
            var acksAtKill = new List<int>();
            var threshold = AcksBeforeFirstKill;
            for (var kill = 0; kill < Kills; kill++)
            {
                Assert.True(await producer.WaitForAcksAsync(threshold, TimeSpan.FromSeconds(20)),
                    $"only {producer.AckCount} acks before kill {kill + 1} (wanted {threshold}):\n{producer.Output}\n{broker.Output}");
                acksAtKill.Add(producer.AckCount);
                await broker.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
                await broker.StartAsync();
                threshold = producer.AckCount + AcksBetweenKills;
            }
            var done = await producer.WaitForExitAsync(TimeSpan.FromSeconds(75));

            var consumed = (await ClientProcess.RunAsync(InteropClients.Python,
                [Script, bootstrap, Topic, "consume", Partitions.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(40))).EnsureSuccess();
            var records = Events(consumed.StandardOutput).Where(e => e.GetProperty("event").GetString() == "record")
                .Select(e => (Key: e.GetProperty("key").GetString()!, Partition: e.GetProperty("partition").GetInt32(), Offset: e.GetProperty("offset").GetInt64()))
                .ToList();

            var failures = new List<string>();
            var produced = done.GetProperty("produced").GetInt32();
            if (producer.Failed.Count > 0 || producer.Fatal.Count > 0 || done.GetProperty("undelivered").GetInt32() != 0)
            {
                failures.Add($"producer: {producer.Failed.Count} failed deliveries (first: {producer.Failed.FirstOrDefault()}), " +
                    $"fatal errors: [{string.Join("; ", producer.Fatal)}], undelivered: {done.GetProperty("undelivered")}");
            }

            // Exactly once: no key twice anywhere.
            var duplicates = records.GroupBy(r => r.Key).Where(g => g.Count() > 1).ToList();
            foreach (var d in duplicates.Take(10))
            {
                failures.Add($"duplicate {d.Key} at " + string.Join(", ", d.Select(r => $"{r.Partition}@{r.Offset}")));
            }

            // Every acknowledged record at exactly its partition and offset (a retried batch the broker already had
            // may be acknowledged without an offset: then it must be in its partition).
            var at = records.ToDictionary(r => (r.Partition, r.Offset), r => r.Key);
            var partitionOf = records.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.First().Partition);
            var acks = producer.Acks;
            var withoutOffset = 0;
            var missing = 0;
            foreach (var (key, partition, offset) in acks)
            {
                bool present;
                if (offset < 0)
                {
                    withoutOffset++;
                    present = partitionOf.TryGetValue(key, out var p) && p == partition;
                }
                else
                {
                    present = at.TryGetValue((partition, offset), out var found) && found == key;
                }
                if (!present && missing++ < 10)
                {
                    failures.Add($"acked {key} at {partition}@{offset} is not there (found {(at.TryGetValue((partition, offset), out var other) ? other : "nothing")})");
                }
            }
            if (missing > 0)
            {
                failures.Add($"{missing} acknowledged records missing or moved");
            }

            // In order: within each partition n strictly increases, and offsets have no gaps.
            foreach (var partition in records.GroupBy(r => r.Partition))
            {
                var list = partition.OrderBy(r => r.Offset).ToList();
                for (var i = 1; i < list.Count; i++)
                {
                    if (N(list[i].Key) <= N(list[i - 1].Key))
                    {
                        failures.Add($"partition {partition.Key} out of order: {list[i - 1].Key}@{list[i - 1].Offset} then {list[i].Key}@{list[i].Offset}");
                        break;
                    }
                }
            }

            // Every acknowledged key, and nothing else, is in the log.
            var ackedKeys = acks.Select(a => a.Key).ToHashSet();
            var extra = records.Count(r => !ackedKeys.Contains(r.Key));

            output.WriteLine($"produced {produced}, acked {acks.Count} ({withoutOffset} without offset), failed {producer.Failed.Count}, " +
                $"kills {acksAtKill.Count} at acks [{string.Join(", ", acksAtKill)}], records in log {records.Count}, " +
                $"unacked records in log {extra}, duplicates {duplicates.Count}, missing acked {missing}, total {total.Elapsed.TotalSeconds:F1} s");
            Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n--- producer ---\n" + producer.Output + "\n--- broker ---\n" + broker.Output);
            Assert.Equal(Kills, acksAtKill.Count);
            Assert.Equal(produced, acks.Count);
            Assert.Equal(acks.Count, records.Count);
        }
        finally
        {
            await broker.StopAsync();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static long N(string key) => long.Parse(key.AsSpan(2), CultureInfo.InvariantCulture);

    private static IEnumerable<JsonElement> Events(string stdout)
    {
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(line);
                yield return json.RootElement.Clone();
            }
        }
    }

    /// <summary>The producer script in produce mode, its delivery reports collected as they arrive.</summary>
    private sealed class ProducerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<(string Key, int Partition, long Offset)> _acks = [];
        private readonly List<string> _failed = [];
        private readonly List<string> _fatal = [];
        private readonly List<string> _other = [];
        private readonly TaskCompletionSource<JsonElement> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ProducerProcess(string bootstrap, string topic)
        {
            var start = new ProcessStartInfo(InteropClients.Python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = InteropPaths.RepositoryRoot,
            };
            foreach (var arg in new[] { Script, bootstrap, topic, "produce", Partitions.ToString(CultureInfo.InvariantCulture),
                Count.ToString(CultureInfo.InvariantCulture), ProduceSeconds.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["TRIBUTARY_INTEROP_TIMEOUT"] = "90";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => OnLine(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep("stderr: " + e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int AckCount
        {
            get
            {
                lock (_acks)
                {
                    return _acks.Count;
                }
            }
        }

        public List<(string Key, int Partition, long Offset)> Acks
        {
            get
            {
                lock (_acks)
                {
                    return [.. _acks];
                }
            }
        }

        public List<string> Failed
        {
            get
            {
                lock (_acks)
                {
                    return [.. _failed];
                }
            }
        }

        public List<string> Fatal
        {
            get
            {
                lock (_acks)
                {
                    return [.. _fatal];
                }
            }
        }

        public string Output
        {
            get
            {
                lock (_acks)
                {
                    return $"acks {_acks.Count}, failed {_failed.Count}\n" + string.Join('\n', _failed.Take(10).Concat(_fatal).Concat(_other.TakeLast(40)));
                }
            }
        }

        public async Task<bool> WaitForAcksAsync(int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (AckCount < count)
            {
                if (deadline.Elapsed > timeout || _done.Task.IsCompleted || _process.HasExited)
                {
                    return false;
                }
                await Task.Delay(5);
            }
            return true;
        }

        /// <summary>Waits for the script's final "done" event and its exit 0.</summary>
        public async Task<JsonElement> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                Assert.Fail($"producer did not finish within {timeout.TotalSeconds:F0} s:\n{Output}");
            }
            _process.WaitForExit(); // drains the output events
            Assert.True(_process.ExitCode == 0 && _done.Task.IsCompleted, $"producer exited with {_process.ExitCode}:\n{Output}");
            return await _done.Task;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }

        private void OnLine(string? line)
        {
            if (line is null || !line.StartsWith('{'))
            {
                Keep(line);
                return;
            }
            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            switch (e.GetProperty("event").GetString())
            {
                case "ack":
                    lock (_acks)
                    {
                        _acks.Add((e.GetProperty("key").GetString()!, e.GetProperty("partition").GetInt32(), e.GetProperty("offset").GetInt64()));
                    }
                    break;
                case "failed":
                    lock (_acks)
                    {
                        _failed.Add(line);
                    }
                    break;
                case "fatal":
                    lock (_acks)
                    {
                        _fatal.Add(line);
                    }
                    break;
                case "done":
                    Keep(line);
                    _done.TrySetResult(e.Clone());
                    break;
                default:
                    Keep(line);
                    break;
            }
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_acks)
            {
                _other.Add(line);
            }
        }
    }
}
