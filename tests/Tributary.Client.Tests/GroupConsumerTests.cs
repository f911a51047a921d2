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
    [Fact]
    public async Task A_member_subscribed_before_its_topic_exists_is_given_the_partitions_once_the_topic_is_created()
    {
        await using var client = NewClient();
        await using var member = new GroupConsumer(client, Options with { Topics = ["late"], MissingTopicRecheckMs = 200 });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Empty(await member.PollAsync(100, stop.Token)); // joins
        // With nothing assigned a poll waits its time as a fetch would (a caller's poll loop must not spin a core).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            Assert.Empty(await member.PollAsync(100, stop.Token));
        }
        Assert.True(clock.ElapsedMilliseconds >= 290, $"three polls with nothing assigned returned after {clock.ElapsedMilliseconds} ms");
        Assert.Empty(member.Assignment);
        var generation = member.Generation;

        await client.CreateTopicAsync("late", 2);
        await client.ProduceAsync("late", 1, [(null, Encoding.UTF8.GetBytes("first"))]);
        var received = new List<ConsumedRecord>();
        await Eventually.HoldsAsync(async () =>
        {
            received.AddRange(await member.PollAsync(100, stop.Token));
            return received.Count > 0;
        }, () => $"the record in the topic created after the join (assignment [{string.Join(", ", member.Assignment)}])", TimeSpan.FromSeconds(20));
        Assert.Equal("first", Encoding.UTF8.GetString(Assert.Single(received).Value!));
        Assert.Equal([("late", 0), ("late", 1)], member.Assignment);
        Assert.True(member.Generation > generation, $"a rebalance made the new assignment (generation {generation} -> {member.Generation})");
    }

    [Fact]
    public async Task A_pattern_subscription_takes_the_matching_topics_and_one_created_later()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("orders-eu", 1);
        await client.CreateTopicAsync("orders-eu-archive", 1);
        await client.CreateTopicAsync("returns", 1);
        foreach (var topic in new[] { "orders-eu", "orders-eu-archive", "returns" })
        {
            await client.ProduceAsync(topic, 0, [(null, Encoding.UTF8.GetBytes(topic))]);
        }
        // The whole name must match (Java's Matcher.matches): "orders-[a-z]+" is not "orders-eu-archive".
        var pattern = new System.Text.RegularExpressions.Regex("orders-[a-z]+");
        await using var member = new GroupConsumer(client, Options with { Topics = [], TopicPattern = pattern, MetadataMaxAgeMs = 300 });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new List<string>();
        await Eventually.HoldsAsync(async () =>
        {
            received.AddRange((await member.PollAsync(100, stop.Token)).Select(r => Encoding.UTF8.GetString(r.Value!)));
            return received.Count > 0;
        }, "the matching topic's record", TimeSpan.FromSeconds(20));
        Assert.Equal(["orders-eu"], received);
        Assert.Equal([("orders-eu", 0)], member.Assignment);
        // Committed, so the rebalance the new topic causes resumes here (an eager rebalance starts again from the commits).
        await member.CommitAsync(stop.Token);

        await client.CreateTopicAsync("orders-us", 2);
        await client.ProduceAsync("orders-us", 1, [(null, Encoding.UTF8.GetBytes("orders-us"))]);
        await Eventually.HoldsAsync(async () =>
        {
            received.AddRange((await member.PollAsync(100, stop.Token)).Select(r => Encoding.UTF8.GetString(r.Value!)));
            return received.Count > 1;
        }, () => $"the record of the topic created later (assignment [{string.Join(", ", member.Assignment)}])", TimeSpan.FromSeconds(20));
        Assert.Equal(["orders-eu", "orders-us"], received);
        Assert.Equal([("orders-eu", 0), ("orders-us", 0), ("orders-us", 1)], member.Assignment);
    }

    [Fact]
    public async Task A_poll_hands_out_at_most_max_records_the_rest_of_the_fetch_next_and_a_seek_drops_what_was_fetched_past_it()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("many", 2);
        for (var p = 0; p < 2; p++)
        {
            // A plain batch of 1,200 records, then a compressed one of 300: one fetch brings far more than a poll may hand out.
            await client.ProduceAsync("many", p, [.. Enumerable.Range(0, 1200).Select(i => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes($"{p}-{i}")))]);
            await client.ProduceAsync("many", p, [.. Enumerable.Range(1200, 300).Select(i => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes($"{p}-{i}")))], codec: Tributary.Protocol.Compression.CompressionCodec.Gzip);
        }
        await using var member = new GroupConsumer(client, Options with { GroupId = "capped", Topics = ["many"] });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var list = new List<ConsumedRecord>();
        var seen = new List<ConsumedRecord>();
        int? seekPartition = null;
        while (seen.Count < 3000 + 490)
        {
            var polled = await member.PollAsync(list, 100, 500, stop.Token);
            Assert.Same(list, polled);
            Assert.True(polled.Count <= 500, $"a poll handed out {polled.Count} records");
            seen.AddRange(polled);
            if (seekPartition is null && polled.Count > 0)
            {
                // Mid-fetch: the first partition read goes back to offset 10; what its fetch held past the poll is dropped.
                seekPartition = polled[0].Partition;
                Assert.Equal(500, polled.Count(r => r.Partition == seekPartition));
                member.Seek("many", seekPartition.Value, 10);
            }
        }
        for (var p = 0; p < 2; p++)
        {
            var expected = Enumerable.Range(0, 1500);
            if (p == seekPartition)
            {
                expected = Enumerable.Range(0, 500).Concat(Enumerable.Range(10, 1490));
            }
            var partition = p;
            Assert.Equal(expected.Select(i => $"{partition}-{i}"), seen.Where(r => r.Partition == partition).Select(r => Encoding.UTF8.GetString(r.Value!)));
            Assert.Equal(expected.Select(i => (long)i), seen.Where(r => r.Partition == partition).Select(r => r.Offset));
            Assert.Equal(1500, member.Positions[("many", partition)]);
        }
    }

    [Fact]
    public async Task A_poll_stops_at_fetch_max_bytes_and_the_next_starts_with_the_partitions_it_left_out()
    {
        await using var client = NewClient();
        await client.CreateTopicAsync("wide", 8);
        var value = new string('v', 1000);
        for (var p = 0; p < 8; p++)
        {
            await client.ProduceAsync("wide", p, [.. Enumerable.Range(0, 20).Select(i => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes($"{p}-{i}-{value}")))]);
        }
        // Each partition holds ~20 KB: with a 30,000-byte limit a poll reads two partitions at the most.
        await using var member = new GroupConsumer(client, Options with { GroupId = "bounded", Topics = ["wide"], FetchMaxBytes = 30_000 });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new HashSet<string>();
        var polls = 0;
        while (seen.Count < 160)
        {
            var records = await member.PollAsync(100, stop.Token);
            Assert.True(records.Select(r => r.Partition).Distinct().Count() <= 2, "one poll read " + records.Select(r => r.Partition).Distinct().Count() + " partitions");
            foreach (var record in records)
            {
                Assert.True(seen.Add(string.Join('-', Encoding.UTF8.GetString(record.Value!).Split('-')[..2])), "record read twice");
            }
            polls++;
        }
        Assert.InRange(polls, 5, 40);
    }

    [Fact]
    public async Task A_poll_that_rejoins_returns_nothing_and_leaves_positions_at_the_commits()
    {
        // The delivery engine drops its buffers when the generation changes and restarts from the consumer's
        // positions; a poll that rejoined and read records in the same call made those records disappear.
        await using var client = NewClient();
        await client.CreateTopicAsync("t", 2);
        for (var p = 0; p < 2; p++)
        {
            await client.ProduceAsync("t", p, [.. Enumerable.Range(0, 50).Select(i => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes($"{p}-{i}")))]);
        }
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var firstClient = NewClient();
        await using var first = new GroupConsumer(firstClient, Options);
        Assert.Empty(await first.PollAsync(100, stop.Token));
        var generation = first.Generation;
        Assert.Equal(2, first.Assignment.Count);
        Assert.All(first.Positions.Values, offset => Assert.Equal(0, offset));
        await first.CommitAsync(new Dictionary<(string, int), long> { [("t", 0)] = 10, [("t", 1)] = 20 }, stop.Token);
        // Read positions at the end, so that only a rejoin (back to the commits) can make a poll return records.
        first.Seek("t", 0, 50);
        first.Seek("t", 1, 50);

        // A second member forces a rebalance; the first learns it from its heartbeat and rejoins in its next poll.
        await using var secondClient = NewClient();
        await using var second = new GroupConsumer(secondClient, Options);
        var joining = second.EnsureJoinedAsync(stop.Token);
        IReadOnlyList<ConsumedRecord> rejoined = [];
        await Eventually.HoldsAsync(async () =>
        {
            rejoined = await first.PollAsync(100, stop.Token);
            return first.Generation != generation || rejoined.Count > 0;
        }, "the first member rejoined", TimeSpan.FromSeconds(30));
        await joining.WaitAsync(stop.Token);
        Assert.NotEqual(generation, first.Generation);
        Assert.Empty(rejoined);
        var kept = Assert.Single(first.Assignment);
        Assert.Equal(kept.Partition == 0 ? 10 : 20, first.Positions[kept]);
    }
}
