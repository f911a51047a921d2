namespace Tributary.Broker.Groups;

/// <summary>A set of partitions per topic id (sorted, for stable answers).</summary>
internal sealed class Assignment
{
    public SortedDictionary<Guid, SortedSet<int>> Partitions { get; } = [];

    public bool IsEmpty => Partitions.Count == 0;

    public static Assignment Of(IEnumerable<(Guid TopicId, int Partition)> partitions)
    {
        var result = new Assignment();
        foreach (var (topic, partition) in partitions)
        {
            result.Add(topic, partition);
        }
        return result;
    }

    public void Add(Guid topic, int partition)
    {
        if (!Partitions.TryGetValue(topic, out var set))
        {
            Partitions[topic] = set = [];
        }
        set.Add(partition);
    }

    public bool Contains(Guid topic, int partition) => Partitions.TryGetValue(topic, out var set) && set.Contains(partition);

    public IEnumerable<(Guid TopicId, int Partition)> All() => Partitions.SelectMany(t => t.Value.Select(p => (t.Key, p)));

    public bool SameAs(Assignment other) => All().SequenceEqual(other.All());

    public IReadOnlyList<(Guid TopicId, IReadOnlyList<int> Partitions)> ToList() =>
        [.. Partitions.Where(t => t.Value.Count > 0).Select(t => (t.Key, (IReadOnlyList<int>)[.. t.Value]))];
}

/// <summary>KIP-848 member states: reconciled, waiting to revoke, or waiting for partitions others still own.</summary>
internal enum ConsumerMemberState
{
    Stable,
    UnrevokedPartitions,
    UnreleasedPartitions,
}

/// <summary>A member of a KIP-848 consumer group.</summary>
internal sealed class ConsumerMember(string memberId)
{
    public string MemberId { get; } = memberId;

    public string? InstanceId { get; set; }

    public string? RackId { get; set; }

    public string ClientId { get; set; } = "";

    public string ClientHost { get; set; } = "";

    public int RebalanceTimeoutMs { get; set; } = 300_000;

    public IReadOnlyList<string> SubscribedTopics { get; set; } = [];

    public string? ServerAssignor { get; set; }

    public int MemberEpoch { get; set; }

    public int PreviousMemberEpoch { get; set; } = -1;

    public ConsumerMemberState State { get; set; } = ConsumerMemberState.Stable;

    /// <summary>What the coordinator has given the member and it may consume now.</summary>
    public Assignment Assigned { get; set; } = new();

    /// <summary>Partitions the member was told to give up and has not yet confirmed releasing.</summary>
    public Assignment PendingRevocation { get; set; } = new();

    /// <summary>The assignment last sent, to send a new one only when it changes.</summary>
    public Assignment? LastSent { get; set; }

    public long SessionDeadline { get; set; }

    /// <summary>When a member that must revoke partitions is fenced if it has not done so.</summary>
    public long RevocationDeadline { get; set; }
}

/// <summary>
/// A KIP-848 consumer group: the group epoch advances whenever membership or subscriptions change; the target
/// assignment is recomputed by a server-side assignor for that epoch; each member reconciles towards its target
/// (revoke first, then receive partitions once their previous owners have released them), its member epoch
/// reaching the assignment epoch when it has nothing left to revoke.
/// </summary>
internal sealed class ConsumerGroup(string id) : Group(id)
{
    public int GroupEpoch { get; set; }

    public int AssignmentEpoch { get; set; }

    public Dictionary<string, ConsumerMember> Members { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Assignment> TargetAssignment { get; } = new(StringComparer.Ordinal);

    /// <summary>The assignor of the last assignment (members may name one; the first configured is the default).</summary>
    public string AssignorName { get; set; } = "";

    public override string Type => "consumer";

    /// <summary>KIP-848 states: empty, assigning (target behind the group epoch), reconciling, stable.</summary>
    public override string StateName =>
        Members.Count == 0 ? "Empty"
        : AssignmentEpoch < GroupEpoch ? "Assigning"
        : Members.Values.Any(m => m.MemberEpoch != AssignmentEpoch || m.State != ConsumerMemberState.Stable) ? "Reconciling"
        : "Stable";

    public override string ProtocolType => "consumer";

    public override bool IsEmpty => Members.Count == 0;
}
