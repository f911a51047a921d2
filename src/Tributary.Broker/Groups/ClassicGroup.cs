namespace Tributary.Broker.Groups;

/// <summary>Kafka's classic group states, by the names DescribeGroups and ListGroups report.</summary>
internal enum ClassicGroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

/// <summary>A member of a classic group.</summary>
internal sealed class ClassicMember(string memberId)
{
    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; set; }

    public string ClientId { get; set; } = "";

    public string ClientHost { get; set; } = "";

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public IReadOnlyList<GroupProtocol> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    /// <summary>Set while the member waits in JoinGroup for the rebalance to complete.</summary>
    public TaskCompletionSource<JoinGroupResult>? AwaitingJoin { get; set; }

    /// <summary>Set while the member waits in SyncGroup for the leader's assignment.</summary>
    public TaskCompletionSource<SyncGroupResult>? AwaitingSync { get; set; }

    /// <summary>When the member's session ends without a heartbeat (ms, coordinator clock).</summary>
    public long SessionDeadline { get; set; }

    public byte[] MetadataFor(string protocol)
    {
        foreach (var p in Protocols)
        {
            if (p.Name == protocol)
            {
                return p.Metadata;
            }
        }
        return [];
    }

    public bool SameProtocols(IReadOnlyList<GroupProtocol> other)
    {
        if (other.Count != Protocols.Count)
        {
            return false;
        }
        for (var i = 0; i < other.Count; i++)
        {
            if (other[i].Name != Protocols[i].Name || !other[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// A classic-protocol group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup): Kafka's state machine of
/// Empty → PreparingRebalance → CompletingRebalance → Stable, with static members, pending members (the
/// MEMBER_ID_REQUIRED round trip), the initial rebalance delay, rebalance and session timeouts. All methods run
/// under the group's monitor; waiters are completed there too (their continuations run asynchronously).
/// </summary>
internal sealed class ClassicGroup(string id) : Group(id)
{
    public ClassicGroupState State { get; set; } = ClassicGroupState.Empty;

    public int Generation { get; set; }

    /// <summary>Null until a member joins (an offsets-only group has none).</summary>
    public string? GroupProtocolType { get; set; }

    public string? Protocol { get; set; }

    public string? LeaderId { get; set; }

    /// <summary>Members in join order.</summary>
    public List<ClassicMember> Members { get; } = [];

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED, with the deadline by which they must join.</summary>
    public Dictionary<string, long> PendingMembers { get; } = [];

    /// <summary>Static members: group.instance.id → member id.</summary>
    public Dictionary<string, string> StaticMembers { get; } = [];

    /// <summary>When the current join phase (PreparingRebalance) or sync phase (CompletingRebalance) times out.</summary>
    public long PhaseDeadline { get; set; }

    /// <summary>While the first rebalance of an empty group waits for more members: the latest it may wait to.</summary>
    public long InitialDelayLimit { get; set; } = -1;

    public long StateTimestamp { get; set; }

    public override string Type => "classic";

    public override string StateName => State.ToString();

    public override string ProtocolType => GroupProtocolType ?? "";

    public override bool IsEmpty => Members.Count == 0 && PendingMembers.Count == 0;

    public ClassicMember? Find(string memberId)
    {
        foreach (var member in Members)
        {
            if (member.MemberId == memberId)
            {
                return member;
            }
        }
        return null;
    }

    public bool IsLeader(string memberId) => LeaderId == memberId;

    /// <summary>True when a static member's instance id is registered to a different member id.</summary>
    public bool IsFencedStatic(string? instanceId, string memberId) =>
        instanceId is not null && StaticMembers.TryGetValue(instanceId, out var registered) && registered != memberId;

    /// <summary>Protocols every member supports (join order of the first member's preferences).</summary>
    public IEnumerable<string> CandidateProtocols()
    {
        if (Members.Count == 0)
        {
            return [];
        }
        return Members[0].Protocols.Select(p => p.Name).Where(name => Members.All(m => m.Protocols.Any(p => p.Name == name)));
    }

    /// <summary>Whether a joining member's protocol type and protocols fit the group (Kafka's supportsProtocols).</summary>
    public bool Supports(string protocolType, IReadOnlyList<GroupProtocol> protocols)
    {
        if (Members.Count == 0)
        {
            return protocolType.Length > 0 && protocols.Count > 0;
        }
        return protocolType == GroupProtocolType && CandidateProtocols().Any(name => protocols.Any(p => p.Name == name));
    }

    /// <summary>The protocol most members prefer among those all support (ties: the first member's order).</summary>
    public string SelectProtocol()
    {
        var candidates = CandidateProtocols().ToList();
        var votes = candidates.ToDictionary(c => c, _ => 0);
        foreach (var member in Members)
        {
            var preferred = member.Protocols.First(p => votes.ContainsKey(p.Name)).Name;
            votes[preferred]++;
        }
        return candidates.OrderByDescending(c => votes[c]).First();
    }

    public void SetState(ClassicGroupState state, long now)
    {
        State = state;
        StateTimestamp = now;
        if (state == ClassicGroupState.Empty)
        {
            EmptySince = now;
        }
    }

    public PersistedClassicGroup ToPersisted() => new(
        GroupProtocolType ?? "",
        Generation,
        Protocol,
        LeaderId,
        StateTimestamp,
        [.. Members.Select(m => new PersistedMember(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs, m.SessionTimeoutMs, Protocol is null ? [] : m.MetadataFor(Protocol), m.Assignment))]);
}
