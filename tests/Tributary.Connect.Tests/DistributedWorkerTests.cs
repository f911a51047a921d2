using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>
/// Distributed mode with real processes: three (then four) <c>tributary connect-distributed</c> workers of one group
/// against a separate <c>tributary serve</c> reached over TCP (an external cluster to the workers). Connectors are
/// created through any worker (followers forward to the leader); the leader spreads them; a worker killed with
/// SIGKILL has its connectors moved after the session timeout plus <c>scheduled.rebalance.max.delay.ms</c>, resuming
/// from the offsets topic without repeating a record; and no connector ever runs on two workers at once (checked from
/// the start/stop lines every worker logs, and across the rebalance a new worker causes). Small delays keep it short.
/// </summary>
[Trait("Category", "process")]
public sealed partial class DistributedWorkerTests : IAsyncLifetime
{
    private const int Connectors = 6;
    private const int LinesPerFile = 200;
    private const int RebalanceDelayMs = 2000;
    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(100) };
    private TributaryProcess _broker = null!;

    public async Task InitializeAsync()
    {
        // A short group.min.session.timeout.ms lets the workers ask for a 3 s session, so a killed one is noticed fast.
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=-1", "group.min.session.timeout.ms=1000", "num.partitions=1"]);
        await _broker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Workers_share_connectors_forward_writes_and_move_a_killed_worker_s_connectors_without_running_them_twice()
    {
        var workers = new List<ConnectStandaloneProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                workers.Add(await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-a", "a")));
            }
            for (var i = 0; i < Connectors; i++)
            {
                var input = _directory.File($"in{i}.txt");
                await System.IO.File.WriteAllTextAsync(input, Lines(i, 0, LinesPerFile));
                var body = new JsonObject { ["name"] = $"src{i}", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = $"lines{i}" } };
                // 409 "no known leader URL" while the group forms (as Kafka answers): try again.
                var (status, answer) = (0, (JsonNode?)null);
                await HoldsAsync(async () => ((status, answer) = await SendAsync(HttpMethod.Post, workers[i % 3].RestUrl + "/connectors", body.ToJsonString())).status != 409, "a leader is known", () => Outputs(workers));
                Assert.True(status == 201, $"create src{i} through worker {i % 3}: {status} {answer}\n{Outputs(workers)}");
            }
            var (duplicate, duplicateBody) = await SendAsync(HttpMethod.Post, workers[2].RestUrl + "/connectors", new JsonObject { ["name"] = "src0", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = "/nonexistent", ["topic"] = "x" } }.ToJsonString());
            Assert.Equal(409, duplicate);
            Assert.Equal("Connector src0 already exists", duplicateBody?["message"]?.GetValue<string>());

            // Every connector runs, two per worker, and every worker tells the same story (rebalances may still move
            // connectors for a moment after the creations, so this is awaited as a whole).
            var placement = new Dictionary<string, string>();
            await HoldsAsync(async () =>
            {
                placement = await PlacementAsync(workers[0]);
                return placement.Count == Connectors && placement.Values.All(w => w.Length > 0) && placement.GroupBy(p => p.Value).All(g => g.Count() == 2)
                    && Same(await PlacementAsync(workers[1]), placement) && Same(await PlacementAsync(workers[2]), placement);
            }, "all connectors RUNNING, two per worker, the same on every worker", () => Outputs(workers));

            // Wait until every file is in its topic and its offset is in the offsets topic, then kill a worker.
            await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
            for (var i = 0; i < Connectors; i++)
            {
                var connector = i;
                await Eventually.HoldsAsync(async () => await FlushedPositionAsync(workers[0], $"src{connector}") == Encoding.UTF8.GetByteCount(Lines(connector, 0, LinesPerFile)), $"src{connector}'s offset flushed", TimeSpan.FromSeconds(60));
            }
            var victim = workers.First(w => w.RestUrl.EndsWith(placement["src0"].Split(':')[1], StringComparison.Ordinal));
            var moved = placement.Where(p => p.Value == placement["src0"]).Select(p => p.Key).ToList();
            var killedAt = DateTimeOffset.UtcNow;
            await victim.KillAsync();
            var survivors = workers.Where(w => w != victim).ToList();
            await HoldsAsync(async () =>
            {
                var now = await PlacementAsync(survivors[0]);
                return moved.All(c => now[c].Length > 0 && now[c] != placement["src0"]);
            }, "the killed worker's connectors move", () => Outputs(survivors));
            var restarts = Events(survivors).Where(e => e.Started && moved.Contains(e.Connector) && e.At > killedAt).ToList();
            Assert.NotEmpty(restarts);
            Assert.All(restarts, e => Assert.True(e.At - killedAt >= TimeSpan.FromMilliseconds(RebalanceDelayMs), $"{e.Connector} restarted {(e.At - killedAt).TotalMilliseconds} ms after the kill, before scheduled.rebalance.max.delay.ms"));

            // A moved source resumes from the offsets topic: new lines arrive once, old ones are not repeated.
            var movedIndex = int.Parse(moved[0]["src".Length..], CultureInfo.InvariantCulture);
            await System.IO.File.AppendAllTextAsync(_directory.File($"in{movedIndex}.txt"), Lines(movedIndex, LinesPerFile, 50));
            await Eventually.HoldsAsync(async () => await client.ListOffsetAsync($"lines{movedIndex}", 0, -1) >= LinesPerFile + 50, $"lines{movedIndex} got the appended lines", TimeSpan.FromSeconds(60));
            await Eventually.HoldsAsync(async () => await FlushedPositionAsync(survivors[0], moved[0]) == Encoding.UTF8.GetByteCount(Lines(movedIndex, 0, LinesPerFile + 50)), "the moved connector's offset flushed", TimeSpan.FromSeconds(60));
            Assert.Equal(LinesPerFile + 50, await client.ListOffsetAsync($"lines{movedIndex}", 0, -1));

            // A fourth worker joins: the leader revokes connectors from the loaded ones and hands them over.
            var fourth = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-a", "a"));
            survivors.Add(fourth);
            workers.Add(fourth);
            await HoldsAsync(async () =>
            {
                var now = await PlacementAsync(fourth);
                return now.Values.All(w => w.Length > 0) && now.Values.Distinct().Count() == 3 && now.GroupBy(p => p.Value).All(g => g.Count() == 2);
            }, "a balanced placement over three workers after the fourth joined", () => Outputs(survivors));

            foreach (var worker in survivors)
            {
                await worker.StopAsync();
            }
            AssertNeverTwiceAtOnce(Events(workers), killedAt, WorkerIdOf(victim));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task One_connector_s_tasks_spread_over_two_workers_and_a_killed_worker_s_tasks_move_to_the_other()
    {
        // Datagen with tasks.max=4: the instance runs on one worker, its tasks two and two on both (Kafka's assignor
        // places instances and tasks separately). Each task's source partition is {"task.id": n}, so the offsets
        // show every task's progress.
        var workers = new List<ConnectStandaloneProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                workers.Add(await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-e", "e")));
            }
            var body = new JsonObject
            {
                ["name"] = "gen",
                ["config"] = new JsonObject
                {
                    ["connector.class"] = "io.confluent.kafka.connect.datagen.DatagenConnector",
                    ["kafka.topic"] = "gen-users",
                    ["quickstart"] = "users",
                    ["max.interval"] = "40",
                    ["tasks.max"] = "4",
                    ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
                    ["value.converter.schemas.enable"] = "false",
                },
            };
            var (status, answer) = (0, (JsonNode?)null);
            await HoldsAsync(async () => ((status, answer) = await SendAsync(HttpMethod.Post, workers[1].RestUrl + "/connectors", body.ToJsonString())).status != 409, "a leader is known", () => Outputs(workers));
            Assert.True(status == 201, $"create gen: {status} {answer}\n{Outputs(workers)}");

            var ids = workers.Select(WorkerIdOf).ToList();
            var spread = new TaskPlacement("", []);
            await HoldsAsync(async () =>
            {
                spread = await TaskPlacementAsync(workers[0], "gen");
                return spread.Tasks.Count == 4 && spread.Tasks.All(t => t.Length > 0) && spread.Tasks.GroupBy(t => t).Count() == 2 && spread.Tasks.GroupBy(t => t).All(g => g.Count() == 2)
                    && spread.Connector.Length > 0 && await TaskPlacementAsync(workers[1], "gen") == spread;
            }, "gen RUNNING with two tasks on each worker, the same on both", () => Outputs(workers));
            Assert.Equal(ids.Order(StringComparer.Ordinal), spread.Tasks.Distinct().Order(StringComparer.Ordinal));

            // A task restart sent to the worker that does not run the task is forwarded to the one that does; an
            // unknown task is 404; a restart with includeTasks is carried out by each worker for what it runs.
            var remote = Enumerable.Range(0, 4).First(t => spread.Tasks[t] != WorkerIdOf(workers[0]));
            var (restarted, restartBody) = await SendAsync(HttpMethod.Post, $"{workers[0].RestUrl}/connectors/gen/tasks/{remote}/restart");
            Assert.True(restarted == 204, $"restart of gen-{remote} through the other worker: {restarted} {restartBody}");
            await HoldsAsync(() => Task.FromResult(workers[1].Output.Contains($"TASK-RESTART gen-{remote} on {spread.Tasks[remote]}", StringComparison.Ordinal)), $"gen-{remote} restarted by its own worker", () => Outputs(workers));
            Assert.Equal(404, (await SendAsync(HttpMethod.Post, $"{workers[0].RestUrl}/connectors/gen/tasks/9/restart")).Status);
            var (planned, plan) = await SendAsync(HttpMethod.Post, $"{workers[0].RestUrl}/connectors/gen/restart?includeTasks=true");
            Assert.True(planned == 202, $"restart with includeTasks: {planned} {plan}");
            Assert.All(plan!["tasks"]!.AsArray(), t => Assert.Equal("RESTARTING", (string?)t!["state"]));
            await HoldsAsync(async () => await TaskPlacementAsync(workers[0], "gen") == spread, "gen RUNNING as placed after the restart", () => Outputs(workers));

            // Every task produces (its offset is flushed), then the worker running the instance is killed: the
            // instance and its two tasks move to the other worker after the delay and go on from their offsets.
            Dictionary<int, long> before = [];
            await HoldsAsync(async () => (before = await IterationsAsync(workers[0], "gen")).Count == 4 && before.Values.All(v => v > 0), "every task's offset flushed", () => Outputs(workers));
            var victim = workers.Single(w => WorkerIdOf(w) == spread.Connector);
            var survivor = workers.Single(w => w != victim);
            var movedTasks = Enumerable.Range(0, 4).Where(t => spread.Tasks[t] == spread.Connector).ToList();
            before = await IterationsAsync(survivor, "gen");
            Assert.Equal(4, before.Count);
            var killedAt = DateTimeOffset.UtcNow;
            await victim.KillAsync();
            await HoldsAsync(async () =>
            {
                var now = await TaskPlacementAsync(survivor, "gen");
                return now.Connector == WorkerIdOf(survivor) && now.Tasks.Count == 4 && now.Tasks.All(t => t == WorkerIdOf(survivor));
            }, "the killed worker's instance and tasks RUNNING on the survivor", () => Outputs(workers));
            // The status says RUNNING before the worker's STARTED lines reach its output: wait for the lines.
            var expectedRestarts = new[] { "gen" }.Concat(movedTasks.Select(t => $"gen-{t}")).ToList();
            List<RunEvent> restarts = [];
            await HoldsAsync(() => Task.FromResult((restarts = [.. Events([survivor]).Where(e => e.Started && e.At > killedAt)]).Count >= expectedRestarts.Count), "the survivor's STARTED lines for what moved", () => Outputs(workers));
            Assert.Equal(expectedRestarts, restarts.Select(e => e.Connector).Order(StringComparer.Ordinal));
            Assert.All(restarts, e => Assert.True(e.At - killedAt >= TimeSpan.FromMilliseconds(RebalanceDelayMs), $"{e.Connector} restarted {(e.At - killedAt).TotalMilliseconds} ms after the kill, before scheduled.rebalance.max.delay.ms"));

            // Records continue: every task, the moved ones included, goes well past the offsets it had just before the
            // kill (50 iterations are about a second of datagen at max.interval=40 ms).
            await HoldsAsync(async () =>
            {
                var now = await IterationsAsync(survivor, "gen");
                return before.All(b => now.GetValueOrDefault(b.Key) >= b.Value + 50);
            }, "every task's offset past where it was at the kill", () => Outputs(workers));
            await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
            Assert.True(await EndOffsetAsync(client, "gen-users") >= before.Values.Sum() + 200, "gen-users holds the records of every task");

            await survivor.StopAsync();
            AssertNeverTwiceAtOnce(Events(workers), killedAt, WorkerIdOf(victim));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    /// <summary>The worker_id of a connector's instance and of each of its tasks while all are RUNNING ("" for one that is not).</summary>
    private sealed record TaskPlacement(string Connector, List<string> Tasks)
    {
        public bool Equals(TaskPlacement? other) => other is not null && Connector == other.Connector && Tasks.SequenceEqual(other.Tasks);

        public override int GetHashCode() => Connector.GetHashCode(StringComparison.Ordinal);
    }

    private async Task<TaskPlacement> TaskPlacementAsync(ConnectStandaloneProcess worker, string connector)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/{connector}/status");
        if (status != 200)
        {
            return new TaskPlacement("", []);
        }
        static string Running(JsonNode? state) => state!["state"]!.GetValue<string>() == "RUNNING" ? state["worker_id"]!.GetValue<string>() : "";
        return new TaskPlacement(Running(body!["connector"]), [.. body["tasks"]!.AsArray().OrderBy(t => t!["id"]!.GetValue<int>()).Select(Running)]);
    }

    /// <summary>Datagen's flushed offsets: task id → current.iteration (empty while the request cannot be answered).</summary>
    private async Task<Dictionary<int, long>> IterationsAsync(ConnectStandaloneProcess worker, string connector)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/{connector}/offsets");
        if (status != 200)
        {
            return [];
        }
        return body!["offsets"]!.AsArray().ToDictionary(o => o!["partition"]!["task.id"]!.GetValue<int>(), o => o!["offset"]!["current.iteration"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_worker_whose_session_expired_gets_its_connectors_back_without_waiting_out_the_rebalance_delay()
    {
        // Frozen past its 3 s session (as a starved process on a loaded machine is), the lone worker hears it is no
        // longer a member, stops its connector (no zombies) and rejoins under a new member id. As the leader it must
        // hand the connector straight back to itself, not hold it for scheduled.rebalance.max.delay.ms (60 s here).
        var worker = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("cluster-d", "d", rebalanceDelayMs: 60_000));
        try
        {
            var input = _directory.File("frozen.txt");
            await System.IO.File.WriteAllTextAsync(input, Lines(0, 0, 10));
            var body = new JsonObject { ["name"] = "frozen", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = "frozen-lines" } };
            var (status, answer) = (0, (JsonNode?)null);
            await HoldsAsync(async () => ((status, answer) = await SendAsync(HttpMethod.Post, worker.RestUrl + "/connectors", body.ToJsonString())).status != 409, "a leader is known", () => worker.Output);
            Assert.True(status == 201, $"create: {status} {answer}\n{worker.Output}");
            await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
            await HoldsAsync(async () => await EndOffsetAsync(client, "frozen-lines") == 10, "the first lines in frozen-lines", () => worker.Output);

            worker.Freeze();
            await Task.Delay(TimeSpan.FromSeconds(6));
            worker.Thaw();
            var thawedAt = DateTimeOffset.UtcNow;
            await HoldsAsync(() => Task.FromResult(worker.Output.Contains("is no longer a member", StringComparison.Ordinal)), "the worker hears its session expired", () => worker.Output);

            await System.IO.File.AppendAllTextAsync(input, Lines(0, 10, 5));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await EndOffsetAsync(client, "frozen-lines") < 15)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the connector did not run again within 30 s of the thaw (scheduled.rebalance.max.delay.ms is 60 s):\n{worker.Output}");
                await Task.Delay(100);
            }
            var restarts = Events([worker]).Where(e => e.Started && e.At > thawedAt).ToList();
            Assert.NotEmpty(restarts);
            Assert.Equal(15, await EndOffsetAsync(client, "frozen-lines"));
            await HoldsAsync(async () => Describe(await PlacementAsync(worker)) == "frozen=" + WorkerIdOf(worker), "the connector RUNNING on the worker again", () => worker.Output);
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    private static async Task<long> EndOffsetAsync(KafkaClient client, string topic)
    {
        try
        {
            return await client.ListOffsetAsync(topic, 0, -1);
        }
        catch (KafkaClientException)
        {
            return -1; // not created yet
        }
    }

    private static string Describe(Dictionary<string, string> placement) => string.Join(",", placement.Select(p => p.Key + "=" + p.Value));

    [Fact]
    public async Task A_worker_refuses_an_internal_topic_that_is_not_compacted()
    {
        await using (var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] }))
        {
            await client.CreateTopicAsync("b-configs", 1, new Dictionary<string, string> { ["cleanup.policy"] = "delete" });
        }
        var (exitCode, _, stderr) = await RunToExitAsync(WorkerFile("cluster-b", "b"), "a non-compacted config topic");
        Assert.Equal(1, exitCode);
        Assert.Contains("'b-configs'", stderr, StringComparison.Ordinal);
        Assert.Contains("is required to have 'cleanup.policy=compact'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_whose_session_timeout_the_broker_refuses_exits_saying_so()
    {
        // The broker here allows sessions from 1000 ms (group.min.session.timeout.ms): 500 can never join, so the
        // worker stops with status 1 and Kafka's error name instead of retrying JoinGroup forever.
        var file = WorkerFile("cluster-c", "c");
        System.IO.File.WriteAllText(file, System.IO.File.ReadAllText(file).Replace("session.timeout.ms=3000", "session.timeout.ms=500", StringComparison.Ordinal));
        var (exitCode, stdout, stderr) = await RunToExitAsync(file, "a session timeout below group.min.session.timeout.ms");
        Assert.Equal(1, exitCode);
        Assert.Contains("INVALID_SESSION_TIMEOUT", stderr, StringComparison.Ordinal);
        Assert.Contains("session.timeout.ms=500", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped cleanly", stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs connect-distributed on <paramref name="workerFile"/> until it exits (60 s at most: then the test fails).</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(string workerFile, string what)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "tributary.dll"), "connect-distributed", workerFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"connect-distributed kept running with {what}:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>For every connector instance and task, the intervals it ran on different workers never overlap (a killed worker's end at the kill).</summary>
    private static void AssertNeverTwiceAtOnce(IReadOnlyList<RunEvent> events, DateTimeOffset killedAt, string killedWorker)
    {
        foreach (var connector in events.Select(e => e.Connector).Distinct())
        {
            var intervals = new List<(string Worker, DateTimeOffset From, DateTimeOffset To)>();
            foreach (var worker in events.Where(e => e.Connector == connector).Select(e => e.Worker).Distinct())
            {
                DateTimeOffset? open = null;
                foreach (var e in events.Where(e => e.Connector == connector && e.Worker == worker).OrderBy(e => e.At))
                {
                    if (e.Started)
                    {
                        open ??= e.At;
                    }
                    else if (open is { } from)
                    {
                        intervals.Add((worker, from, e.At));
                        open = null;
                    }
                }
                if (open is { } still)
                {
                    Assert.True(worker == killedWorker, $"{connector} still ran on {worker} after it stopped");
                    intervals.Add((worker, still, killedAt));
                }
            }
            foreach (var a in intervals)
            {
                foreach (var b in intervals.Where(b => b.Worker != a.Worker))
                {
                    Assert.False(a.From < b.To && b.From < a.To, $"{connector} ran on {a.Worker} ({a.From:O}..{a.To:O}) and {b.Worker} ({b.From:O}..{b.To:O}) at once");
                }
            }
        }
    }

    /// <summary>Eventually, with the workers' logs in the failure message.</summary>
    private static async Task HoldsAsync(Func<Task<bool>> condition, string what, Func<string> logs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after 60 s waiting for: {what}\n{logs()}");
            await Task.Delay(100);
        }
    }

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private static string WorkerIdOf(ConnectStandaloneProcess worker) => "127.0.0.1:" + worker.RestPort.ToString(CultureInfo.InvariantCulture);

    private static List<RunEvent> Events(IEnumerable<ConnectStandaloneProcess> workers) =>
        [.. workers.SelectMany(w => RunLine().Matches(w.Output)).Select(m => new RunEvent(m.Groups[2].Value, m.Groups[3].Value, m.Groups[1].Value == "STARTED", DateTimeOffset.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)))];

    private sealed record RunEvent(string Connector, string Worker, bool Started, DateTimeOffset At);

    /// <summary>A connector instance's start/stop line (unit: the connector) or a task's (unit: connector-n).</summary>
    [GeneratedRegex(@"(?:CONNECTOR|TASK)-(STARTED|STOPPED) (\S+) on (\S+) generation -?\d+ at (\S+)")]
    private static partial Regex RunLine();

    /// <summary>connector → the worker_id its status shows RUNNING on ("" when not running).</summary>
    private async Task<Dictionary<string, string>> PlacementAsync(ConnectStandaloneProcess worker)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, worker.RestUrl + "/connectors?expand=status");
        Assert.Equal(200, status);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, entry) in body!.AsObject())
        {
            var connector = entry!["status"]!["connector"]!;
            var tasks = entry["status"]!["tasks"]!.AsArray();
            var running = connector["state"]!.GetValue<string>() == "RUNNING" && tasks.Count > 0 && tasks.All(t => t!["state"]!.GetValue<string>() == "RUNNING");
            result[name] = running ? connector["worker_id"]!.GetValue<string>() : "";
        }
        return result;
    }

    private async Task<long> FlushedPositionAsync(ConnectStandaloneProcess worker, string connector)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{worker.RestUrl}/connectors/{connector}/offsets");
        return status == 200 && body?["offsets"]?.AsArray() is [{ } first, ..] ? first["offset"]!["position"]!.GetValue<long>() : -1;
    }

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string url, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>A worker.properties on a free REST port (a distributed worker advertises it, so it cannot be 0).</summary>
    private string WorkerFile(string group, string prefix, int rebalanceDelayMs = RebalanceDelayMs, string extra = "")
    {
        var port = FreePort.Next();
        var path = _directory.File($"worker-{port}.properties");
        System.IO.File.WriteAllText(path, $"""
            bootstrap.servers=127.0.0.1:{_broker.Ports.Kafka}
            group.id={group}
            config.storage.topic={prefix}-configs
            offset.storage.topic={prefix}-offsets
            offset.storage.partitions=3
            status.storage.topic={prefix}-status
            status.storage.partitions=2
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.flush.interval.ms=300
            session.timeout.ms=3000
            heartbeat.interval.ms=300
            rebalance.timeout.ms=10000
            scheduled.rebalance.max.delay.ms={rebalanceDelayMs}
            listeners=http://127.0.0.1:{port}
            {extra}
            """);
        return path;
    }

    private static string Lines(int file, int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"file-{file}-line-{i}\n");
        }
        return text.ToString();
    }

    private static string Outputs(IEnumerable<ConnectStandaloneProcess> workers) => string.Join("\n----\n", workers.Select(w => w.Output));
}
