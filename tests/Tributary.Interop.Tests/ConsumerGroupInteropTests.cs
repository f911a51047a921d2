using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Tributary.Interop.Tests;

/// <summary>A broker for the group tests: no initial rebalance delay, so groups form as soon as members join.</summary>
public sealed class GroupTributaryServer : TributaryServer
{
    protected override IEnumerable<string> Settings => ["group.initial.rebalance.delay.ms=0"];
}

/// <summary>
/// Consumer groups with real clients as separate processes (issue 4): librdkafka (confluent-kafka) members that
/// share partitions, survive a kill -9 of one member and resume from committed offsets after restarting every
/// consumer and the broker; cooperative-sticky incremental rebalances; a static member's restart without a
/// rebalance; kcat -G; kafkajs with manual commits and group administration; kafka-python; @platformatic/kafka on
/// the classic and the KIP-848 protocols; AdminClient listing and describing groups.
/// Scripts: tests/interop/confluent_group.py, kafka_python_group.py, node/kafkajs_roundtrip.mjs, node/platformatic_roundtrip.mjs.
/// </summary>
[Trait("Category", "process")]
public class ConsumerGroupInteropTests(GroupTributaryServer server) : IClassFixture<GroupTributaryServer>
{
    private static string Script => Path.Combine(InteropPaths.Scripts, "confluent_group.py");

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    private Task<ClientResult> Confluent(params string[] args) =>
        ClientProcess.RunAsync(InteropClients.Python, [Script, server.Bootstrap, .. args], TimeSpan.FromSeconds(90));

    private MemberProcess Member(string group, string topic, string options) =>
        MemberProcess.Start(InteropClients.Python, [Script, server.Bootstrap, "member", group, topic, options]);

    [Fact]
    public async Task Three_confluent_members_share_six_partitions_survive_a_kill_9_and_resume_exactly_after_a_full_restart()
    {
        InteropClients.RequireConfluentKafka();
        const int Count = 6000;
        var topic = NewName("grp-six");
        var group = NewName("g-six");
        (await Confluent("produce", topic, "6", Count.ToString(CultureInfo.InvariantCulture), "0")).EnsureSuccess();

        // Slow members (2 ms per record) so that the kill lands mid-stream.
        const string Options = """{"delay_ms": 2, "stop_after_idle_s": 8, "session_ms": 6000}""";
        var members = Enumerable.Range(0, 3).Select(_ => Member(group, topic, Options)).ToList();
        try
        {
            Assert.True(await WaitUntil(() => Disjoint(members, 6), TimeSpan.FromSeconds(40)), "no balanced assignment of 6 partitions to 3 members:\n" + Dump(members));
            foreach (var m in members)
            {
                Assert.Equal(2, m.CurrentAssignment.Count);
            }
            var victim = members[0];
            Assert.True(await WaitUntil(() => victim.Records.Count >= 100, TimeSpan.FromSeconds(30)), "the first member read nothing:\n" + Dump(members));
            var orphaned = victim.CurrentAssignment;
            victim.Kill9();
            var killedAt = Stopwatch.StartNew();
            // Its partitions move to the survivors within the session timeout (6 s) plus a rebalance.
            Assert.True(await WaitUntil(() => orphaned.All(p => members.Skip(1).Any(m => m.CurrentAssignment.Contains(p))), TimeSpan.FromSeconds(20)),
                "the killed member's partitions did not move:\n" + Dump(members));
            var moved = killedAt.Elapsed;
            Assert.True(moved < TimeSpan.FromSeconds(15), $"partitions moved only after {moved}");
            foreach (var m in members.Skip(1))
            {
                Assert.True(await m.WaitForExitAsync(TimeSpan.FromSeconds(90)), "a member did not finish:\n" + Dump(members));
                Assert.Contains(m.Lines, l => l.Contains("\"closed\"", StringComparison.Ordinal));
            }
            // Every record consumed at least once, none lost.
            var consumed = members.SelectMany(m => m.Records).Select(r => r.Value).ToHashSet();
            var missing = Enumerable.Range(0, Count).Where(i => !consumed.Contains(i)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} records never consumed, e.g. {string.Join(',', missing.Take(10))}");
        }
        finally
        {
            members.ForEach(m => m.Dispose());
        }

        // More records, a broker restart, and one consumer: it resumes exactly at the committed offsets.
        (await Confluent("produce", topic, "6", "600", Count.ToString(CultureInfo.InvariantCulture))).EnsureSuccess();
        await server.RestartAsync();
        using var resumed = Member(group, topic, """{"stop_after_idle_s": 5, "session_ms": 6000}""");
        Assert.True(await resumed.WaitForExitAsync(TimeSpan.FromSeconds(90)), "the resumed member did not finish:\n" + Dump([resumed]));
        var values = resumed.Records.Select(r => r.Value).Order().ToList();
        Assert.Equal(Enumerable.Range(Count, 600), values);
    }

