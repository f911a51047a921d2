using System.Collections.Concurrent;
using System.Text;
using Tributary.Broker.Groups;

namespace Tributary.Client.Tests;

/// <summary>The client's group member against the real coordinator over TCP.</summary>
public sealed class GroupConsumerTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync(broker: o => o with { Groups = new GroupOptions { InitialRebalanceDelayMs = 0, MinSessionTimeoutMs = 1000, TickIntervalMs = 20 } });

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    private KafkaClient NewClient() => new(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_kafka.Server.Port}"] });

    private static GroupConsumerOptions Options => new() { GroupId = "g", Topics = ["t"], SessionTimeoutMs = 5000, HeartbeatIntervalMs = 200 };

    [Fact]
    public async Task Two_members_share_the_partitions_commit_and_a_later_member_resumes_at_the_commits()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("t", 4);
        for (var p = 0; p < 4; p++)
        {
            await client.ProduceAsync("t", p, [.. Enumerable.Range(0, 100).Select(i => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes($"{p}-{i}")))]);
        }
        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var assignments = new ConcurrentDictionary<int, IReadOnlyList<(string, int)>>();

        async Task RunMember(int index, Func<bool> done)
        {
            await using var memberClient = NewClient();
            await using var member = new GroupConsumer(memberClient, Options);
            while (!done())
            {
                foreach (var record in await member.PollAsync(100, stop.Token))
                {
                    seen.AddOrUpdate(Encoding.UTF8.GetString(record.Value!), 1, (_, n) => n + 1);
                }
                try
                {
                    await member.CommitAsync(stop.Token);
                }
                catch (KafkaClientException e) when (e.ErrorCode is 22 or 25 or 27)
                {
                    // A rebalance under way: the next poll rejoins.
                }
                assignments[index] = member.Assignment;
            }
        }

        var first = RunMember(0, () => seen.Count >= 400 && assignments.Count == 2 && assignments.Values.All(a => a.Count == 2));
        // The second member joins once the first has its assignment, so the join forces a rebalance.
        await Eventually.HoldsAsync(() => assignments.ContainsKey(0), "the first member assigned", TimeSpan.FromSeconds(30));
        var second = RunMember(1, () => seen.Count >= 400 && assignments.Count == 2 && assignments.Values.All(a => a.Count == 2));
        await Task.WhenAll(first, second).WaitAsync(stop.Token);
        Assert.Equal(400, seen.Count);
        Assert.Equal(4, assignments.Values.SelectMany(a => a).Distinct().Count());

        // A later member resumes at the commits: only new records arrive.
        await client.ProduceAsync("t", 2, [(null, Encoding.UTF8.GetBytes("new"))]);
        await using var laterClient = NewClient();
        await using var later = new GroupConsumer(laterClient, Options);
        var after = new List<ConsumedRecord>();
        for (var i = 0; i < 20 && after.Count == 0; i++)
        {
            after.AddRange(await later.PollAsync(100, stop.Token));
        }
        Assert.Equal("new", Encoding.UTF8.GetString(Assert.Single(after).Value!));
        Assert.Equal(4, later.Assignment.Count);
    }
}
