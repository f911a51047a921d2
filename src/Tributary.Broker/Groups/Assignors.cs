namespace Tributary.Broker.Groups;

/// <summary>A subscriber as assignors see it.</summary>
internal sealed record AssignorMember(string MemberId, IReadOnlySet<Guid> Topics, Assignment Previous);

/// <summary>
/// Server-side assignors of KIP-848 groups. Both are deterministic for the same input and sticky: a partition
/// stays with its previous owner when that keeps the assignment balanced.
/// </summary>
internal static class Assignors
{
    public static bool IsKnown(string name) => name is "uniform" or "range";

    /// <summary>Assigns every partition of the subscribed topics (topic id → partition count) to members.</summary>
    public static Dictionary<string, Assignment> Assign(string assignor, IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<Guid, int> topics) =>
        assignor == "range" ? Range(members, topics) : Uniform(members, topics);

    /// <summary>
    /// Uniform: spreads all partitions so member counts differ by at most one among members that could take
    /// them. Pass 1 keeps previous owners up to their quota; pass 2 gives the rest to the least-loaded subscriber.
    /// </summary>
    private static Dictionary<string, Assignment> Uniform(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<Guid, int> topics)
    {
        var result = members.ToDictionary(m => m.MemberId, _ => new Assignment(), StringComparer.Ordinal);
        var load = members.ToDictionary(m => m.MemberId, _ => 0, StringComparer.Ordinal);
        var partitions = topics.OrderBy(t => t.Key).SelectMany(t => Enumerable.Range(0, t.Value).Select(p => (Topic: t.Key, Partition: p))).ToList();
        var subscribers = partitions.ToDictionary(p => p, p => members.Where(m => m.Topics.Contains(p.Topic)).ToList());
        var homogeneous = members.Count > 0 && members.All(m => m.Topics.SetEquals(members[0].Topics));
        var total = partitions.Count(p => subscribers[p].Count > 0);
        var quota = members.Count == 0 ? 0 : (total + members.Count - 1) / members.Count;
        var exactlyAtCeiling = members.Count == 0 ? 0 : total % members.Count;
        var atCeiling = 0;
        var unassigned = new List<(Guid Topic, int Partition)>();
        foreach (var partition in partitions)
        {
            if (subscribers[partition].Count == 0)
            {
                continue;
            }
            var owner = subscribers[partition].FirstOrDefault(m => m.Previous.Contains(partition.Topic, partition.Partition));
            // A previous owner keeps the partition while under its quota (for homogeneous groups only as many
            // members as the remainder allows may reach the ceiling).
            var limit = !homogeneous || exactlyAtCeiling == 0 || atCeiling < exactlyAtCeiling ? quota : quota - 1;
            if (owner is not null && load[owner.MemberId] < limit)
            {
                result[owner.MemberId].Add(partition.Topic, partition.Partition);
                load[owner.MemberId]++;
                if (homogeneous && exactlyAtCeiling > 0 && load[owner.MemberId] == quota)
                {
                    atCeiling++;
                }
            }
            else
            {
                unassigned.Add(partition);
            }
        }
        foreach (var partition in unassigned)
        {
            var target = subscribers[partition].OrderBy(m => load[m.MemberId]).ThenBy(m => m.MemberId, StringComparer.Ordinal).First();
            result[target.MemberId].Add(partition.Topic, partition.Partition);
            load[target.MemberId]++;
        }
        return result;
    }

    /// <summary>Range: per topic, its subscribers (by member id) get contiguous ranges, the first ones one more.</summary>
    private static Dictionary<string, Assignment> Range(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<Guid, int> topics)
    {
        var result = members.ToDictionary(m => m.MemberId, _ => new Assignment(), StringComparer.Ordinal);
        foreach (var (topic, count) in topics.OrderBy(t => t.Key))
        {
            var subscribers = members.Where(m => m.Topics.Contains(topic)).OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
            if (subscribers.Count == 0)
            {
                continue;
            }
            var per = count / subscribers.Count;
            var extra = count % subscribers.Count;
            var next = 0;
            for (var i = 0; i < subscribers.Count; i++)
            {
                var take = per + (i < extra ? 1 : 0);
                for (var j = 0; j < take; j++)
                {
                    result[subscribers[i].MemberId].Add(topic, next++);
                }
            }
        }
        return result;
    }
}
