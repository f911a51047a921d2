namespace Tributary.Broker.Groups;

/// <summary>The KIP-848 consumer group protocol: ConsumerGroupHeartbeat, reconciliation, expiry, ConsumerGroupDescribe.</summary>
internal sealed partial class GroupCoordinator
{
    /// <summary>Member epoch a leaving member sends; -2 is a static member leaving temporarily.</summary>
    private const int LeaveEpoch = -1;
    private const int StaticLeaveEpoch = -2;

    public ValueTask<ConsumerHeartbeatResult> ConsumerGroupHeartbeatAsync(ConsumerHeartbeatParameters p)
    {
        if (p.GroupId.Length == 0)
        {
            return ValueTask.FromResult(ConsumerHeartbeatResult.Failed(ErrorCode.InvalidRequest, "GroupId can't be empty."));
        }
        if (p.MemberEpoch == 0)
        {
            if (p.SubscribedTopicNames is null)
            {
                return ValueTask.FromResult(ConsumerHeartbeatResult.Failed(ErrorCode.InvalidRequest, "SubscribedTopicNames must be set in first request."));
            }
            if (p.RebalanceTimeoutMs == -1)
            {
                return ValueTask.FromResult(ConsumerHeartbeatResult.Failed(ErrorCode.InvalidRequest, "RebalanceTimeoutMs must be provided in first request."));
            }
        }
        else if (p.MemberId.Length == 0)
        {
            return ValueTask.FromResult(ConsumerHeartbeatResult.Failed(ErrorCode.InvalidRequest, "MemberId can't be empty."));
        }
        if (p.ServerAssignor is { } assignor && !_options.ConsumerAssignors.Contains(assignor))
        {
            return ValueTask.FromResult(ConsumerHeartbeatResult.Failed(ErrorCode.UnsupportedAssignor, $"ServerAssignor {assignor} is not supported. Supported assignors: {string.Join(", ", _options.ConsumerAssignors)}."));
        }
        while (true)
        {
            var group = Resolve<ConsumerGroup>(p.GroupId, create: p.MemberEpoch == 0, out var otherType);
            if (group is null)
            {
                return ValueTask.FromResult(otherType
                    ? ConsumerHeartbeatResult.Failed(ErrorCode.GroupIdNotFound, $"Group {p.GroupId} is not a consumer group.")
                    : ConsumerHeartbeatResult.Failed(ErrorCode.UnknownMemberId, $"Member {p.MemberId} is not a member of group {p.GroupId}."));
            }
            ValueTask<ErrorCode> durable = default;
            ConsumerHeartbeatResult result;
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                var epochBefore = group.GroupEpoch;
                result = Heartbeat(group, p, Now());
                if (group.GroupEpoch != epochBefore)
                {
                    durable = Persist(group, [(GroupRecords.ConsumerGroupKey(group.Id), GroupRecords.ConsumerGroupValue(group.GroupEpoch))]);
                }
            }
            return durable.IsCompletedSuccessfully && durable.Result == ErrorCode.None ? ValueTask.FromResult(result) : AfterDurable(durable, result);
        }
    }

    private static async ValueTask<ConsumerHeartbeatResult> AfterDurable(ValueTask<ErrorCode> durable, ConsumerHeartbeatResult result) =>
        await durable.ConfigureAwait(false) == ErrorCode.None ? result : ConsumerHeartbeatResult.Failed(ErrorCode.CoordinatorNotAvailable, "The group's state could not be stored.");

    private ConsumerHeartbeatResult Heartbeat(ConsumerGroup group, ConsumerHeartbeatParameters p, long now)
    {
        ConsumerMember? member;
        var changed = false;
        if (p.MemberEpoch is LeaveEpoch or StaticLeaveEpoch)
        {
            if (!group.Members.TryGetValue(p.MemberId, out member))
            {
                return ConsumerHeartbeatResult.Failed(ErrorCode.UnknownMemberId, $"Member {p.MemberId} is not a member of group {group.Id}.");
            }
            RemoveConsumerMember(group, member, now);
            return new ConsumerHeartbeatResult(ErrorCode.None, null, p.MemberId, p.MemberEpoch, 0, null);
        }
        if (p.MemberEpoch == 0)
        {
            if (p.InstanceId is not null && group.Members.Values.FirstOrDefault(m => m.InstanceId == p.InstanceId && m.MemberId != p.MemberId) is { } holder)
            {
                return ConsumerHeartbeatResult.Failed(ErrorCode.UnreleasedInstanceId, $"Static member {p.InstanceId} is still held by member {holder.MemberId}.");
            }
            var memberId = p.MemberId.Length > 0 ? p.MemberId : NewConsumerMemberId();
            if (group.Members.TryGetValue(memberId, out var rejoining))
            {
                // A member rejoining with epoch 0 lost its state: it starts again with nothing assigned.
                RemoveConsumerMember(group, rejoining, now);
            }
            if (group.Members.Count >= _options.MaxGroupSize)
            {
                return ConsumerHeartbeatResult.Failed(ErrorCode.GroupMaxSizeReached, $"The consumer group has reached its maximum capacity of {_options.MaxGroupSize} members.");
            }
            member = new ConsumerMember(memberId) { InstanceId = p.InstanceId };
            group.Members[memberId] = member;
            changed = true;
        }
        else
        {
            if (!group.Members.TryGetValue(p.MemberId, out member))
            {
                return ConsumerHeartbeatResult.Failed(ErrorCode.UnknownMemberId, $"Member {p.MemberId} is not a member of group {group.Id}.");
            }
            // The previous epoch is accepted too: the member may not have seen the answer that moved it on.
            if (p.MemberEpoch != member.MemberEpoch && p.MemberEpoch != member.PreviousMemberEpoch)
            {
                return ConsumerHeartbeatResult.Failed(ErrorCode.FencedMemberEpoch, $"The member epoch {p.MemberEpoch} of member {p.MemberId} is not {member.MemberEpoch}.");
            }
        }
        member.ClientId = p.ClientId;
        member.ClientHost = p.ClientHost;
        member.RackId = p.RackId ?? member.RackId;
        if (p.RebalanceTimeoutMs > 0)
        {
            member.RebalanceTimeoutMs = p.RebalanceTimeoutMs;
        }
        if (p.SubscribedTopicNames is { } topics && !topics.Order(StringComparer.Ordinal).SequenceEqual(member.SubscribedTopics.Order(StringComparer.Ordinal)))
        {
            member.SubscribedTopics = [.. topics.Distinct()];
            changed = true;
        }
        if (p.ServerAssignor is not null && p.ServerAssignor != member.ServerAssignor)
        {
            member.ServerAssignor = p.ServerAssignor;
            changed = true;
        }
        if (changed)
        {
            // One heartbeat that changes membership or subscriptions advances the group epoch once.
            group.GroupEpoch++;
        }
        member.SessionDeadline = now + _options.ConsumerSessionTimeoutMs;
        UpdateTargetAssignment(group);
        Reconcile(group, member, p.OwnedPartitions, now);
        var assigned = member.Assigned;
        IReadOnlyList<(Guid, IReadOnlyList<int>)>? send = null;
        if (p.MemberEpoch == 0 || member.LastSent is null || !member.LastSent.SameAs(assigned) || p.OwnedPartitions is not null && !SameOwned(p.OwnedPartitions, assigned))
        {
            send = assigned.ToList();
            member.LastSent = Assignment.Of(assigned.All());
        }
        return new ConsumerHeartbeatResult(ErrorCode.None, null, member.MemberId, member.MemberEpoch, _options.ConsumerHeartbeatIntervalMs, send);
    }

    private static bool SameOwned(IReadOnlyList<(Guid TopicId, IReadOnlyList<int> Partitions)> owned, Assignment assigned) =>
        Assignment.Of(owned.SelectMany(t => t.Partitions.Select(p => (t.TopicId, p)))).SameAs(assigned);

    /// <summary>Kafka's member ids for KIP-848 are random UUIDs in URL-safe base64 (22 characters).</summary>
    private static string NewConsumerMemberId() =>
        Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Recomputes the target assignment when the group epoch has moved past it.</summary>
    private void UpdateTargetAssignment(ConsumerGroup group)
    {
        if (group.AssignmentEpoch == group.GroupEpoch && group.TargetAssignment.Count == group.Members.Count)
        {
            return;
        }
        var topicIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var partitionCounts = new Dictionary<Guid, int>();
        foreach (var name in group.Members.Values.SelectMany(m => m.SubscribedTopics).Distinct())
        {
            if (_broker.GetTopic(name) is { } topic)
            {
                topicIds[name] = topic.TopicId;
                partitionCounts[topic.TopicId] = topic.PartitionCount;
            }
        }
        var members = group.Members.Values
            .OrderBy(m => m.MemberId, StringComparer.Ordinal)
            .Select(m => new AssignorMember(
                m.MemberId,
                m.SubscribedTopics.Where(topicIds.ContainsKey).Select(t => topicIds[t]).ToHashSet(),
                group.TargetAssignment.TryGetValue(m.MemberId, out var previous) ? previous : new Assignment()))
            .ToList();
        // The assignor most members name (the configured default for those naming none).
        var assignor = group.Members.Values
            .GroupBy(m => m.ServerAssignor ?? _options.ConsumerAssignors[0])
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault()?.Key ?? _options.ConsumerAssignors[0];
        var target = Assignors.Assign(assignor, members, partitionCounts);
        group.TargetAssignment.Clear();
        foreach (var (memberId, assignment) in target)
        {
            group.TargetAssignment[memberId] = assignment;
        }
        group.AssignorName = assignor;
        group.AssignmentEpoch = group.GroupEpoch;
    }

    /// <summary>
    /// Moves a member towards its target: first it must revoke what is no longer its own (its epoch stays until it
    /// confirms by reporting its owned partitions); then it gets its target minus partitions other members still
    /// hold, and its epoch becomes the assignment epoch.
    /// </summary>
    private void Reconcile(ConsumerGroup group, ConsumerMember member, IReadOnlyList<(Guid TopicId, IReadOnlyList<int> Partitions)>? owned, long now)
    {
        var target = group.TargetAssignment.TryGetValue(member.MemberId, out var t) ? t : new Assignment();
        if (member.State == ConsumerMemberState.UnrevokedPartitions)
        {
            var stillOwned = owned is not null && owned.Any(o => o.Partitions.Any(p => member.PendingRevocation.Contains(o.TopicId, p)));
            if (owned is null || stillOwned)
            {
                return;
            }
            member.PendingRevocation = new Assignment();
            member.State = ConsumerMemberState.Stable;
        }
        var toRevoke = member.Assigned.All().Where(p => !target.Contains(p.TopicId, p.Partition)).ToList();
        if (toRevoke.Count > 0)
        {
            member.PendingRevocation = Assignment.Of(toRevoke);
            member.Assigned = Assignment.Of(member.Assigned.All().Where(p => target.Contains(p.TopicId, p.Partition)));
            member.State = ConsumerMemberState.UnrevokedPartitions;
            member.RevocationDeadline = now + member.RebalanceTimeoutMs;
            return;
        }
        var unreleased = false;
        var next = Assignment.Of(member.Assigned.All());
        foreach (var (topic, partition) in target.All())
        {
            if (next.Contains(topic, partition))
            {
                continue;
            }
            var heldElsewhere = group.Members.Values.Any(m => m != member && (m.Assigned.Contains(topic, partition) || m.PendingRevocation.Contains(topic, partition)));
            if (heldElsewhere)
            {
                unreleased = true;
            }
            else
            {
                next.Add(topic, partition);
            }
        }
        member.Assigned = next;
        if (member.MemberEpoch != group.AssignmentEpoch)
        {
            member.PreviousMemberEpoch = member.MemberEpoch;
            member.MemberEpoch = group.AssignmentEpoch;
        }
        member.State = unreleased ? ConsumerMemberState.UnreleasedPartitions : ConsumerMemberState.Stable;
    }

    private void RemoveConsumerMember(ConsumerGroup group, ConsumerMember member, long now)
    {
        group.Members.Remove(member.MemberId);
        group.TargetAssignment.Remove(member.MemberId);
        group.GroupEpoch++;
        if (group.Members.Count == 0)
        {
            group.EmptySince = now;
        }
    }

    /// <summary>Session expiry and revocation timeouts of KIP-848 members (both fence the member).</summary>
    private void TickConsumer(ConsumerGroup group, long now)
    {
        var epochBefore = group.GroupEpoch;
        foreach (var member in group.Members.Values.ToList())
        {
            if (now >= member.SessionDeadline || (member.State == ConsumerMemberState.UnrevokedPartitions && now >= member.RevocationDeadline))
            {
                RemoveConsumerMember(group, member, now);
            }
        }
        if (group.GroupEpoch != epochBefore)
        {
            UpdateTargetAssignment(group);
            _ = Persist(group, [(GroupRecords.ConsumerGroupKey(group.Id), GroupRecords.ConsumerGroupValue(group.GroupEpoch))]);
        }
    }

    /// <summary>ConsumerGroupDescribe of one group: GROUP_ID_NOT_FOUND if it does not exist or is not a consumer group.</summary>
    public ConsumerGroupDescription DescribeConsumerGroup(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var found) || found is not ConsumerGroup group)
        {
            var message = found is null ? $"Group {groupId} not found." : $"Group {groupId} is not a consumer group.";
            return new ConsumerGroupDescription(groupId, ErrorCode.GroupIdNotFound, message, "Dead", -1, -1, "", []);
        }
        lock (group)
        {
            var members = group.Members.Values.Select(m => new ConsumerMemberDescription(
                m.MemberId,
                m.InstanceId,
                m.RackId,
                m.MemberEpoch,
                m.ClientId,
                m.ClientHost,
                m.SubscribedTopics,
                Named(m.Assigned),
                Named(group.TargetAssignment.TryGetValue(m.MemberId, out var target) ? target : new Assignment()))).ToList();
            return new ConsumerGroupDescription(group.Id, ErrorCode.None, null, group.StateName, group.GroupEpoch, group.AssignmentEpoch, group.AssignorName, members);
        }
    }

    private IReadOnlyList<(Guid TopicId, string Topic, IReadOnlyList<int> Partitions)> Named(Assignment assignment) =>
        [.. assignment.ToList().Select(t => (t.TopicId, _broker.GetTopic(t.TopicId)?.Name ?? "", t.Partitions))];
}
