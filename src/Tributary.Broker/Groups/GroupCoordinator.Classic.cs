namespace Tributary.Broker.Groups;

/// <summary>The classic group protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the expiries behind them.</summary>
internal sealed partial class GroupCoordinator
{
    public Task<JoinGroupResult> JoinGroupAsync(JoinGroupParameters p)
    {
        if (p.GroupId.Length == 0)
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InvalidGroupId, p.MemberId));
        }
        if (p.SessionTimeoutMs < _options.MinSessionTimeoutMs || p.SessionTimeoutMs > _options.MaxSessionTimeoutMs)
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InvalidSessionTimeout, p.MemberId));
        }
        while (true)
        {
            var group = Resolve<ClassicGroup>(p.GroupId, create: p.MemberId.Length == 0, out var otherType);
            if (group is null)
            {
                return Task.FromResult(JoinGroupResult.Failed(otherType ? ErrorCode.InconsistentGroupProtocol : ErrorCode.UnknownMemberId, p.MemberId));
            }
            lock (group)
            {
                if (!group.Deleted)
                {
                    return Join(group, p, Now());
                }
            }
        }
    }

    private Task<JoinGroupResult> Join(ClassicGroup group, JoinGroupParameters p, long now)
    {
        if (!group.Supports(p.ProtocolType, p.Protocols))
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.InconsistentGroupProtocol, p.MemberId));
        }
        if (p.MemberId.Length == 0)
        {
            return JoinNewMember(group, p, now);
        }
        if (group.PendingMembers.Remove(p.MemberId))
        {
            return group.Members.Count >= _options.MaxGroupSize
                ? Task.FromResult(JoinGroupResult.Failed(ErrorCode.GroupMaxSizeReached, p.MemberId))
                : AddMemberAndRebalance(group, p, p.MemberId, now);
        }
        if (group.IsFencedStatic(p.GroupInstanceId, p.MemberId))
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.FencedInstanceId, p.MemberId));
        }
        var member = group.Find(p.MemberId);
        if (member is null || group.State is ClassicGroupState.Empty or ClassicGroupState.Dead)
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, p.MemberId));
        }
        Refresh(member, p, now);
        switch (group.State)
        {
            case ClassicGroupState.PreparingRebalance:
                member.Protocols = p.Protocols;
                return AwaitJoin(group, member, now);
            case ClassicGroupState.CompletingRebalance when member.SameProtocols(p.Protocols):
                // The member lost its JoinGroup answer: give it the same one again.
                return Task.FromResult(CurrentGeneration(group, member, skipAssignment: false));
            case ClassicGroupState.Stable when !group.IsLeader(member.MemberId) && member.SameProtocols(p.Protocols):
                return Task.FromResult(CurrentGeneration(group, member, skipAssignment: false));
            default:
                // A changed subscription, or the leader rejoining (to pick up metadata changes): rebalance.
                member.Protocols = p.Protocols;
                PrepareRebalance(group, now);
                return AwaitJoin(group, member, now);
        }
    }

    private Task<JoinGroupResult> JoinNewMember(ClassicGroup group, JoinGroupParameters p, long now)
    {
        var newMemberId = (p.GroupInstanceId ?? (p.ClientId.Length > 0 ? p.ClientId : "member")) + "-" + Guid.NewGuid().ToString("D");
        if (p.GroupInstanceId is not null && group.StaticMembers.TryGetValue(p.GroupInstanceId, out var oldMemberId) && group.Find(oldMemberId) is { } known)
        {
            return ReplaceStaticMember(group, known, newMemberId, p, now);
        }
        if (group.Members.Count + group.PendingMembers.Count >= _options.MaxGroupSize)
        {
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.GroupMaxSizeReached));
        }
        if (p.RequireKnownMemberId && p.GroupInstanceId is null)
        {
            // KIP-394: the member must come back with this id; until then it holds a place for one session.
            group.PendingMembers[newMemberId] = now + p.SessionTimeoutMs;
            return Task.FromResult(JoinGroupResult.Failed(ErrorCode.MemberIdRequired, newMemberId));
        }
        return AddMemberAndRebalance(group, p, newMemberId, now);
    }

    /// <summary>
    /// KIP-345: a static member rejoining with an unknown member id takes over its old identity. In a stable group
    /// whose protocol would not change this causes no rebalance: the member gets its old assignment back (the
    /// leader is told to skip assignment).
    /// </summary>
    private Task<JoinGroupResult> ReplaceStaticMember(ClassicGroup group, ClassicMember member, string newMemberId, JoinGroupParameters p, long now)
    {
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.FencedInstanceId, member.MemberId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;
        var wasLeader = group.IsLeader(member.MemberId);
        member.MemberId = newMemberId;
        group.StaticMembers[p.GroupInstanceId!] = newMemberId;
        if (wasLeader)
        {
            group.LeaderId = newMemberId;
        }
        Refresh(member, p, now);
        member.Protocols = p.Protocols;
        switch (group.State)
        {
            case ClassicGroupState.Stable when group.Protocol is not null && group.SelectProtocol() == group.Protocol:
                _ = PersistClassic(group);
                return Task.FromResult(CurrentGeneration(group, member, skipAssignment: wasLeader));
            case ClassicGroupState.PreparingRebalance:
                return AwaitJoin(group, member, now);
            default:
                PrepareRebalance(group, now);
                return AwaitJoin(group, member, now);
        }
    }

    private Task<JoinGroupResult> AddMemberAndRebalance(ClassicGroup group, JoinGroupParameters p, string memberId, long now)
    {
        var member = new ClassicMember(memberId) { GroupInstanceId = p.GroupInstanceId, Protocols = p.Protocols };
        Refresh(member, p, now);
        if (p.GroupInstanceId is not null)
        {
            group.StaticMembers[p.GroupInstanceId] = memberId;
        }
        if (group.Members.Count == 0)
        {
            group.GroupProtocolType = p.ProtocolType;
        }
        group.Members.Add(member);
        if (group.State == ClassicGroupState.PreparingRebalance && group.InitialDelayLimit >= 0)
        {
            // Each new member during the initial delay extends it, up to the rebalance timeout.
            group.PhaseDeadline = Math.Min(now + _options.InitialRebalanceDelayMs, group.InitialDelayLimit);
        }
        else if (group.State != ClassicGroupState.PreparingRebalance)
        {
            PrepareRebalance(group, now);
        }
        return AwaitJoin(group, member, now);
    }

    private static void Refresh(ClassicMember member, JoinGroupParameters p, long now)
    {
        member.ClientId = p.ClientId;
        member.ClientHost = p.ClientHost;
        member.SessionTimeoutMs = p.SessionTimeoutMs;
        // v0 has no rebalance timeout: Kafka uses the session timeout.
        member.RebalanceTimeoutMs = p.RebalanceTimeoutMs > 0 ? p.RebalanceTimeoutMs : p.SessionTimeoutMs;
        member.SessionDeadline = now + p.SessionTimeoutMs;
    }

    private Task<JoinGroupResult> AwaitJoin(ClassicGroup group, ClassicMember member, long now)
    {
        // A second JoinGroup from a member already waiting replaces the first (the client gave up on it).
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.RebalanceInProgress, member.MemberId));
        var waiter = new TaskCompletionSource<JoinGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.AwaitingJoin = waiter;
        TryCompleteJoin(group, now);
        return waiter.Task;
    }

    private static JoinGroupResult CurrentGeneration(ClassicGroup group, ClassicMember member, bool skipAssignment)
    {
        var isLeader = group.IsLeader(member.MemberId);
        IReadOnlyList<JoinGroupMember> members = isLeader
            ? [.. group.Members.Select(m => new JoinGroupMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(group.Protocol!)))]
            : [];
        return new JoinGroupResult(ErrorCode.None, group.Generation, group.GroupProtocolType, group.Protocol, group.LeaderId ?? "", skipAssignment, member.MemberId, members);
    }

    /// <summary>Starts (or restarts) a rebalance: every member must rejoin within the rebalance timeout.</summary>
    private void PrepareRebalance(ClassicGroup group, long now)
    {
        if (group.State == ClassicGroupState.CompletingRebalance)
        {
            foreach (var member in group.Members)
            {
                member.Assignment = [];
                member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
                member.AwaitingSync = null;
            }
        }
        var wasEmpty = group.State == ClassicGroupState.Empty;
        group.SetState(ClassicGroupState.PreparingRebalance, now);
        var rebalanceTimeout = group.Members.Count == 0 ? 0 : group.Members.Max(m => m.RebalanceTimeoutMs);
        if (wasEmpty && _options.InitialRebalanceDelayMs > 0)
        {
            group.InitialDelayLimit = now + rebalanceTimeout;
            group.PhaseDeadline = Math.Min(now + _options.InitialRebalanceDelayMs, group.InitialDelayLimit);
        }
        else
        {
            group.InitialDelayLimit = -1;
            group.PhaseDeadline = now + rebalanceTimeout;
        }
    }

    /// <summary>Completes the join phase once every member (and no pending one) has rejoined, outside the initial delay.</summary>
    private void TryCompleteJoin(ClassicGroup group, long now)
    {
        if (group.State != ClassicGroupState.PreparingRebalance || group.InitialDelayLimit >= 0)
        {
            return;
        }
        if (group.PendingMembers.Count == 0 && group.Members.TrueForAll(m => m.AwaitingJoin is not null))
        {
            CompleteJoin(group, now);
        }
    }

    /// <summary>Members that did not rejoin are removed; the rest get the new generation (the leader also the members).</summary>
    private void CompleteJoin(ClassicGroup group, long now)
    {
        foreach (var gone in group.Members.Where(m => m.AwaitingJoin is null).ToList())
        {
            RemoveMemberObject(group, gone);
        }
        group.InitialDelayLimit = -1;
        group.Generation++;
        if (group.Members.Count == 0)
        {
            group.Protocol = null;
            group.LeaderId = null;
            group.SetState(ClassicGroupState.Empty, now);
            _ = PersistClassic(group);
            return;
        }
        group.Protocol = group.SelectProtocol();
        if (group.LeaderId is null || group.Find(group.LeaderId) is null)
        {
            group.LeaderId = group.Members[0].MemberId;
        }
        group.SetState(ClassicGroupState.CompletingRebalance, now);
        group.PhaseDeadline = now + group.Members.Max(m => m.RebalanceTimeoutMs);
        foreach (var member in group.Members)
        {
            var result = CurrentGeneration(group, member, skipAssignment: false);
            member.AwaitingJoin!.TrySetResult(result);
            member.AwaitingJoin = null;
            member.SessionDeadline = now + member.SessionTimeoutMs;
        }
    }

    public Task<SyncGroupResult> SyncGroupAsync(string groupId, int generation, string memberId, string? groupInstanceId, string? protocolType, string? protocolName, IReadOnlyList<(string MemberId, byte[] Assignment)> assignments)
    {
        while (true)
        {
            if (Resolve<ClassicGroup>(groupId, create: false, out _) is not { } group)
            {
                return Task.FromResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
            }
            Task<SyncGroupResult>? result = null;
            List<(TaskCompletionSource<SyncGroupResult> Waiter, SyncGroupResult Result)>? completed = null;
            ValueTask<ErrorCode> durable = default;
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                result = Sync(group, generation, memberId, groupInstanceId, protocolType, protocolName, assignments, ref completed, ref durable);
            }
            return completed is null ? result : CompleteSyncAsync(group, completed, durable, result);
        }
    }

    private Task<SyncGroupResult> Sync(ClassicGroup group, int generation, string memberId, string? groupInstanceId, string? protocolType, string? protocolName, IReadOnlyList<(string MemberId, byte[] Assignment)> assignments, ref List<(TaskCompletionSource<SyncGroupResult> Waiter, SyncGroupResult Result)>? completed, ref ValueTask<ErrorCode> durable)
    {
        var now = Now();
        if (group.IsFencedStatic(groupInstanceId, memberId))
        {
            return Task.FromResult(SyncGroupResult.Failed(ErrorCode.FencedInstanceId));
        }
        var member = group.Find(memberId);
        if (member is null)
        {
            return Task.FromResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        }
        if (generation != group.Generation)
        {
            return Task.FromResult(SyncGroupResult.Failed(ErrorCode.IllegalGeneration));
        }
        if ((protocolType is not null && protocolType != group.GroupProtocolType) || (protocolName is not null && protocolName != group.Protocol))
        {
            return Task.FromResult(SyncGroupResult.Failed(ErrorCode.InconsistentGroupProtocol));
        }
        member.SessionDeadline = now + member.SessionTimeoutMs;
        switch (group.State)
        {
            case ClassicGroupState.PreparingRebalance:
                return Task.FromResult(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
            case ClassicGroupState.Stable:
                return Task.FromResult(new SyncGroupResult(ErrorCode.None, group.GroupProtocolType, group.Protocol, member.Assignment));
            case ClassicGroupState.CompletingRebalance:
                member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.RebalanceInProgress));
                var waiter = new TaskCompletionSource<SyncGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                member.AwaitingSync = waiter;
                if (group.IsLeader(memberId))
                {
                    var byMember = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    foreach (var (id, assignment) in assignments)
                    {
                        byMember[id] = assignment;
                    }
                    foreach (var m in group.Members)
                    {
                        m.Assignment = byMember.TryGetValue(m.MemberId, out var a) ? a : [];
                    }
                    group.SetState(ClassicGroupState.Stable, now);
                    durable = PersistClassic(group);
                    completed = [];
                    foreach (var m in group.Members)
                    {
                        if (m.AwaitingSync is { } w)
                        {
                            completed.Add((w, new SyncGroupResult(ErrorCode.None, group.GroupProtocolType, group.Protocol, m.Assignment)));
                            m.AwaitingSync = null;
                        }
                    }
                }
                return waiter.Task;
            default:
                return Task.FromResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        }
    }

    /// <summary>Answers the members waiting in SyncGroup once the leader's assignment is durable (or fails them all).</summary>
    private async Task<SyncGroupResult> CompleteSyncAsync(ClassicGroup group, List<(TaskCompletionSource<SyncGroupResult> Waiter, SyncGroupResult Result)> completed, ValueTask<ErrorCode> durable, Task<SyncGroupResult> leader)
    {
        var error = await durable.ConfigureAwait(false);
        if (error != ErrorCode.None)
        {
            lock (group)
            {
                if (!group.Deleted && group.State == ClassicGroupState.Stable)
                {
                    PrepareRebalance(group, Now());
                }
            }
        }
        foreach (var (waiter, result) in completed)
        {
            waiter.TrySetResult(error == ErrorCode.None ? result : SyncGroupResult.Failed(ErrorCode.CoordinatorNotAvailable));
        }
        return await leader.ConfigureAwait(false);
    }

    public ErrorCode Heartbeat(string groupId, int generation, string memberId, string? groupInstanceId)
    {
        while (true)
        {
            if (Resolve<ClassicGroup>(groupId, create: false, out var otherType) is not { } group)
            {
                return otherType ? ErrorCode.InconsistentGroupProtocol : ErrorCode.UnknownMemberId;
            }
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                if (group.IsFencedStatic(groupInstanceId, memberId))
                {
                    return ErrorCode.FencedInstanceId;
                }
                var member = group.Find(memberId);
                if (member is null || group.State == ClassicGroupState.Empty)
                {
                    return ErrorCode.UnknownMemberId;
                }
                if (generation != group.Generation)
                {
                    return ErrorCode.IllegalGeneration;
                }
                member.SessionDeadline = Now() + member.SessionTimeoutMs;
                return group.State == ClassicGroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
            }
        }
    }

    /// <summary>LeaveGroup: per member, NONE, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID; the top-level error for an unknown group.</summary>
    public (ErrorCode Error, IReadOnlyList<ErrorCode> Members) LeaveGroup(string groupId, IReadOnlyList<LeaveMember> members)
    {
        while (true)
        {
            if (Resolve<ClassicGroup>(groupId, create: false, out _) is not { } group)
            {
                return (ErrorCode.UnknownMemberId, [.. members.Select(_ => ErrorCode.UnknownMemberId)]);
            }
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                var now = Now();
                var errors = new List<ErrorCode>(members.Count);
                foreach (var leaving in members)
                {
                    errors.Add(Leave(group, leaving, now));
                }
                return (ErrorCode.None, errors);
            }
        }
    }

    private ErrorCode Leave(ClassicGroup group, LeaveMember leaving, long now)
    {
        var memberId = leaving.MemberId;
        if (leaving.GroupInstanceId is { } instanceId)
        {
            if (!group.StaticMembers.TryGetValue(instanceId, out var registered))
            {
                return ErrorCode.UnknownMemberId;
            }
            if (memberId.Length > 0 && memberId != registered)
            {
                return ErrorCode.FencedInstanceId;
            }
            memberId = registered;
        }
        if (group.PendingMembers.Remove(memberId))
        {
            TryCompleteJoin(group, now);
            return ErrorCode.None;
        }
        if (group.Find(memberId) is not { } member)
        {
            return ErrorCode.UnknownMemberId;
        }
        RemoveMember(group, member, now);
        return ErrorCode.None;
    }

    /// <summary>Removes a member (left, expired or fenced) and moves the group on: a rebalance, or empty.</summary>
    private void RemoveMember(ClassicGroup group, ClassicMember member, long now)
    {
        RemoveMemberObject(group, member);
        switch (group.State)
        {
            case ClassicGroupState.Stable or ClassicGroupState.CompletingRebalance:
                PrepareRebalance(group, now);
                TryCompleteJoin(group, now);
                break;
            case ClassicGroupState.PreparingRebalance:
                TryCompleteJoin(group, now);
                break;
        }
    }

    private static void RemoveMemberObject(ClassicGroup group, ClassicMember member)
    {
        member.AwaitingJoin?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, member.MemberId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncGroupResult.Failed(ErrorCode.UnknownMemberId));
        member.AwaitingSync = null;
        group.Members.Remove(member);
        if (member.GroupInstanceId is not null && group.StaticMembers.TryGetValue(member.GroupInstanceId, out var id) && id == member.MemberId)
        {
            group.StaticMembers.Remove(member.GroupInstanceId);
        }
    }

    /// <summary>Session expiry, pending-member expiry, the end of the initial delay, and join/sync phase timeouts.</summary>
    private void TickClassic(ClassicGroup group, long now)
    {
        foreach (var (pending, deadline) in group.PendingMembers.ToList())
        {
            if (now >= deadline)
            {
                group.PendingMembers.Remove(pending);
            }
        }
        foreach (var member in group.Members.ToList())
        {
            if (member.AwaitingJoin is null && now >= member.SessionDeadline)
            {
                RemoveMember(group, member, now);
            }
        }
        switch (group.State)
        {
            case ClassicGroupState.PreparingRebalance when now >= group.PhaseDeadline:
                if (group.InitialDelayLimit >= 0)
                {
                    // The initial delay is over; the rest of the join phase runs to the rebalance timeout.
                    group.PhaseDeadline = group.InitialDelayLimit;
                    group.InitialDelayLimit = -1;
                    TryCompleteJoin(group, now);
                }
                else
                {
                    group.PendingMembers.Clear();
                    CompleteJoin(group, now);
                }
                break;
            case ClassicGroupState.CompletingRebalance when now >= group.PhaseDeadline:
                // The leader never sent its assignment: drop the members that did not sync and rebalance again.
                foreach (var member in group.Members.Where(m => m.AwaitingSync is null).ToList())
                {
                    RemoveMemberObject(group, member);
                }
                PrepareRebalance(group, now);
                TryCompleteJoin(group, now);
                break;
            case ClassicGroupState.PreparingRebalance:
                TryCompleteJoin(group, now);
                break;
        }
    }
}
