using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests;

/// <summary>The group and offset APIs over raw frames at old and new versions: the version-dependent behaviours.</summary>
public sealed class GroupProtocolTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync(broker: o => o with { Groups = new GroupOptions { InitialRebalanceDelayMs = 0, TickIntervalMs = 20 } }, listener: new KafkaListenerOptions { MaxRequestBytes = 1024 * 1024 }, prepare: broker => broker.CreateTopic("t", 2, null));

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    private static JoinGroupRequest Join(string group, string memberId = "") => new()
    {
        GroupId = group,
        SessionTimeoutMs = 10_000,
        RebalanceTimeoutMs = 10_000,
        MemberId = memberId,
        ProtocolType = "consumer",
        Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = new byte[] { 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff } }],
    };

    [Fact]
    public async Task FindCoordinator_answers_single_keys_batched_keys_and_transactional_ids()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var v0 = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "g" }, 10, 0);
        Assert.Equal((0, 0, _kafka.Server.Port), (v0.ErrorCode, v0.NodeId, v0.Port));
        var v4 = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = ["a", "b"] }, 10, 4);
        Assert.Equal(["a", "b"], v4.Coordinators.Select(c => c.Key));
        Assert.All(v4.Coordinators, c => Assert.Equal((0, _kafka.Server.Port), (c.ErrorCode, c.Port)));
        var txn = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 1, Key = "tx" }, 10, 3);
        Assert.Equal((0, 0, _kafka.Server.Port), (txn.ErrorCode, txn.NodeId, txn.Port));
        var unknownType = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 7, Key = "x" }, 10, 3);
        Assert.Equal(42, unknownType.ErrorCode);
    }

    [Fact]
    public async Task JoinGroup_v0_joins_directly_while_v4_and_later_require_the_member_id_round_trip()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var v0 = await connection.SendAsync<JoinGroupResponse>(Join("old"), 11, 0);
        Assert.Equal((0, 1, "range"), (v0.ErrorCode, v0.GenerationId, v0.ProtocolName));
        Assert.Equal(v0.MemberId, v0.Leader);

        var first = await connection.SendAsync<JoinGroupResponse>(Join("new"), 11, 9);
        Assert.Equal(79, first.ErrorCode);
        Assert.NotEmpty(first.MemberId);
        var second = await connection.SendAsync<JoinGroupResponse>(Join("new", first.MemberId), 11, 9);
        Assert.Equal((0, 1, "consumer", "range"), (second.ErrorCode, second.GenerationId, second.ProtocolType, second.ProtocolName));
        var sync = await connection.SendAsync<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = "new",
            GenerationId = 1,
            MemberId = first.MemberId,
            ProtocolType = "consumer",
            ProtocolName = "range",
            Assignments = [new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = first.MemberId, Assignment = new byte[] { 4, 2 } }],
        }, 14, 5);
        Assert.Equal((0, "range"), (sync.ErrorCode, sync.ProtocolName));
        Assert.Equal([4, 2], sync.Assignment.ToArray());
        var describe = await connection.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["new", "missing"], IncludeAuthorizedOperations = true }, 15, 5);
        Assert.Equal(("Stable", "range", 1), (describe.Groups[0].GroupState, describe.Groups[0].ProtocolData, describe.Groups[0].Members.Count));
        Assert.Equal(("Dead", 0), (describe.Groups[1].GroupState, describe.Groups[1].ErrorCode));
        Assert.NotEqual(int.MinValue, describe.Groups[0].AuthorizedOperations);
        var listed = await connection.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["stable"] }, 16, 4);
        // "old" joined but never synced: it is still CompletingRebalance.
        Assert.Equal(["new"], listed.Groups.Select(g => g.GroupId));
        var leave = await connection.SendAsync<LeaveGroupResponse>(new LeaveGroupRequest
        {
            GroupId = "new",
            Members = [new LeaveGroupRequest.MemberIdentity { MemberId = first.MemberId }, new LeaveGroupRequest.MemberIdentity { MemberId = "stranger" }],
        }, 13, 3);
        Assert.Equal([0, 25], leave.Members.Select(m => (int)m.ErrorCode));
        var empty = await connection.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["Empty"], TypesFilter = ["classic"] }, 16, 5);
        Assert.Equal(("new", "Empty", "classic"), (empty.Groups.Single().GroupId, empty.Groups.Single().GroupState, empty.Groups.Single().GroupType));
    }

    [Fact]
    public async Task OffsetCommit_v0_and_v8_then_OffsetFetch_v1_v2_with_all_partitions_and_v8_batched()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        static OffsetCommitRequest Commit(string group, long offset) => new()
        {
            GroupId = group,
            Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "t", Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 1, CommittedOffset = offset, CommittedMetadata = "m" }] }],
        };
        Assert.Equal(0, (await connection.SendAsync<OffsetCommitResponse>(Commit("a", 5), 8, 0)).Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(0, (await connection.SendAsync<OffsetCommitResponse>(Commit("b", 7), 8, 8)).Topics[0].Partitions[0].ErrorCode);

        var v1 = await connection.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            GroupId = "a",
            Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = "t", PartitionIndexes = [0, 1] }],
        }, 9, 1);
        Assert.Equal([(-1L, ""), (5L, "m")], v1.Topics[0].Partitions.Select(p => (p.CommittedOffset, p.Metadata ?? "")));
        var v2 = await connection.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = "a", Topics = null }, 9, 2);
        Assert.Equal((1, 5L), (v2.Topics.Single().Partitions.Single().PartitionIndex, v2.Topics.Single().Partitions.Single().CommittedOffset));
        var v8 = await connection.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = "a", Topics = null }, new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = "b", Topics = null }],
        }, 9, 8);
        Assert.Equal([5L, 7L], v8.Groups.Select(g => g.Topics.Single().Partitions.Single().CommittedOffset));

        var unknown = await connection.SendAsync<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = "a",
            GenerationIdOrMemberEpoch = 4,
            MemberId = "ghost",
            Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "t", Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 1 }] }],
        }, 8, 2);
        Assert.Equal(25, unknown.Topics[0].Partitions[0].ErrorCode);
        var deleted = await connection.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = ["a", "zzz"] }, 42, 2);
        Assert.Equal([0, 69], deleted.Results.Select(r => (int)r.ErrorCode));
    }

    [Fact]
    public async Task Clients_cannot_produce_to_the_offsets_topic()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        await connection.SendAsync<OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = "x",
            Topics = [new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "t", Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 1 }] }],
        }, 8, 8);
        var batch = new Tributary.Protocol.Records.RecordBatchBuilder(0);
        batch.Append(0, "k"u8, "v"u8);
        var produce = await connection.SendAsync<ProduceResponse>(new ProduceRequest
        {
            Acks = 1,
            TimeoutMs = 1000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = "__consumer_offsets", PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = batch.ToArray(new()) }] }],
        }, 0, 9);
        Assert.Equal(17, produce.Responses[0].PartitionResponses[0].ErrorCode);
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 3, 12);
        Assert.True(metadata.Topics.Single(t => t.Name == "__consumer_offsets").IsInternal);
    }
}
