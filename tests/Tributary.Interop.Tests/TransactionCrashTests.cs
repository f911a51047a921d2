using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Tributary.Interop.Tests;

/// <summary>
/// A Jepsen-style check of transactions (issue 17): several librdkafka transactional producers write to every
/// partition, commit or abort at random, and the broker is killed with SIGKILL and restarted several times under
/// them. Afterwards a read_committed reader must show: no aborted read (no record of an aborted transaction), no
/// lost committed write (every committed transaction complete), no duplicate, every transaction all-or-nothing
/// across partitions (also those whose commit outcome the producer could not learn), and offsets that grow with the
/// producers' order (transaction n of a producer before n+1 in every partition). Bounded in time (about a minute).
/// Script: tests/interop/confluent_transactions_crash.py.
/// </summary>
[Trait("Category", "crash")]
public sealed class TransactionCrashTests(ITestOutputHelper output)
{
    private const int Partitions = 3;
    private const int Workers = 3;
    private const int Kills = 3;
    private const int ProduceSeconds = 25;
    private const int RecordsPerPartition = 2;
    private const int TransactionsBetweenKills = 12;
    private static readonly TimeSpan SecondsBetweenKills = TimeSpan.FromSeconds(5);

    private static string Script => Path.Combine(InteropPaths.Scripts, "confluent_transactions_crash.py");

