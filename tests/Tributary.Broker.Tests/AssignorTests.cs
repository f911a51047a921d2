using Tributary.Broker.Groups;

namespace Tributary.Broker.Tests;

/// <summary>The KIP-848 server-side assignors: balance, stickiness, subscriptions respected, determinism.</summary>
public class AssignorTests
{
    private static readonly Guid T1 = new("00000000-0000-0000-0000-000000000001");
    private static readonly Guid T2 = new("00000000-0000-0000-0000-000000000002");

    private static AssignorMember M(string id, Assignment? previous = null, params Guid[] topics) =>
        new(id, topics.ToHashSet(), previous ?? new Assignment());

    [Fact]
    public void Uniform_balances_within_one_and_keeps_partitions_where_they_were()
    {
        var topics = new Dictionary<Guid, int> { [T1] = 7, [T2] = 3 };
        var first = Assignors.Assign("uniform", [M("a", null, T1, T2), M("b", null, T1, T2)], topics);
        Assert.Equal([5, 5], first.Values.Select(a => a.All().Count()));
        Assert.Equal(10, first.Values.SelectMany(a => a.All()).Distinct().Count());
        // A third member joins: it takes partitions, the others keep everything else they had.
        var second = Assignors.Assign("uniform", [M("a", first["a"], T1, T2), M("b", first["b"], T1, T2), M("c", null, T1, T2)], topics);
        Assert.Equal([3, 3, 4], second.Values.Select(a => a.All().Count()).Order());
        Assert.All(["a", "b"], id => Assert.Subset(first[id].All().ToHashSet(), second[id].All().ToHashSet()));
        Assert.Equal(10, second.Values.SelectMany(a => a.All()).Distinct().Count());
    }

    [Fact]
    public void Uniform_gives_a_topic_only_to_its_subscribers()
    {
        var topics = new Dictionary<Guid, int> { [T1] = 4, [T2] = 4 };
        var result = Assignors.Assign("uniform", [M("a", null, T1), M("b", null, T1, T2), M("c", null, T2)], topics);
        Assert.DoesNotContain(result["a"].All(), p => p.TopicId == T2);
        Assert.DoesNotContain(result["c"].All(), p => p.TopicId == T1);
        Assert.Equal(8, result.Values.SelectMany(a => a.All()).Distinct().Count());
        Assert.True(result.Values.Max(a => a.All().Count()) - result.Values.Min(a => a.All().Count()) <= 1);
    }

    [Fact]
    public void Range_gives_contiguous_ranges_per_topic_the_first_members_one_more()
    {
        var result = Assignors.Assign("range", [M("b", null, T1), M("a", null, T1)], new Dictionary<Guid, int> { [T1] = 5 });
        Assert.Equal([0, 1, 2], result["a"].All().Select(p => p.Partition));
        Assert.Equal([3, 4], result["b"].All().Select(p => p.Partition));
    }
}
