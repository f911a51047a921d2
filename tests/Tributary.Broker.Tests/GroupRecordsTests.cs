using Tributary.Broker.Groups;

namespace Tributary.Broker.Tests;

/// <summary>Freezes the record formats of __consumer_offsets (docs/formats/consumer-offsets.md) with byte literals.</summary>
public class GroupRecordsTests
{
    [Fact]
    public void An_offset_commit_key_and_value_have_kafkas_layout()
    {
        byte[] key = [0, 1, 0, 1, (byte)'g', 0, 1, (byte)'t', 0, 0, 0, 2];
        byte[] value = [0, 3, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 7, 0, 1, (byte)'m', 0, 0, 0, 0, 0, 0, 3, 232];
        Assert.Equal(key, GroupRecords.OffsetKey("g", "t", 2));
        Assert.Equal(value, GroupRecords.OffsetValue(new CommittedOffset(42, 7, "m", 1000)));
        var decoded = Assert.IsType<GroupRecord.Offset>(GroupRecords.Decode(key, value));
        Assert.Equal(("g", new TopicPartition("t", 2), new CommittedOffset(42, 7, "m", 1000)), (decoded.GroupId, decoded.Partition, decoded.Value));
        var tombstone = Assert.IsType<GroupRecord.Offset>(GroupRecords.Decode(key, null));
        Assert.Null(tombstone.Value);
    }

    [Fact]
    public void A_classic_group_record_round_trips_with_its_members()
    {
        var group = new PersistedClassicGroup("consumer", 5, "range", "m-1", 1000, [new PersistedMember("m-1", "i", "c", "/h", 300, 100, [1], [2, 3])]);
        byte[] expected =
        [
            0, 3, 0, 8, .. "consumer"u8, 0, 0, 0, 5, 0, 5, .. "range"u8, 0, 3, .. "m-1"u8, 0, 0, 0, 0, 0, 0, 3, 232,
            0, 0, 0, 1, 0, 3, .. "m-1"u8, 0, 1, (byte)'i', 0, 1, (byte)'c', 0, 2, .. "/h"u8, 0, 0, 1, 44, 0, 0, 0, 100,
            0, 0, 0, 1, 1, 0, 0, 0, 2, 2, 3,
        ];
        Assert.Equal(expected, GroupRecords.ClassicGroupValue(group));
        Assert.Equal([0, 2, 0, 1, (byte)'g'], GroupRecords.ClassicGroupKey("g"));
        var decoded = Assert.IsType<GroupRecord.Classic>(GroupRecords.Decode(GroupRecords.ClassicGroupKey("g"), expected));
        var member = Assert.Single(decoded.Value!.Members);
        Assert.Equal(("consumer", 5, "range", "m-1"), (decoded.Value.ProtocolType, decoded.Value.Generation, decoded.Value.Protocol, decoded.Value.Leader));
        Assert.Equal(("m-1", "i", 300, 100), (member.MemberId, member.GroupInstanceId, member.RebalanceTimeoutMs, member.SessionTimeoutMs));
        Assert.Equal([2, 3], member.Assignment);
        Assert.Equal([1], member.Subscription);
    }

    [Fact]
    public void A_consumer_group_record_holds_the_epoch_and_unknown_versions_are_skipped()
    {
        Assert.Equal([0, 3, 0, 1, (byte)'c'], GroupRecords.ConsumerGroupKey("c"));
        Assert.Equal([0, 0, 0, 0, 0, 9], GroupRecords.ConsumerGroupValue(9));
        Assert.Equal(9, Assert.IsType<GroupRecord.Consumer>(GroupRecords.Decode(GroupRecords.ConsumerGroupKey("c"), GroupRecords.ConsumerGroupValue(9))).GroupEpoch);
        Assert.Null(GroupRecords.Decode(new byte[] { 0, 9, 0, 1, (byte)'x' }, new byte[] { 0, 0 }));
        Assert.Null(GroupRecords.Decode(GroupRecords.OffsetKey("g", "t", 0), new byte[] { 0, 4, 0, 0 }));
    }

    [Fact]
    public void Groups_map_to_partitions_as_kafka_does()
    {
        // Java: "my-group".hashCode() = -1906497762 (31-multiplier hash of the UTF-16 code units, wrapping);
        // & 0x7fffffff = 240985886; mod 50 = 36.
        Assert.Equal(36, GroupStore.PartitionFor("my-group", 50));
        Assert.Equal(0, GroupStore.PartitionFor("anything", 1));
    }
}
