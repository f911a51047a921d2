using Tributary.Broker.Groups;

namespace Tributary.Broker.Tests;

/// <summary>
/// The group coordinator through the broker API, with short timeouts: the classic protocol's state machine and
/// error codes, committed offsets (durable across a reopen), group administration, and KIP-848 reconciliation.
/// </summary>
public class GroupCoordinatorTests
{
    private static BrokerFixture Fixture() => new(o => o with
    {
        Groups = new GroupOptions { InitialRebalanceDelayMs = 0, MinSessionTimeoutMs = 50, TickIntervalMs = 20 },
    });

    private static JoinGroupParameters Join(string group, string memberId = "", int sessionMs = 10_000, string? instanceId = null, bool requireKnown = false, string protocol = "range", byte[]? metadata = null) =>
        new(group, memberId, instanceId, "consumer", [new GroupProtocol(protocol, metadata ?? [1, 2, 3])], sessionMs, 10_000, requireKnown, "client", "/127.0.0.1");

    private static CommittedOffset At(long offset, string metadata = "") => new(offset, -1, metadata, 1);

    [Fact]
    public async Task A_member_joins_after_member_id_required_syncs_heartbeats_and_gets_the_classic_errors()
    {
        await using var fixture = Fixture();
        var groups = (await fixture.OpenAsync()).Groups;
        var first = await groups.JoinGroupAsync(Join("g", requireKnown: true));
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        Assert.NotEmpty(first.MemberId);
        var joined = await groups.JoinGroupAsync(Join("g", first.MemberId, requireKnown: true));
        Assert.Equal((ErrorCode.None, 1, "range", first.MemberId), (joined.Error, joined.GenerationId, joined.ProtocolName, joined.LeaderId));
        Assert.Single(joined.Members);
        var sync = await groups.SyncGroupAsync("g", 1, first.MemberId, null, "consumer", "range", [(first.MemberId, new byte[] { 9 })]);
        Assert.Equal((ErrorCode.None, 9), (sync.Error, sync.Assignment.Single()));
        Assert.Equal(ErrorCode.None, groups.Heartbeat("g", 1, first.MemberId, null));
        Assert.Equal(ErrorCode.IllegalGeneration, groups.Heartbeat("g", 0, first.MemberId, null));
        Assert.Equal(ErrorCode.UnknownMemberId, groups.Heartbeat("g", 1, "nobody", null));
        Assert.Equal(ErrorCode.UnknownMemberId, groups.Heartbeat("no-group", 1, first.MemberId, null));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (await groups.JoinGroupAsync(Join("g", protocol: "other"))).Error);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (await groups.JoinGroupAsync(Join("g", sessionMs: 10))).Error);
        Assert.Equal(ErrorCode.InvalidGroupId, (await groups.JoinGroupAsync(Join(""))).Error);
        Assert.Equal("Stable", groups.DescribeGroup("g").State);
        Assert.Equal([ErrorCode.None], groups.LeaveGroup("g", [new LeaveMember(first.MemberId, null)]).Members);
        Assert.Equal("Empty", groups.DescribeGroup("g").State);
    }

    [Fact]
    public async Task A_second_member_triggers_a_rebalance_that_waits_for_the_first_to_rejoin()
    {
        await using var fixture = Fixture();
        var groups = (await fixture.OpenAsync()).Groups;
        var a = await groups.JoinGroupAsync(Join("g"));
        await groups.SyncGroupAsync("g", a.GenerationId, a.MemberId, null, null, null, [(a.MemberId, [1])]);
        var bJoin = groups.JoinGroupAsync(Join("g"));
        Assert.False(bJoin.IsCompleted);
        Assert.Equal(ErrorCode.RebalanceInProgress, groups.Heartbeat("g", a.GenerationId, a.MemberId, null));
        Assert.Equal("PreparingRebalance", groups.DescribeGroup("g").State);
        var aJoin = await groups.JoinGroupAsync(Join("g", a.MemberId));
        var b = await bJoin;
        Assert.Equal((2, 2), (aJoin.GenerationId, b.GenerationId));
        Assert.Equal(a.MemberId, aJoin.LeaderId);
        Assert.Equal(2, aJoin.Members.Count);
        Assert.Empty(b.Members);
        // The follower waits in SyncGroup until the leader sends the assignment; a commit meanwhile is refused.
        var bSync = groups.SyncGroupAsync("g", 2, b.MemberId, null, null, null, []);
        Assert.False(bSync.IsCompleted);
        var commit = await groups.CommitOffsetsAsync("g", 2, b.MemberId, null, false, [(new TopicPartition("t", 0), At(5))]);
        Assert.Equal(ErrorCode.RebalanceInProgress, commit.Single().Error);
        var aSync = await groups.SyncGroupAsync("g", 2, a.MemberId, null, null, null, [(a.MemberId, [1]), (b.MemberId, [2])]);
        Assert.Equal([1], aSync.Assignment);
        Assert.Equal([2], (await bSync).Assignment);
        Assert.Equal(ErrorCode.IllegalGeneration, groups.Heartbeat("g", 1, a.MemberId, null));
    }

    [Fact]
    public async Task A_member_that_stops_heartbeating_is_removed_after_its_session_timeout()
    {
        await using var fixture = Fixture();
        var groups = (await fixture.OpenAsync()).Groups;
        var a = await groups.JoinGroupAsync(Join("g", sessionMs: 300));
        await groups.SyncGroupAsync("g", a.GenerationId, a.MemberId, null, null, null, []);
        await Eventually.HoldsAsync(() => groups.DescribeGroup("g").State == "Empty", "the silent member removed", TimeSpan.FromSeconds(10));
        Assert.Equal(ErrorCode.UnknownMemberId, groups.Heartbeat("g", a.GenerationId, a.MemberId, null));
    }

    [Fact]
    public async Task A_static_member_rejoining_takes_over_its_identity_without_a_rebalance_and_fences_the_old_id()
    {
        await using var fixture = Fixture();
        var groups = (await fixture.OpenAsync()).Groups;
        var a = await groups.JoinGroupAsync(Join("g", instanceId: "i-1"));
        await groups.SyncGroupAsync("g", a.GenerationId, a.MemberId, "i-1", null, null, [(a.MemberId, [7])]);
        var again = await groups.JoinGroupAsync(Join("g", instanceId: "i-1"));
        Assert.Equal(a.GenerationId, again.GenerationId);
        Assert.NotEqual(a.MemberId, again.MemberId);
        Assert.Equal("Stable", groups.DescribeGroup("g").State);
        Assert.Equal([7], (await groups.SyncGroupAsync("g", again.GenerationId, again.MemberId, "i-1", null, null, [])).Assignment);
        Assert.Equal(ErrorCode.FencedInstanceId, groups.Heartbeat("g", a.GenerationId, a.MemberId, "i-1"));
    }

    [Fact]
    public async Task Three_hundred_members_join_one_generation_and_each_gets_its_own_assignment()
    {
        // The initial rebalance delay is what lets a group of many members form in one generation.
        await using var fixture = new BrokerFixture(o => o with { Groups = new GroupOptions { InitialRebalanceDelayMs = 500, TickIntervalMs = 20 } });
        var groups = (await fixture.OpenAsync()).Groups;
        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => groups.JoinGroupAsync(Join("big"))).ToList()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal((ErrorCode.None, 1), (r.Error, r.GenerationId)));
        var leader = results.Single(r => r.Members.Count > 0);
        Assert.Equal(300, leader.Members.Count);
        var assignments = leader.Members.Select((m, i) => (m.MemberId, BitConverter.GetBytes(i))).ToList();
        var syncs = results.Where(r => r != leader).Select(r => groups.SyncGroupAsync("big", r.GenerationId, r.MemberId, null, null, null, [])).ToList();
        var leaderSync = await groups.SyncGroupAsync("big", leader.GenerationId, leader.MemberId, null, null, null, assignments);
        var all = (await Task.WhenAll(syncs).WaitAsync(TimeSpan.FromSeconds(30))).Append(leaderSync).Select(s => BitConverter.ToInt32(s.Assignment)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 300), all);
        Assert.Equal(300, groups.DescribeGroup("big").Members.Count);
    }

    [Fact]
    public async Task Commits_follow_kafkas_rules_and_survive_a_reopen_until_the_group_is_deleted()
    {
        await using var fixture = Fixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 2, null);
        var groups = broker.Groups;
        var p0 = new TopicPartition("t", 0);
        // Outside group management (generation -1): allowed while the group has no members; creates it.
        Assert.Equal(ErrorCode.None, (await groups.CommitOffsetsAsync("g", -1, "", null, false, [(p0, At(10, "meta"))])).Single().Error);
        var results = await groups.CommitOffsetsAsync("g", -1, "", null, false, [(new TopicPartition("t", 1), At(3, new string('x', 5000))), (new TopicPartition("nope", 0), At(1)), (new TopicPartition("t", 7), At(1))]);
        Assert.Equal([ErrorCode.OffsetMetadataTooLarge, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicOrPartition], results.Select(r => r.Error));
        Assert.Equal(ErrorCode.IllegalGeneration, (await groups.CommitOffsetsAsync("other", 3, "m", null, false, [(p0, At(1))])).Single().Error);

        var member = await groups.JoinGroupAsync(Join("g"));
        await groups.SyncGroupAsync("g", member.GenerationId, member.MemberId, null, null, null, []);
        Assert.Equal(ErrorCode.UnknownMemberId, (await groups.CommitOffsetsAsync("g", -1, "", null, false, [(p0, At(11))])).Single().Error);
        Assert.Equal(ErrorCode.IllegalGeneration, (await groups.CommitOffsetsAsync("g", member.GenerationId + 1, member.MemberId, null, false, [(p0, At(11))])).Single().Error);
        Assert.Equal(ErrorCode.None, (await groups.CommitOffsetsAsync("g", member.GenerationId, member.MemberId, null, false, [(p0, At(12))])).Single().Error);
        Assert.Equal(ErrorCode.NonEmptyGroup, await groups.DeleteGroupAsync("g"));

        broker = await fixture.ReopenAsync();
        groups = broker.Groups;
        var fetched = groups.FetchOffsets("g", null).Offsets.Single();
        Assert.Equal((p0, 12L), (fetched.Partition, fetched.Offset!.Offset));
        Assert.Equal([(p0, 12L, 12L, 0L)], groups.Lag("g")!.Select(l => (l.Partition, l.CommittedOffset, l.CommittedOffset, l.Lag)));
        // The member came back with the group (a restart is not a rebalance); it leaves, then the group can go.
        Assert.Equal(ErrorCode.None, groups.Heartbeat("g", member.GenerationId, member.MemberId, null));
        groups.LeaveGroup("g", [new LeaveMember(member.MemberId, null)]);
        Assert.Equal(ErrorCode.None, await groups.DeleteGroupAsync("g"));
        Assert.Equal(ErrorCode.GroupIdNotFound, await groups.DeleteGroupAsync("g"));
        Assert.DoesNotContain(groups.ListGroups(), g => g.GroupId == "g");

        broker = await fixture.ReopenAsync();
        Assert.Empty(broker.Groups.FetchOffsets("g", null).Offsets);
        Assert.Null(broker.Groups.FetchOffsets("g", [p0]).Offsets.Single().Offset);
        // __consumer_offsets is internal: not in plain listings.
        Assert.DoesNotContain(broker.ListTopics(), t => t.Name == "__consumer_offsets");
        Assert.Contains(broker.ListTopics(includeInternal: true), t => t.Name == "__consumer_offsets");
    }

    [Fact]
    public async Task Concurrent_commits_leave_the_cache_and_the_log_agreeing_and_fenced_members_cannot_commit()
    {
        await using var fixture = Fixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var groups = broker.Groups;
        var p0 = new TopicPartition("t", 0);
        var commits = Enumerable.Range(1, 200).Select(i => groups.CommitOffsetsAsync("race", -1, "", null, false, [(p0, At(i))]).AsTask()).ToList();
        Assert.All(await Task.WhenAll(commits), r => Assert.Equal(ErrorCode.None, r.Single().Error));
        var cached = groups.FetchOffsets("race", [p0]).Offsets.Single().Offset!.Offset;
        // Last writer wins, as in Kafka; what is served now is what the log replays.
        broker = await fixture.ReopenAsync();
        Assert.Equal(cached, broker.Groups.FetchOffsets("race", [p0]).Offsets.Single().Offset!.Offset);

        groups = broker.Groups;
        var old = await groups.JoinGroupAsync(Join("static", instanceId: "i"));
        await groups.SyncGroupAsync("static", old.GenerationId, old.MemberId, "i", null, null, []);
        var replacement = await groups.JoinGroupAsync(Join("static", instanceId: "i"));
        Assert.NotEqual(old.MemberId, replacement.MemberId);
        var fenced = await groups.CommitOffsetsAsync("static", old.GenerationId, old.MemberId, "i", false, [(p0, At(1))]);
        Assert.Equal(ErrorCode.FencedInstanceId, fenced.Single().Error);
        var accepted = await groups.CommitOffsetsAsync("static", replacement.GenerationId, replacement.MemberId, "i", false, [(p0, At(2))]);
        Assert.Equal(ErrorCode.None, accepted.Single().Error);
    }

    [Fact]
    public async Task OffsetDelete_refuses_subscribed_topics_and_unknown_groups()
    {
        await using var fixture = Fixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("sub", 1, null);
        broker.CreateTopic("old", 1, null);
        var groups = broker.Groups;
        // A consumer-protocol subscription to "sub": version 0, topics ["sub"], no user data.
        byte[] subscription = [0, 0, 0, 0, 0, 1, 0, 3, (byte)'s', (byte)'u', (byte)'b', 0xff, 0xff, 0xff, 0xff];
        var m = await groups.JoinGroupAsync(Join("g", metadata: subscription));
        await groups.SyncGroupAsync("g", m.GenerationId, m.MemberId, null, null, null, []);
        await groups.CommitOffsetsAsync("g", m.GenerationId, m.MemberId, null, false, [(new TopicPartition("sub", 0), At(1)), (new TopicPartition("old", 0), At(2))]);
        var (error, partitions) = await groups.DeleteOffsetsAsync("g", [new TopicPartition("sub", 0), new TopicPartition("old", 0)]);
        Assert.Equal(ErrorCode.None, error);
        Assert.Equal([ErrorCode.GroupSubscribedToTopic, ErrorCode.None], partitions.Select(p => p.Error));
        Assert.Equal([new TopicPartition("sub", 0)], groups.FetchOffsets("g", null).Offsets.Select(o => o.Partition));
        Assert.Equal(ErrorCode.GroupIdNotFound, (await groups.DeleteOffsetsAsync("none", [new TopicPartition("old", 0)])).Error);
    }

    [Fact]
    public async Task Kip848_members_reconcile_revoking_before_others_receive_and_stale_epochs_are_fenced()
    {
        await using var fixture = Fixture();
        var broker = await fixture.OpenAsync();
        var topic = broker.CreateTopic("t", 4, null).Topic!;
        var groups = broker.Groups;
        ConsumerHeartbeatParameters Beat(string memberId, int epoch, IReadOnlyList<string>? topics, IReadOnlyList<(Guid, IReadOnlyList<int>)>? owned) =>
            new("c", memberId, epoch, null, null, epoch == 0 ? 30_000 : -1, topics, null, owned, "client", "/127.0.0.1");

        var a = await groups.ConsumerGroupHeartbeatAsync(Beat("", 0, ["t"], []));
        Assert.Equal((ErrorCode.None, 1), (a.Error, a.MemberEpoch));
        Assert.Equal([0, 1, 2, 3], a.Assignment!.Single().Partitions);
        var b = await groups.ConsumerGroupHeartbeatAsync(Beat("", 0, ["t"], []));
        Assert.Equal(2, b.MemberEpoch);
        // b's target is two partitions, but a still owns them: b gets nothing yet.
        Assert.Empty(b.Assignment!);
        // a is told to keep two (it must revoke the others); its epoch stays until it confirms.
        var aRevoke = await groups.ConsumerGroupHeartbeatAsync(Beat(a.MemberId!, 1, null, [(topic.TopicId, [0, 1, 2, 3])]));
        Assert.Equal(1, aRevoke.MemberEpoch);
        var kept = aRevoke.Assignment!.Single().Partitions;
        Assert.Equal(2, kept.Count);
        var aDone = await groups.ConsumerGroupHeartbeatAsync(Beat(a.MemberId!, 1, null, [(topic.TopicId, kept)]));
        Assert.Equal(2, aDone.MemberEpoch);
        var bNow = await groups.ConsumerGroupHeartbeatAsync(Beat(b.MemberId!, 2, null, []));
        Assert.Equal([0, 1, 2, 3], bNow.Assignment!.Single().Partitions.Concat(kept).Order());
        Assert.Equal("Stable", groups.DescribeConsumerGroup("c").State);
        Assert.Equal(ErrorCode.FencedMemberEpoch, (await groups.ConsumerGroupHeartbeatAsync(Beat(b.MemberId!, 7, null, null))).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, (await groups.ConsumerGroupHeartbeatAsync(Beat("ghost", 2, null, null))).Error);
        Assert.Equal(ErrorCode.UnsupportedAssignor, (await groups.ConsumerGroupHeartbeatAsync(new ConsumerHeartbeatParameters("c", "", 0, null, null, 1000, ["t"], "sticky", [], "c", "h"))).Error);
        // A commit with a stale member epoch (OffsetCommit v9) is STALE_MEMBER_EPOCH.
        var stale = await groups.CommitOffsetsAsync("c", 1, b.MemberId!, null, true, [(new TopicPartition("t", 0), At(1))]);
        Assert.Equal(ErrorCode.StaleMemberEpoch, stale.Single().Error);
        // A classic join on a KIP-848 group with members is refused.
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (await groups.JoinGroupAsync(Join("c"))).Error);
        var left = await groups.ConsumerGroupHeartbeatAsync(Beat(a.MemberId!, -1, null, null));
        Assert.Equal(-1, left.MemberEpoch);
        Assert.Single(groups.DescribeConsumerGroup("c").Members);
    }
}