    [Fact]
    public async Task Kill_9_under_transactional_producers_loses_no_committed_write_and_shows_no_aborted_or_partial_transaction()
    {
        InteropClients.RequireConfluentKafka();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tributary-txn-crash-" + Guid.NewGuid().ToString("N"));
        const string Topic = "crash-transactions";
        await using var broker = new TributaryProcess(dataDirectory, () => [], TimeSpan.FromSeconds(20));
        await broker.StartAsync();
        var bootstrap = $"127.0.0.1:{broker.Ports.Kafka}";
        var producers = new List<ProducerProcess>();
        try
        {
            (await ClientProcess.RunAsync(InteropClients.Python, [Script, bootstrap, Topic, "create", Partitions.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromSeconds(40))).EnsureSuccess();
            for (var worker = 0; worker < Workers; worker++)
            {
                producers.Add(new ProducerProcess(bootstrap, Topic, worker));
            }
            var killedAt = new List<int>();
            for (var kill = 0; kill < Kills; kill++)
            {
                // Spread the kills over the run: each after some seconds of traffic and at least a few more transactions.
                var wanted = producers.Sum(p => p.Outcomes.Count) + TransactionsBetweenKills;
                var since = Stopwatch.StartNew();
                while ((producers.Sum(p => p.Outcomes.Count) < wanted || since.Elapsed < SecondsBetweenKills) && since.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(50);
                }
                killedAt.Add(producers.Sum(p => p.Outcomes.Count));
                await broker.KillAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                await broker.StartAsync();
            }
            foreach (var producer in producers)
            {
                await producer.WaitForExitAsync(TimeSpan.FromSeconds(ProduceSeconds + 40));
            }
            var consumed = (await ClientProcess.RunAsync(InteropClients.Python, [Script, bootstrap, Topic, "consume", Partitions.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromSeconds(90))).EnsureSuccess();
            var records = Events(consumed.StandardOutput).Where(e => e.GetProperty("event").GetString() == "record")
                .Select(e => (Key: e.GetProperty("key").GetString()!, Partition: e.GetProperty("partition").GetInt32(), Offset: e.GetProperty("offset").GetInt64()))
                .ToList();
            var outcomes = producers.SelectMany(p => p.Outcomes).ToDictionary(o => o.Key, o => o.Value);
            var failures = Check(records, outcomes);
            var summary = $"transactions {outcomes.Count} (committed {outcomes.Values.Count(v => v == "committed")}, aborted {outcomes.Values.Count(v => v == "aborted")}, " +
                $"unknown {outcomes.Values.Count(v => v == "unknown")}), kills after [{string.Join(", ", killedAt)}] outcomes, read_committed records {records.Count}";
            output.WriteLine(summary);
            Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n" + summary + "\n--- consumer ---\n" + consumed.StandardOutput[..Math.Min(4000, consumed.StandardOutput.Length)]
                + "\n--- producers ---\n" + string.Join("\n", producers.Select(p => p.Output)) + "\n--- broker ---\n" + broker.Output);
            Assert.Equal(Kills, killedAt.Count);
            // The run must have exercised both outcomes, or the check proves little.
            Assert.Contains("committed", outcomes.Values);
            Assert.Contains("aborted", outcomes.Values);
        }
        finally
        {
            foreach (var producer in producers)
            {
                producer.Dispose();
            }
            await broker.StopAsync();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>The checker: returns one line per anomaly (Jepsen's names in brackets).</summary>
    internal static List<string> Check(List<(string Key, int Partition, long Offset)> records, Dictionary<string, string> outcomes)
    {
        var failures = new List<string>();
        foreach (var duplicate in records.GroupBy(r => r.Key).Where(g => g.Count() > 1).Take(10))
        {
            failures.Add($"[duplicate] {duplicate.Key} at " + string.Join(", ", duplicate.Select(r => $"{r.Partition}@{r.Offset}")));
        }
        var byTransaction = records.GroupBy(r => TransactionOf(r.Key)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (transaction, seen) in byTransaction)
        {
            if (!outcomes.TryGetValue(transaction, out var outcome))
            {
                failures.Add($"[unseen] {transaction}: records of a transaction no producer reported");
                continue;
            }
            if (outcome == "aborted")
            {
                failures.Add($"[G1a aborted read] {transaction} was aborted, yet {seen.Count} of its records are visible (first {seen[0].Key} at {seen[0].Partition}@{seen[0].Offset})");
            }
            else if (seen.Select(r => r.Key).Distinct().Count() != Partitions * RecordsPerPartition)
            {
                failures.Add($"[torn transaction] {transaction} ({outcome}) shows {seen.Count} of {Partitions * RecordsPerPartition} records: {string.Join(", ", seen.Select(r => r.Key))}");
            }
        }
        foreach (var (transaction, outcome) in outcomes)
        {
            if (outcome == "committed" && !byTransaction.ContainsKey(transaction))
            {
                failures.Add($"[lost write] committed {transaction} is not visible");
            }
        }
        // Offsets grow with each producer's order: within a partition, transaction n of a worker lies before n+1.
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            var ordered = partition.OrderBy(r => r.Offset).ToList();
            var last = new Dictionary<string, int>();
            foreach (var record in ordered)
            {
                var (worker, number) = Parse(record.Key);
                if (last.TryGetValue(worker, out var previous) && number < previous)
                {
                    failures.Add($"[nonmonotonic] partition {partition.Key}: {record.Key} at offset {record.Offset} after transaction {previous} of {worker}");
                    break;
                }
                last[worker] = number;
            }
        }
        return failures;
    }

    [Fact]
    public void The_checker_finds_each_kind_of_anomaly()
    {
        static List<(string, int, long)> Whole(string transaction, long offset) =>
            [.. Enumerable.Range(0, Partitions).SelectMany(p => Enumerable.Range(0, RecordsPerPartition).Select(r => ($"{transaction}-p{p}-r{r}", p, offset + r)))];
        var outcomes = new Dictionary<string, string> { ["w0-t0"] = "committed", ["w0-t1"] = "aborted", ["w0-t2"] = "unknown", ["w0-t3"] = "committed" };
        Assert.Empty(Check([.. Whole("w0-t0", 0), .. Whole("w0-t3", 10)], outcomes));
        Assert.Contains(Check([.. Whole("w0-t0", 0), .. Whole("w0-t1", 5), .. Whole("w0-t3", 10)], outcomes), f => f.StartsWith("[G1a", StringComparison.Ordinal));
        Assert.Contains(Check([.. Whole("w0-t0", 0)], outcomes), f => f.StartsWith("[lost write] committed w0-t3", StringComparison.Ordinal));
        Assert.Contains(Check([.. Whole("w0-t0", 0), .. Whole("w0-t3", 10), .. Whole("w0-t2", 20).Skip(1)], outcomes), f => f.StartsWith("[torn transaction] w0-t2", StringComparison.Ordinal));
        Assert.Contains(Check([.. Whole("w0-t0", 0), .. Whole("w0-t3", 10), ("w0-t0-p0-r0", 0, 30)], outcomes), f => f.StartsWith("[duplicate]", StringComparison.Ordinal));
        Assert.Contains(Check([.. Whole("w0-t3", 0), .. Whole("w0-t0", 10)], outcomes), f => f.StartsWith("[nonmonotonic]", StringComparison.Ordinal));
        Assert.Contains(Check([.. Whole("w0-t0", 0), .. Whole("w0-t3", 10), .. Whole("w9-t0", 20)], outcomes), f => f.StartsWith("[unseen]", StringComparison.Ordinal));
    }

    /// <summary>"w1-t5-p2-r0" → "w1-t5".</summary>
    private static string TransactionOf(string key) => key[..key.IndexOf("-p", StringComparison.Ordinal)];

    private static (string Worker, int Number) Parse(string key)
    {
        var parts = key.Split('-');
        return (parts[0], int.Parse(parts[1].AsSpan(1), CultureInfo.InvariantCulture));
    }

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

    /// <summary>One producer script in produce mode; its transaction outcomes collected as they arrive.</summary>
    private sealed class ProducerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly Dictionary<string, string> _outcomes = [];

        public ProducerProcess(string bootstrap, string topic, int worker)
        {
            var start = new ProcessStartInfo(InteropClients.Python)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = InteropPaths.RepositoryRoot,
            };
            foreach (var arg in new[] { Script, bootstrap, topic, "produce", Partitions.ToString(CultureInfo.InvariantCulture), worker.ToString(CultureInfo.InvariantCulture), ProduceSeconds.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["TRIBUTARY_INTEROP_TIMEOUT"] = (ProduceSeconds + 35).ToString(CultureInfo.InvariantCulture);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => OnLine(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep("stderr: " + e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public IReadOnlyDictionary<string, string> Outcomes
        {
            get
            {
                lock (_outcomes)
                {
                    return new Dictionary<string, string>(_outcomes);
                }
            }
        }

        public string Output
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines.TakeLast(60));
                }
            }
        }

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            Keep(line);
            if (!line.StartsWith('{'))
            {
                return;
            }
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("event").GetString() == "txn")
            {
                lock (_outcomes)
                {
                    _outcomes[root.GetProperty("txn").GetString()!] = root.GetProperty("outcome").GetString()!;
                }
            }
        }

        private void Keep(string line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }

        public async Task WaitForExitAsync(TimeSpan timeout)
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
            _process.WaitForExit();
            Assert.True(_process.ExitCode == 0, $"producer exited with {_process.ExitCode}:\n{Output}");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }
}
