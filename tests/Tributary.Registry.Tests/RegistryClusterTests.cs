using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tributary.Registry.Tests;

/// <summary>
/// Several registry instances over one cluster's `_schemas` topic: `tributary serve` (its own registry off) is the
/// Kafka cluster, three `tributary schema-registry` processes elect a leader in the group `schema-registry`, and
/// confluent-kafka-python's SchemaRegistryClient (a new process per call) writes to followers and reads from every
/// instance. The leader is then killed with SIGKILL and leadership must move to a survivor, with ids continuing.
/// </summary>
[Trait("Category", "process")]
[Trait("Category", "crash")]
public sealed partial class RegistryClusterTests : IAsyncLifetime
{
    private const string Python = "/usr/bin/python3";
    private const string Script = "tests/interop/registry/cluster_client.py";
    private readonly TempDirectory _directory = new();
    private readonly List<ConnectStandaloneProcess> _instances = [];
    private TributaryProcess _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new TributaryProcess(Path.Combine(_directory.Path, "data"), () => ["registry.port=-1"]);
        await _cluster.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            var file = Path.Combine(_directory.Path, $"registry-{i}.properties");
            await File.WriteAllTextAsync(file, $"""
                listeners=http://127.0.0.1:0
                kafkastore.bootstrap.servers=PLAINTEXT://127.0.0.1:{_cluster.Ports.Kafka}
                kafkastore.topic=_schemas
                schema.registry.group.id=schema-registry
                leader.eligibility=true
                session.timeout.ms=6000
                """);
            _instances.Add(await ConnectStandaloneProcess.StartCommandAsync("schema-registry", file));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await _cluster.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Writes_sent_to_followers_reach_the_leader_reads_agree_and_leadership_moves_when_the_leader_dies()
    {
        var leader = await LeaderAsync(_instances);
        var followers = _instances.Where(i => i != leader).ToList();
        Assert.Equal(2, followers.Count);

        // A write to each follower is forwarded; the follower answers a read of it at once (it caught up before answering).
        var first = await RegisterAsync(followers[0], "rows-value", "a");
        Assert.Equal(1, first);
        var afterFirst = await LatestAsync(followers[0], "rows-value");
        Assert.Equal((1, 1, "a"), (afterFirst.Id, afterFirst.Version, string.Join(',', afterFirst.Fields)));
        var second = await RegisterAsync(followers[1], "rows-value", "a", "b");
        Assert.Equal(2, second);
        var afterSecond = await LatestAsync(followers[1], "rows-value");
        Assert.Equal((2, 2, "a,b"), (afterSecond.Id, afterSecond.Version, string.Join(',', afterSecond.Fields)));
        // Config is a write too: set on a follower, it holds for the next registration (NONE lets an incompatible change through).
        await RunAsync("config", followers[0], "rows-value", "NONE");

        // Every instance serves the same state from its own copy of the topic.
        foreach (var instance in _instances)
        {
            await Eventually.HoldsAsync(async () => (await LatestAsync(instance, "rows-value")).Version == 2, "every instance sees version 2", TimeSpan.FromSeconds(10));
        }
        var leaderLog = leader.Output;
        Assert.DoesNotContain("leader (none eligible)", leaderLog, StringComparison.Ordinal);

        // The leader dies without leaving the group: after the session timeout the survivors elect one of themselves.
        await leader.KillAsync();
        _instances.Remove(leader);
        var third = 0;
        await Eventually.HoldsAsync(async () =>
        {
            var result = await RunAsync("register", followers[0], "rows-value", null, "c");
            if (result.ExitCode != 0)
            {
                return false;
            }
            third = JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("id").GetInt32();
            return true;
        }, "a write succeeds after the leader was killed", TimeSpan.FromSeconds(40));
        Assert.Equal(3, third);
        var successor = await LeaderAsync(_instances);
        Assert.Contains(successor, followers);
        foreach (var instance in _instances)
        {
            await Eventually.HoldsAsync(async () => (await LatestAsync(instance, "rows-value")).Id == 3, "every survivor sees id 3", TimeSpan.FromSeconds(10));
        }
        // Written through the other survivor as well: ids keep increasing after the election.
        var other = followers.Single(f => f != followers[0]);
        Assert.Equal(4, await RegisterAsync(other, "rows-value", "d"));
        Assert.Equal(4, (await LatestAsync(other, "rows-value")).Id);
    }

    /// <summary>The instance every live instance's latest election line names (they must agree).</summary>
    private static async Task<ConnectStandaloneProcess> LeaderAsync(IReadOnlyList<ConnectStandaloneProcess> instances)
    {
        ConnectStandaloneProcess? found = null;
        await Eventually.HoldsAsync(() =>
        {
            var named = instances.Select(i => LeaderLine().Matches(i.Output).LastOrDefault()?.Groups[1].Value).ToArray();
            if (named.Any(n => n is null) || named.Distinct().Count() != 1)
            {
                return false;
            }
            found = instances.SingleOrDefault(i => i.RestUrl == named[0]);
            return found is not null;
        }, () => "the instances agree on a live leader:\n" + string.Join("\n---\n", instances.Select(i => i.Output)), TimeSpan.FromSeconds(30));
        return found!;
    }

    private static async Task<int> RegisterAsync(ConnectStandaloneProcess instance, string subject, params string[] fields)
    {
        var result = await RunAsync("register", instance, subject, null, fields);
        result.EnsureSuccess();
        return JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("id").GetInt32();
    }

    private static async Task<(int Id, int Version, string[] Fields)> LatestAsync(ConnectStandaloneProcess instance, string subject)
    {
        var result = await RunAsync("latest", instance, subject, null);
        result.EnsureSuccess();
        var root = JsonDocument.Parse(result.StandardOutput).RootElement;
        return (root.GetProperty("id").GetInt32(), root.GetProperty("version").GetInt32(), [.. root.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!)]);
    }

    private static async Task<ClientResult> RunAsync(string command, ConnectStandaloneProcess instance, string subject, string? level, params string[] fields)
    {
        string[] arguments = [Script, command, instance.RestUrl, subject, .. level is null ? fields : [level]];
        return await ClientProcess.RunAsync(Python, arguments, TimeSpan.FromSeconds(60));
    }

    [GeneratedRegex(@"leader (http://127\.0\.0\.1:\d+)")]
    private static partial Regex LeaderLine();
}