    [Fact]
    public async Task Cooperative_sticky_members_assign_and_revoke_incrementally()
    {
        InteropClients.RequireConfluentKafka();
        var topic = NewName("grp-coop");
        var group = NewName("g-coop");
        (await Confluent("produce", topic, "6", "600", "0")).EnsureSuccess();
        const string Options = """{"assignor": "cooperative-sticky", "delay_ms": 5, "stop_after_idle_s": 6}""";
        using var first = Member(group, topic, Options);
        Assert.True(await WaitUntil(() => first.CurrentAssignment.Count == 6, TimeSpan.FromSeconds(30)), Dump([first]));
        using var second = Member(group, topic, Options);
        Assert.True(await WaitUntil(() => first.CurrentAssignment.Count == 3 && second.CurrentAssignment.Count == 3, TimeSpan.FromSeconds(30)), Dump([first, second]));
        // Incremental: the first member gave up only three partitions and kept the rest without a full revoke.
        var revokes = first.Events("revoked");
        Assert.Single(revokes);
        Assert.Equal(3, revokes[0].Count);
        Assert.True(first.Lines.Concat(second.Lines).All(l => !l.Contains("\"revoked\"", StringComparison.Ordinal) || l.Contains("\"incremental\": true", StringComparison.Ordinal)));
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(60)) & await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), Dump([first, second]));
        var all = first.Records.Concat(second.Records).Select(r => r.Value).ToHashSet();
        Assert.Equal(600, all.Count);
    }

    [Fact]
    public async Task A_static_member_restarting_within_its_session_timeout_causes_no_rebalance()
    {
        InteropClients.RequireConfluentKafka();
        var topic = NewName("grp-static");
        var group = NewName("g-static");
        (await Confluent("produce", topic, "4", "40", "0")).EnsureSuccess();
        const string A = """{"instance_id": "static-a", "session_ms": 15000, "stop_after_idle_s": 25}""";
        const string B = """{"instance_id": "static-b", "session_ms": 15000, "stop_after_idle_s": 25}""";
        var a = Member(group, topic, A);
        using var b = Member(group, topic, B);
        try
        {
            Assert.True(await WaitUntil(() => Disjoint([a, b], 4) && a.CurrentAssignment.Count == 2, TimeSpan.FromSeconds(40)), Dump([a, b]));
            var before = a.CurrentAssignment;
            var bEvents = b.Lines.Count(l => l.Contains("\"assigned\"", StringComparison.Ordinal) || l.Contains("\"revoked\"", StringComparison.Ordinal));
            a.Kill9();
            await Task.Delay(TimeSpan.FromSeconds(2));
            a.Dispose();
            a = Member(group, topic, A);
            Assert.True(await WaitUntil(() => a.CurrentAssignment.Count == 2, TimeSpan.FromSeconds(20)), "the restarted static member got no assignment:\n" + Dump([a, b]));
            Assert.Equal(before, a.CurrentAssignment);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var bAfter = b.Lines.Count(l => l.Contains("\"assigned\"", StringComparison.Ordinal) || l.Contains("\"revoked\"", StringComparison.Ordinal));
            Assert.True(bEvents == bAfter, "the other member saw a rebalance:\n" + Dump([a, b]));
        }
        finally
        {
            a.Dispose();
        }
    }

    [Fact]
    public async Task Confluent_admin_lists_and_describes_groups()
    {
        InteropClients.RequireConfluentKafka();
        var topic = NewName("grp-admin");
        var group = NewName("g-admin");
        (await Confluent("produce", topic, "2", "20", "0")).EnsureSuccess();
        using (var member = Member(group, topic, """{"stop_after_idle_s": 3}"""))
        {
            Assert.True(await WaitUntil(() => member.CurrentAssignment.Count == 2, TimeSpan.FromSeconds(30)), Dump([member]));
            var live = (await Confluent("admin", group)).EnsureSuccess();
            var described = JsonLines(live.StandardOutput).Single(e => e.GetProperty("event").GetString() == "described");
            Assert.Equal("Stable", described.GetProperty("state").GetString());
            Assert.Equal("consumer", described.GetProperty("protocol_type").GetString());
            Assert.Equal("range", described.GetProperty("protocol").GetString());
            Assert.Equal(1, described.GetProperty("members").GetInt32());
            Assert.True(await member.WaitForExitAsync(TimeSpan.FromSeconds(60)), Dump([member]));
        }
        var after = (await Confluent("admin", group)).EnsureSuccess();
        var lines = JsonLines(after.StandardOutput);
        Assert.Contains(group, lines.First(e => e.GetProperty("event").GetString() == "listed").GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("Empty", lines.Single(e => e.GetProperty("event").GetString() == "described").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Kcat_group_consumer_commits_and_the_next_one_resumes()
    {
        InteropClients.RequireKcat();
        var topic = NewName("grp-kcat");
        var group = NewName("g-kcat");
        var input = Path.Combine(Path.GetTempPath(), $"tributary-kcat-group-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllLinesAsync(input, Enumerable.Range(0, 1000).Select(i => $"v{i}"));
            (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap, "-t", topic, "-P"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
            // -o would seek every assigned partition; without it kcat starts at the committed offset (else at the earliest).
            string[] consume = ["-b", server.Bootstrap, "-G", group, "-e", "-q", "-X", "auto.offset.reset=earliest", "-X", "auto.commit.interval.ms=100", topic];
            var first = (await ClientProcess.RunAsync("kcat", consume, TimeSpan.FromSeconds(60))).EnsureSuccess();
            Assert.Equal(1000, first.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            await File.WriteAllLinesAsync(input, Enumerable.Range(1000, 10).Select(i => $"v{i}"));
            (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap, "-t", topic, "-P"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
            var second = (await ClientProcess.RunAsync("kcat", consume, TimeSpan.FromSeconds(60))).EnsureSuccess();
            Assert.Equal(Enumerable.Range(1000, 10).Select(i => $"v{i}"), second.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public async Task Kafkajs_consumes_in_a_group_with_manual_commits_then_lists_describes_and_deletes_the_group()
    {
        InteropClients.RequireKafkaJs();
        var result = await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(InteropPaths.NodeScripts, "kafkajs_roundtrip.mjs"), server.Bootstrap, NewName("grp-kafkajs"), "2000", "--consume"], TimeSpan.FromSeconds(120));
        result.EnsureSuccess();
        Assert.Contains("\"event\":\"deleted\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kafka_python_consumes_in_a_group_and_a_second_consumer_resumes_at_the_commit()
    {
        InteropClients.RequireKafkaPython();
        var result = await ClientProcess.RunAsync(InteropClients.Python, [Path.Combine(InteropPaths.Scripts, "kafka_python_group.py"), server.Bootstrap, NewName("grp-kpy"), NewName("g-kpy"), "3000"], TimeSpan.FromSeconds(120));
        result.EnsureSuccess();
        Assert.Contains("\"records_after_commit\": 0", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--groups")]
    [InlineData("--kip848")]
    public async Task Platformatic_kafka_consumes_through_a_group(string protocol)
    {
        InteropClients.RequirePlatformatic();
        var result = await ClientProcess.RunAsync(InteropClients.Node22, [Path.Combine(InteropPaths.NodeScripts, "platformatic_roundtrip.mjs"), server.Bootstrap, NewName("grp-pf"), "2000", protocol], TimeSpan.FromSeconds(120));
        result.EnsureSuccess();
        Assert.Contains(protocol == "--kip848" ? "KIP-848 group" : "classic group", result.StandardOutput, StringComparison.Ordinal);
    }

    private static bool Disjoint(IReadOnlyList<MemberProcess> members, int partitions)
    {
        var all = members.SelectMany(m => m.CurrentAssignment).ToList();
        return all.Count == partitions && all.Distinct().Count() == partitions && members.All(m => m.CurrentAssignment.Count > 0);
    }

    private static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return condition();
    }

    private string Dump(IEnumerable<MemberProcess> members) =>
        string.Join("\n---\n", members.Select(m => string.Join('\n', m.Lines.Where(l => !l.Contains("\"record\"", StringComparison.Ordinal)).TakeLast(30)))) + "\n--- broker:\n" + server.Output[^Math.Min(server.Output.Length, 3000)..];

    private static List<JsonElement> JsonLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    /// <summary>A long-running client whose JSON lines are collected as they come; killed with SIGKILL on demand.</summary>
    private sealed class MemberProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        private MemberProcess(Process process) => _process = process;

        public static MemberProcess Start(string file, IEnumerable<string> args)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["TRIBUTARY_INTEROP_TIMEOUT"] = "150";
            var member = new MemberProcess(Process.Start(start)!);
            member._process.OutputDataReceived += (_, e) => member.Add(e.Data);
            member._process.ErrorDataReceived += (_, e) => member.Add(e.Data is null ? null : "stderr: " + e.Data);
            member._process.BeginOutputReadLine();
            member._process.BeginErrorReadLine();
            return member;
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IReadOnlyList<(int Partition, long Offset, int Value)> Records =>
            [.. Lines.Where(l => l.Contains("\"record\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("p").GetInt32(), e.GetProperty("o").GetInt64(), int.Parse(e.GetProperty("v").GetString()!, CultureInfo.InvariantCulture)))];

        /// <summary>Partitions per "assigned"/"revoked" event of the given kind, in order.</summary>
        public IReadOnlyList<IReadOnlyList<int>> Events(string kind) =>
            [.. Lines.Where(l => l.StartsWith('{') && l.Contains($"\"{kind}\"", StringComparison.Ordinal))
                .Select(l => (IReadOnlyList<int>)[.. JsonDocument.Parse(l).RootElement.GetProperty("partitions").EnumerateArray().Select(p => p.GetInt32())])];

        /// <summary>The partitions the member holds now, replaying its assign/revoke events (eager or incremental).</summary>
        public IReadOnlySet<int> CurrentAssignment
        {
            get
            {
                var held = new SortedSet<int>();
                foreach (var line in Lines.Where(l => l.StartsWith('{') && (l.Contains("\"assigned\"", StringComparison.Ordinal) || l.Contains("\"revoked\"", StringComparison.Ordinal))))
                {
                    var e = JsonDocument.Parse(line).RootElement;
                    var partitions = e.GetProperty("partitions").EnumerateArray().Select(p => p.GetInt32());
                    var incremental = e.GetProperty("incremental").GetBoolean();
                    if (e.GetProperty("event").GetString() == "assigned")
                    {
                        if (!incremental)
                        {
                            held.Clear();
                        }
                        held.UnionWith(partitions);
                    }
                    else
                    {
                        held.ExceptWith(partitions);
                    }
                }
                return held;
            }
        }

        public void Kill9() => _process.Kill(entireProcessTree: true);

        public async Task<bool> WaitForExitAsync(TimeSpan limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
                return _process.ExitCode == 0;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
