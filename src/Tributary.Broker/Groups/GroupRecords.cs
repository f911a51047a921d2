using System.Buffers;
using Tributary.Protocol.Kafka;

namespace Tributary.Broker.Groups;

/// <summary>A topic partition named by topic name.</summary>
public readonly record struct TopicPartition(string Topic, int Partition);

/// <summary>A committed offset as OffsetFetch returns it.</summary>
public sealed record CommittedOffset(long Offset, int LeaderEpoch, string Metadata, long CommitTimestamp);

/// <summary>A classic group member as persisted (enough to resume the group after a restart).</summary>
public sealed record PersistedMember(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, int RebalanceTimeoutMs, int SessionTimeoutMs, byte[] Subscription, byte[] Assignment);

/// <summary>A classic group's metadata as persisted after each rebalance and when it empties.</summary>
public sealed record PersistedClassicGroup(string ProtocolType, int Generation, string? Protocol, string? Leader, long StateTimestamp, IReadOnlyList<PersistedMember> Members);

/// <summary>
/// The records of <c>__consumer_offsets</c> (format: docs/formats/consumer-offsets.md). Keys and values follow
/// Kafka's schemas for the same records, so tools that decode Kafka's offsets topic read ours:
/// offset commit key v1 (group, topic, partition) with value v3 (offset, leader epoch, metadata, commit time);
/// group metadata key v2 (group) with value v3 (classic groups); consumer-group metadata key v3 (group) with
/// our value v0 (group epoch). A null value is a tombstone. The key version decides the record type; unknown
/// versions are skipped on replay (written by a newer Tributary), never misread.
/// </summary>
public static class GroupRecords
{
    public const short OffsetKeyVersion = 1;
    public const short ClassicGroupKeyVersion = 2;
    public const short ConsumerGroupKeyVersion = 3;
    public const short OffsetValueVersion = 3;
    public const short ClassicGroupValueVersion = 3;
    public const short ConsumerGroupValueVersion = 0;

    public static byte[] OffsetKey(string group, string topic, int partition) => Encode(w =>
    {
        w.WriteInt16(OffsetKeyVersion);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteInt32(partition);
    });

    public static byte[] OffsetValue(CommittedOffset offset) => Encode(w =>
    {
        w.WriteInt16(OffsetValueVersion);
        w.WriteInt64(offset.Offset);
        w.WriteInt32(offset.LeaderEpoch);
        w.WriteString(offset.Metadata);
        w.WriteInt64(offset.CommitTimestamp);
    });

    public static byte[] ClassicGroupKey(string group) => Encode(w =>
    {
        w.WriteInt16(ClassicGroupKeyVersion);
        w.WriteString(group);
    });

    public static byte[] ClassicGroupValue(PersistedClassicGroup group) => Encode(w =>
    {
        w.WriteInt16(ClassicGroupValueVersion);
        w.WriteString(group.ProtocolType);
        w.WriteInt32(group.Generation);
        w.WriteNullableString(group.Protocol);
        w.WriteNullableString(group.Leader);
        w.WriteInt64(group.StateTimestamp);
        w.WriteArrayCount(group.Members.Count);
        foreach (var member in group.Members)
        {
            w.WriteString(member.MemberId);
            w.WriteNullableString(member.GroupInstanceId);
            w.WriteString(member.ClientId);
            w.WriteString(member.ClientHost);
            w.WriteInt32(member.RebalanceTimeoutMs);
            w.WriteInt32(member.SessionTimeoutMs);
            w.WriteBytes(member.Subscription);
            w.WriteBytes(member.Assignment);
        }
    });

    public static byte[] ConsumerGroupKey(string group) => Encode(w =>
    {
        w.WriteInt16(ConsumerGroupKeyVersion);
        w.WriteString(group);
    });

    public static byte[] ConsumerGroupValue(int groupEpoch) => Encode(w =>
    {
        w.WriteInt16(ConsumerGroupValueVersion);
        w.WriteInt32(groupEpoch);
    });

    /// <summary>What one record of the offsets topic says, or null for a record of an unknown version.</summary>
    public static GroupRecord? Decode(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
    {
        var k = new KafkaReader(key);
        var keyVersion = k.ReadInt16();
        switch (keyVersion)
        {
            case 0 or OffsetKeyVersion:
                {
                    var group = k.ReadString();
                    var topic = k.ReadString();
                    var partition = k.ReadInt32();
                    if (value is not { } bytes)
                    {
                        return new GroupRecord.Offset(group, new TopicPartition(topic, partition), null);
                    }
                    var v = new KafkaReader(bytes);
                    var valueVersion = v.ReadInt16();
                    if (valueVersion is < 0 or > OffsetValueVersion)
                    {
                        return null;
                    }
                    // v0/v1: offset, metadata, commit timestamp (v1 adds an expire timestamp); v3 adds the leader epoch.
                    var offset = v.ReadInt64();
                    var leaderEpoch = valueVersion >= 3 ? v.ReadInt32() : -1;
                    var metadata = v.ReadString();
                    var commitTimestamp = v.ReadInt64();
                    return new GroupRecord.Offset(group, new TopicPartition(topic, partition), new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp));
                }
            case ClassicGroupKeyVersion:
                {
                    var group = k.ReadString();
                    if (value is not { } bytes)
                    {
                        return new GroupRecord.Classic(group, null);
                    }
                    var v = new KafkaReader(bytes);
                    if (v.ReadInt16() != ClassicGroupValueVersion)
                    {
                        return null;
                    }
                    var protocolType = v.ReadString();
                    var generation = v.ReadInt32();
                    var protocol = v.ReadNullableString();
                    var leader = v.ReadNullableString();
                    var timestamp = v.ReadInt64();
                    var count = v.ReadArrayCount();
                    var members = new List<PersistedMember>(Math.Max(count, 0));
                    for (var i = 0; i < count; i++)
                    {
                        members.Add(new PersistedMember(v.ReadString(), v.ReadNullableString(), v.ReadString(), v.ReadString(), v.ReadInt32(), v.ReadInt32(), v.ReadBytes().ToArray(), v.ReadBytes().ToArray()));
                    }
                    return new GroupRecord.Classic(group, new PersistedClassicGroup(protocolType, generation, protocol, leader, timestamp, members));
                }
            case ConsumerGroupKeyVersion:
                {
                    var group = k.ReadString();
                    if (value is not { } bytes)
                    {
                        return new GroupRecord.Consumer(group, null);
                    }
                    var v = new KafkaReader(bytes);
                    return v.ReadInt16() == ConsumerGroupValueVersion ? new GroupRecord.Consumer(group, v.ReadInt32()) : null;
                }
            default:
                return null;
        }
    }

    private static byte[] Encode(Action<KafkaWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        write(new KafkaWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>One decoded record of the offsets topic; a null payload is a tombstone.</summary>
public abstract record GroupRecord(string GroupId)
{
    public sealed record Offset(string GroupId, TopicPartition Partition, CommittedOffset? Value) : GroupRecord(GroupId);

    public sealed record Classic(string GroupId, PersistedClassicGroup? Value) : GroupRecord(GroupId);

    public sealed record Consumer(string GroupId, int? GroupEpoch) : GroupRecord(GroupId);
}
