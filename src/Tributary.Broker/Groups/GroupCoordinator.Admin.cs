using Tributary.Protocol.Kafka;

namespace Tributary.Broker.Groups;

/// <summary>ListGroups, DescribeGroups and DeleteGroups.</summary>
internal sealed partial class GroupCoordinator
{
    /// <summary>Groups, optionally only those in one of <paramref name="states"/> or of one of <paramref name="types"/> (case-insensitive).</summary>
    public IReadOnlyList<GroupListing> ListGroups(IReadOnlyCollection<string>? states = null, IReadOnlyCollection<string>? types = null)
    {
        var result = new List<GroupListing>();
        foreach (var group in _groups.Values)
        {
            GroupListing listing;
            lock (group)
            {
                if (group.Deleted)
                {
                    continue;
                }
                listing = new GroupListing(group.Id, group.ProtocolType, group.StateName, group.Type);
            }
            if (states is { Count: > 0 } && !states.Contains(listing.State, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            if (types is { Count: > 0 } && !types.Contains(listing.Type, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            result.Add(listing);
        }
        return [.. result.OrderBy(g => g.GroupId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// DescribeGroups of one group. As in Kafka, an unknown group is described as Dead with no error. A KIP-848
    /// group is shown in classic terms: its assignor as the protocol and each member's assignment in the
    /// consumer protocol's encoding.
    /// </summary>
    public GroupDescription DescribeGroup(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return new GroupDescription(groupId, ErrorCode.None, "Dead", "", "", []);
        }
        lock (group)
        {
            switch (group)
            {
                case ClassicGroup classic:
                    {
                        // Member metadata and assignments are shown once the group has settled on a protocol.
                        var settled = classic.State is ClassicGroupState.Stable or ClassicGroupState.CompletingRebalance && classic.Protocol is not null;
                        var members = classic.Members.Select(m => new GroupMemberDescription(
                            m.MemberId,
                            m.GroupInstanceId,
                            m.ClientId,
                            m.ClientHost,
                            settled ? m.MetadataFor(classic.Protocol!) : [],
                            classic.State == ClassicGroupState.Stable ? m.Assignment : [])).ToList();
                        return new GroupDescription(groupId, ErrorCode.None, classic.StateName, classic.ProtocolType, settled ? classic.Protocol! : "", members);
                    }
                case ConsumerGroup consumer:
                    {
                        var members = consumer.Members.Values.Select(m => new GroupMemberDescription(
                            m.MemberId,
                            m.InstanceId,
                            m.ClientId,
                            m.ClientHost,
                            [],
                            ConsumerProtocol.Assignment(Named(m.Assigned).Select(t => (t.Topic, t.Partitions))))).ToList();
                        var state = consumer.StateName switch
                        {
                            "Assigning" or "Reconciling" => "PreparingRebalance",
                            var s => s,
                        };
                        return new GroupDescription(groupId, ErrorCode.None, state, consumer.ProtocolType, consumer.AssignorName, members);
                    }
                default:
                    return new GroupDescription(groupId, ErrorCode.None, "Dead", "", "", []);
            }
        }
    }

    /// <summary>
    /// DeleteGroups of one group: GROUP_ID_NOT_FOUND when unknown, NON_EMPTY_GROUP while it has members;
    /// otherwise its offsets and metadata are tombstoned and it is gone.
    /// </summary>
    public async ValueTask<ErrorCode> DeleteGroupAsync(string groupId)
    {
        ValueTask<ErrorCode> durable;
        lock (_groupsLock)
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                return ErrorCode.GroupIdNotFound;
            }
            lock (group)
            {
                if (!group.IsEmpty)
                {
                    return ErrorCode.NonEmptyGroup;
                }
                var records = group.Offsets.Keys.Select(p => (GroupRecords.OffsetKey(groupId, p.Topic, p.Partition), (byte[]?)null)).ToList();
                records.Add(group is ConsumerGroup ? (GroupRecords.ConsumerGroupKey(groupId), null) : (GroupRecords.ClassicGroupKey(groupId), null));
                durable = Persist(group, records);
                group.Deleted = true;
                _groups.TryRemove(groupId, out _);
            }
        }
        return await durable.ConfigureAwait(false) == ErrorCode.None ? ErrorCode.None : ErrorCode.CoordinatorNotAvailable;
    }
}
