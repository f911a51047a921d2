namespace Tributary.Broker.Groups;

/// <summary>
/// What every group has, whatever its protocol: an id, committed offsets, and a monitor (the group object
/// itself) that serialises every change to it. Offsets are applied only once durable; a commit sequence number
/// keeps the cache in log order when commits of one partition overlap.
/// </summary>
internal abstract class Group(string id)
{
    public string Id { get; } = id;

    /// <summary>Committed offsets with the sequence number of the write that set them.</summary>
    public Dictionary<TopicPartition, (CommittedOffset Offset, long Sequence)> Offsets { get; } = [];

    /// <summary>Next write sequence (under the group's lock).</summary>
    public long NextSequence { get; set; } = 1;

    /// <summary>When the group last became empty (ms since epoch); offsets of empty groups expire from here.</summary>
    public long EmptySince { get; set; }

    /// <summary>Set when the group is deleted: stale references taken before the delete must not change it.</summary>
    public bool Deleted { get; set; }

    /// <summary>"classic" or "consumer", as ListGroups v5 reports the type.</summary>
    public abstract string Type { get; }

    /// <summary>State name as ListGroups and DescribeGroups report it.</summary>
    public abstract string StateName { get; }

    public abstract string ProtocolType { get; }

    public abstract bool IsEmpty { get; }

    /// <summary>Applies a durable commit unless a later write of the same partition already landed.</summary>
    public void ApplyOffset(TopicPartition partition, CommittedOffset? offset, long sequence)
    {
        if (Offsets.TryGetValue(partition, out var existing) && existing.Sequence > sequence)
        {
            return;
        }
        if (offset is null)
        {
            Offsets.Remove(partition);
        }
        else
        {
            Offsets[partition] = (offset, sequence);
        }
    }
}
