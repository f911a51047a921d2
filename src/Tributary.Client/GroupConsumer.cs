using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;
using Tributary.Protocol.Records;

namespace Tributary.Client;

/// <summary>One record as a consumer sees it (key and value copied out of the fetch).</summary>
public sealed record ConsumedRecord(string Topic, int Partition, long Offset, long Timestamp, byte[]? Key, byte[]? Value)
{
    /// <summary>The record's headers in order (empty when it has none).</summary>
    public IReadOnlyList<RecordHeader> Headers { get; init; } = [];

    /// <summary>Whether the timestamp was set by the broker (LogAppendTime) rather than the producer (CreateTime).</summary>
    public bool LogAppendTime { get; init; }
}

/// <summary>Settings of a <see cref="GroupConsumer"/>; names follow the Java client's.</summary>
public sealed record GroupConsumerOptions
{
    public required string GroupId { get; init; }

    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>
    /// A pattern subscription (the Java client's <c>subscribe(Pattern)</c>, Connect's <c>topics.regex</c>): when set,
    /// <see cref="Topics"/> is ignored and the member subscribes to every non-internal topic whose whole name matches,
    /// looked up again at each join and every <see cref="MetadataMaxAgeMs"/> (so a topic created later joins the
    /// subscription with a rebalance).
    /// </summary>
    public System.Text.RegularExpressions.Regex? TopicPattern { get; init; }

    /// <summary><c>session.timeout.ms</c>.</summary>
    public int SessionTimeoutMs { get; init; } = 10_000;

    /// <summary><c>max.poll.interval.ms</c>, sent as the rebalance timeout.</summary>
    public int RebalanceTimeoutMs { get; init; } = 60_000;

    /// <summary><c>heartbeat.interval.ms</c>.</summary>
    public int HeartbeatIntervalMs { get; init; } = 1_000;

    /// <summary><c>auto.offset.reset</c>: where a partition without a committed offset starts (earliest or latest).</summary>
    public bool StartAtEarliest { get; init; } = true;

    /// <summary>When set, a partition without a committed offset starts at the first record at or after this time (ms).</summary>
    public long? StartTimestampMs { get; init; }

    /// <summary>Bytes per partition per fetch.</summary>
    public int MaxPartitionFetchBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// <c>fetch.max.bytes</c>: a poll stops fetching further partitions once it holds this many bytes (the Java client's
    /// default, 50 MiB), so one poll over many partitions does not read them all into memory at once; the next poll
    /// starts with the partitions this one left out.
    /// </summary>
    public int FetchMaxBytes { get; init; } = 50 * 1024 * 1024;

    /// <summary>
    /// <c>metadata.max.age.ms</c>: how often the leader looks again at the subscribed topics' partition counts, and
    /// makes the group rebalance when they changed since it assigned them (the Java client's default, 5 minutes).
    /// </summary>
    public int MetadataMaxAgeMs { get; init; } = 300_000;

    /// <summary>
    /// How often the leader looks again while a subscribed topic does not exist yet (the Java client asks again at its
    /// retry back-off): a sink started before its source has created the topic gets the partitions soon after they appear.
    /// </summary>
    public int MissingTopicRecheckMs { get; init; } = 500;
}

/// <summary>
/// A member of a classic consumer group (protocol type "consumer", assignor "range") on <see cref="KafkaClient"/>:
/// finds the coordinator, joins (with the MEMBER_ID_REQUIRED round trip), assigns as leader, syncs, resumes
/// from committed offsets, heartbeats in the background, rejoins when the coordinator says a rebalance is under
/// way, commits positions, leaves on close. Used by delivery streams reading an external Kafka cluster, so
/// several Tributary instances share the partitions. One caller at a time (Poll/Commit are not concurrent).
/// </summary>
public sealed class GroupConsumer : IAsyncDisposable
{
    private const short JoinGroupKey = 11, HeartbeatKey = 12, SyncGroupKey = 14, OffsetCommitKey = 8, OffsetFetchKey = 9;
    private const string Protocol = "range";

    private readonly KafkaClient _client;
    private readonly GroupConsumerOptions _options;
    private readonly Dictionary<(string Topic, int Partition), long> _positions = [];

    /// <summary>Fetches not yet handed out in full, oldest first (at most one per partition, whose position it holds).</summary>
    private readonly List<FetchCursor> _cursors = [];
    private readonly CancellationTokenSource _closing = new();
    private KafkaConnection? _coordinator;
    private Task? _heartbeat;
    private volatile bool _rejoinNeeded = true;
    private string _memberId = "";
    private int _generation = -1;
    private int _nextPartition;

    /// <summary>The subscribed topics' partition counts the leader assigned from (empty on a member that is not the leader).</summary>
    private readonly Dictionary<string, int> _assignedCounts = new(StringComparer.Ordinal);

    /// <summary>The topics this member subscribed with at its last join (the pattern's matches, or the fixed list).</summary>
    private IReadOnlyList<string> _subscribed = [];

    /// <summary>The pattern anchored at both ends: Java's <c>Matcher.matches()</c> wants the whole name matched.</summary>
    private readonly System.Text.RegularExpressions.Regex? _wholeNamePattern;
    private long _nextMetadataCheck;

    public GroupConsumer(KafkaClient client, GroupConsumerOptions options)
    {
        _client = client;
        _options = options;
        _wholeNamePattern = options.TopicPattern is { } pattern ? new System.Text.RegularExpressions.Regex($"^(?:{pattern})\\z", pattern.Options) : null;
    }

    /// <summary>The member id the coordinator gave this member ("" before the first join).</summary>
    public string MemberId => _memberId;

    public int Generation => _generation;

    /// <summary>Partitions currently assigned to this member.</summary>
    public IReadOnlyList<(string Topic, int Partition)> Assignment => [.. _positions.Keys.Order()];

    /// <summary>
    /// Returns the records available on the assigned partitions, advancing the positions past them; waits up to
    /// <paramref name="maxWaitMs"/> per partition fetch. A poll that has to join or rejoin the group first returns
    /// no records: the caller sees the new <see cref="Generation"/> and <see cref="Assignment"/> before any record of
    /// the new assignment, and positions stay at the committed offsets until then. (A caller that drops what it
    /// buffered on a generation change would otherwise also drop records this poll had already read past.)
    /// </summary>
    public async Task<IReadOnlyList<ConsumedRecord>> PollAsync(int maxWaitMs = 200, CancellationToken cancellationToken = default) =>
        await PollAsync([], maxWaitMs, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <see cref="PollAsync(int, CancellationToken)"/> into the caller's list, which is cleared first and returned. A
    /// caller that polls in a loop hands the same few lists back: a fetch holds thousands of records, so a new list per
    /// poll is a large-object-heap array per poll, and those arrays are what drives full collections.
    /// </summary>
    public Task<List<ConsumedRecord>> PollAsync(List<ConsumedRecord> records, int maxWaitMs = 200, CancellationToken cancellationToken = default) =>
        PollAsync(records, maxWaitMs, int.MaxValue, cancellationToken);

    /// <summary>
    /// As <see cref="PollAsync(List{ConsumedRecord}, int, CancellationToken)"/>, returning at most
    /// <paramref name="maxRecords"/> records (the Java consumer's <c>max.poll.records</c>). What a fetch brought beyond
    /// that stays undecoded in the consumer and goes out first at the next poll, without a request; a seek, a rejoin or
    /// a position that moved otherwise drops it.
    /// </summary>
    public async Task<List<ConsumedRecord>> PollAsync(List<ConsumedRecord> records, int maxWaitMs, int maxRecords, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        records.Clear();
        if (!_rejoinNeeded && (_assignedCounts.Count > 0 || _options.TopicPattern is not null) && Environment.TickCount64 >= _nextMetadataCheck)
        {
            _rejoinNeeded = await SubscribedTopicsChangedAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_rejoinNeeded)
        {
            await JoinAsync(cancellationToken).ConfigureAwait(false);
            return records;
        }
        var assigned = _positions.ToList();
        if (assigned.Count == 0)
        {
            // Nothing assigned (the subscribed topics have no partitions yet, or other members hold them all): wait
            // as a fetch would, as the Java consumer's poll blocks for its timeout. Returning at once made a caller's
            // poll loop spin a core, which starved the process's other work (a Connect worker missed heartbeats).
            await Task.Delay(maxWaitMs, cancellationToken).ConfigureAwait(false);
            return records;
        }
        ReadCursors(records, maxRecords);
        if (records.Count > 0)
        {
            return records;
        }
        var start = _nextPartition;
        long polledBytes = 0;
        var fetchedPartitions = 0;
        for (; fetchedPartitions < assigned.Count && polledBytes < _options.FetchMaxBytes && records.Count < maxRecords; fetchedPartitions++)
        {
            // Round robin: a poll cut short by fetch.max.bytes, the next one starts with the partitions it did not reach.
            var (topic, partition) = assigned[(start + fetchedPartitions) % assigned.Count].Key;
            // Read now, not from the list: a spent cursor may have stepped its partition past trailing control batches.
            var position = _positions[(topic, partition)];
            // Leased: the cursor copies each record out; the frame goes back to the pool once the last one is out.
            var (fetched, lease) = await _client.FetchLeasedAsync(topic, partition, position, _options.MaxPartitionFetchBytes, maxWaitMs / Math.Max(1, _positions.Count), cancellationToken).ConfigureAwait(false);
            polledBytes += fetched.Records.Length;
            if (fetched.ErrorCode != 0)
            {
                lease.Dispose();
                if (fetched.ErrorCode == 1)
                {
                    // OFFSET_OUT_OF_RANGE: reset as auto.offset.reset says.
                    _positions[(topic, partition)] = await _client.ListOffsetAsync(topic, partition, _options.StartAtEarliest ? -2 : -1, cancellationToken).ConfigureAwait(false);
                }
                continue;
            }
            var cursor = new FetchCursor(fetched, lease, position);
            _cursors.Add(cursor);
            ReadCursor(cursor, records, maxRecords);
        }
        _nextPartition = fetchedPartitions < assigned.Count ? (start + fetchedPartitions) % assigned.Count : 0;
        return records;
    }

    /// <summary>Hands out what earlier fetches brought, up to <paramref name="maxRecords"/> in all, partition by partition.</summary>
    private void ReadCursors(List<ConsumedRecord> records, int maxRecords)
    {
        for (var i = 0; i < _cursors.Count && records.Count < maxRecords; i++)
        {
            if (ReadCursor(_cursors[i], records, maxRecords))
            {
                i--;
            }
        }
    }

    /// <summary>
    /// Reads one cursor into <paramref name="records"/> and moves its partition's position; drops it (returning true)
    /// when it is spent, or stale: its partition is no longer assigned or was moved to another position.
    /// </summary>
    private bool ReadCursor(FetchCursor cursor, List<ConsumedRecord> records, int maxRecords)
    {
        var key = (cursor.Topic, cursor.Partition);
        if (_positions.TryGetValue(key, out var position) && position == cursor.Position)
        {
            cursor.Read(records, maxRecords - records.Count);
            _positions[key] = cursor.Position;
            if (!cursor.Exhausted)
            {
                return false;
            }
        }
        cursor.Dispose();
        _cursors.Remove(cursor);
        return true;
    }

    /// <summary>Drops every fetched-but-not-handed-out record (a rejoin, the end): their frames go back to the pool.</summary>
    private void DropCursors()
    {
        foreach (var cursor in _cursors)
        {
            cursor.Dispose();
        }
        _cursors.Clear();
    }

    /// <summary>Joins the group now when not a member (or a rebalance is pending); Poll does the same lazily.</summary>
    public async Task EnsureJoinedAsync(CancellationToken cancellationToken = default)
    {
        if (_rejoinNeeded)
        {
            await JoinAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next offset to read of each assigned partition.</summary>
    public IReadOnlyDictionary<(string Topic, int Partition), long> Positions => new Dictionary<(string, int), long>(_positions);

    /// <summary>Moves an assigned partition's read position.</summary>
    public void Seek(string topic, int partition, long offset)
    {
        if (_positions.ContainsKey((topic, partition)))
        {
            _positions[(topic, partition)] = offset;
        }
    }

    /// <summary>Commits the current positions at the current generation; a rebalance under way marks the member for rejoining.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => CommitAsync(_positions, cancellationToken);

    /// <summary>
    /// Commits the given offsets (of assigned partitions) at the current generation; a rebalance under way marks the
    /// member for rejoining and throws.
    /// </summary>
    public async Task CommitAsync(IReadOnlyDictionary<(string Topic, int Partition), long> offsets, CancellationToken cancellationToken = default)
    {
        if (_coordinator is null || offsets.Count == 0)
        {
            return;
        }
        var request = new OffsetCommitRequest
        {
            GroupId = _options.GroupId,
            GenerationIdOrMemberEpoch = _generation,
            MemberId = _memberId,
            Topics = [.. offsets.GroupBy(p => p.Key.Topic).Select(t => new OffsetCommitRequest.OffsetCommitRequestTopic
            {
                Name = t.Key,
                Partitions = [.. t.Select(p => new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = p.Key.Partition, CommittedOffset = p.Value })],
            })],
        };
        // Up to v8: v9's member-epoch semantics belong to KIP-848 members.
        var response = await _coordinator.SendNegotiatedAsync<OffsetCommitResponse>(request, OffsetCommitKey, 8, cancellationToken).ConfigureAwait(false);
        var error = response.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).FirstOrDefault(e => e != 0);
        if (error is 22 or 25 or 27)
        {
            _rejoinNeeded = true;
        }
        if (error != 0)
        {
            throw new KafkaClientException(error, $"OffsetCommit for group {_options.GroupId}: error {error}.");
        }
    }

    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        DropCursors();
        _assignedCounts.Clear();
        _coordinator = await FindCoordinatorAsync(cancellationToken).ConfigureAwait(false);
        _subscribed = _options.TopicPattern is null ? _options.Topics : await MatchingTopicsAsync(cancellationToken).ConfigureAwait(false);
        var subscription = ConsumerProtocol.Subscription(_subscribed);
        while (true)
        {
            var join = await _coordinator.SendNegotiatedAsync<JoinGroupResponse>(new JoinGroupRequest
            {
                GroupId = _options.GroupId,
                SessionTimeoutMs = _options.SessionTimeoutMs,
                RebalanceTimeoutMs = _options.RebalanceTimeoutMs,
                MemberId = _memberId,
                ProtocolType = "consumer",
                Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = Protocol, Metadata = subscription }],
            }, JoinGroupKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (join.ErrorCode is 79 or 25)
            {
                // MEMBER_ID_REQUIRED: come back with the id given; UNKNOWN_MEMBER_ID: start again without one.
                _memberId = join.ErrorCode == 79 ? join.MemberId : "";
                continue;
            }
            if (join.ErrorCode == 27)
            {
                continue;
            }
            if (join.ErrorCode != 0)
            {
                throw new KafkaClientException(join.ErrorCode, $"JoinGroup {_options.GroupId}: error {join.ErrorCode}.");
            }
            _memberId = join.MemberId;
            _generation = join.GenerationId;
            var assignments = join.Leader == join.MemberId && !join.SkipAssignment ? await AssignAsync(join, cancellationToken).ConfigureAwait(false) : [];
            var sync = await _coordinator.SendNegotiatedAsync<SyncGroupResponse>(new SyncGroupRequest
            {
                GroupId = _options.GroupId,
                GenerationId = _generation,
                MemberId = _memberId,
                ProtocolType = "consumer",
                ProtocolName = Protocol,
                Assignments = assignments,
            }, SyncGroupKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (sync.ErrorCode is 27 or 22)
            {
                continue;
            }
            if (sync.ErrorCode == 25)
            {
                _memberId = "";
                continue;
            }
            if (sync.ErrorCode != 0)
            {
                throw new KafkaClientException(sync.ErrorCode, $"SyncGroup {_options.GroupId}: error {sync.ErrorCode}.");
            }
            await ResumeAsync(ConsumerProtocol.AssignedPartitions(sync.Assignment), cancellationToken).ConfigureAwait(false);
            ScheduleMetadataCheck();
            _rejoinNeeded = false;
            _heartbeat ??= Task.Run(() => HeartbeatLoopAsync(_closing.Token));
            return;
        }
    }

    /// <summary>The range assignor (as the leader): per topic, members by id get contiguous ranges, the first ones one more.</summary>
    private async Task<List<SyncGroupRequest.SyncGroupRequestAssignment>> AssignAsync(JoinGroupResponse join, CancellationToken cancellationToken)
    {
        var subscriptions = join.Members.ToDictionary(m => m.MemberId, m => ConsumerProtocol.SubscribedTopics(m.Metadata.ToArray()), StringComparer.Ordinal);
        var byMember = subscriptions.Keys.ToDictionary(id => id, _ => new SortedDictionary<string, List<int>>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var topic in subscriptions.Values.SelectMany(t => t).Distinct().Order(StringComparer.Ordinal))
        {
            var count = await _client.PartitionCountAsync(topic, cancellationToken).ConfigureAwait(false) ?? 0;
            _assignedCounts[topic] = count;
            var members = subscriptions.Where(s => s.Value.Contains(topic)).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
            var next = 0;
            for (var i = 0; i < members.Count; i++)
            {
                var take = count / members.Count + (i < count % members.Count ? 1 : 0);
                if (take > 0)
                {
                    byMember[members[i]][topic] = [.. Enumerable.Range(next, take)];
                }
                next += take;
            }
        }
        return [.. byMember.Select(m => new SyncGroupRequest.SyncGroupRequestAssignment
        {
            MemberId = m.Key,
            Assignment = ConsumerProtocol.Assignment(m.Value.Select(t => (t.Key, (IReadOnlyList<int>)t.Value))),
        })];
    }

    /// <summary>
    /// Whether a subscribed topic's partition count differs from what the leader assigned from (a topic created, or
    /// partitions added), as the Java leader compares its assignment's metadata snapshot; schedules the next look.
    /// </summary>
    private async Task<bool> SubscribedTopicsChangedAsync(CancellationToken cancellationToken)
    {
        // One metadata request for both looks: every topic for a pattern, else the topics assigned from.
        var metadata = await _client.RefreshMetadataAsync(_options.TopicPattern is null ? [.. _assignedCounts.Keys] : null, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (_options.TopicPattern is not null && !MatchingTopics(metadata).SequenceEqual(_subscribed, StringComparer.Ordinal))
        {
            return true;
        }
        foreach (var (topic, assigned) in _assignedCounts)
        {
            var found = metadata.Topics.FirstOrDefault(t => t.Name == topic);
            if ((found is { ErrorCode: 0 } ? found.Partitions.Count : 0) != assigned)
            {
                return true;
            }
        }
        ScheduleMetadataCheck();
        return false;
    }

    private void ScheduleMetadataCheck() =>
        _nextMetadataCheck = Environment.TickCount64 + (_assignedCounts.ContainsValue(0) || _options.TopicPattern is not null && _subscribed.Count == 0 ? _options.MissingTopicRecheckMs : _options.MetadataMaxAgeMs);

    /// <summary>The non-internal topics whose whole name matches the pattern, in name order.</summary>
    private async Task<IReadOnlyList<string>> MatchingTopicsAsync(CancellationToken cancellationToken) =>
        MatchingTopics(await _client.RefreshMetadataAsync(null, cancellationToken: cancellationToken).ConfigureAwait(false));

    private IReadOnlyList<string> MatchingTopics(MetadataResponse metadata) =>
        [.. metadata.Topics
            .Where(t => t is { ErrorCode: 0, IsInternal: false, Name: { } name } && _wholeNamePattern!.IsMatch(name))
            .Select(t => t.Name!)
            .Order(StringComparer.Ordinal)];

    /// <summary>Positions for the new assignment: the committed offset, else auto.offset.reset.</summary>
    private async Task ResumeAsync(IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)> assigned, CancellationToken cancellationToken)
    {
        _positions.Clear();
        if (assigned.Count == 0)
        {
            return;
        }
        var fetch = await _coordinator!.SendNegotiatedAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            GroupId = _options.GroupId,
            Topics = [.. assigned.Select(a => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = a.Topic, PartitionIndexes = [.. a.Partitions] })],
        }, OffsetFetchKey, 7, cancellationToken).ConfigureAwait(false);
        var committed = fetch.Topics.SelectMany(t => t.Partitions.Select(p => ((t.Name, p.PartitionIndex), p.CommittedOffset))).ToDictionary(x => x.Item1, x => x.CommittedOffset);
        foreach (var (topic, partitions) in assigned)
        {
            foreach (var partition in partitions)
            {
                _positions[(topic, partition)] = committed.TryGetValue((topic, partition), out var offset) && offset >= 0
                    ? offset
                    : await StartOffsetAsync(topic, partition, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>auto.offset.reset, or the first offset at or after StartTimestampMs (the end when there is none).</summary>
    private async Task<long> StartOffsetAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        if (_options.StartTimestampMs is long timestamp)
        {
            var offset = await _client.ListOffsetAsync(topic, partition, timestamp, cancellationToken).ConfigureAwait(false);
            if (offset >= 0)
            {
                return offset;
            }
            return await _client.ListOffsetAsync(topic, partition, -1, cancellationToken).ConfigureAwait(false);
        }
        return await _client.ListOffsetAsync(topic, partition, _options.StartAtEarliest ? -2 : -1, cancellationToken).ConfigureAwait(false);
    }

    private Task<KafkaConnection> FindCoordinatorAsync(CancellationToken cancellationToken) =>
        GroupCoordination.FindCoordinatorAsync(_client, _options.GroupId, cancellationToken);

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatIntervalMs, cancellationToken).ConfigureAwait(false);
                if (_rejoinNeeded || _coordinator is not { } coordinator)
                {
                    continue;
                }
                var response = await coordinator.SendNegotiatedAsync<HeartbeatResponse>(new HeartbeatRequest { GroupId = _options.GroupId, GenerationId = _generation, MemberId = _memberId }, HeartbeatKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (response.ErrorCode != 0)
                {
                    // REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID...: the next poll rejoins.
                    _rejoinNeeded = true;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (KafkaClientException)
            {
                _rejoinNeeded = true;
            }
        }
    }

    /// <summary>Stops heartbeating and leaves the group (its partitions move to the other members at once).</summary>
    public async ValueTask DisposeAsync()
    {
        DropCursors();
        await _closing.CancelAsync().ConfigureAwait(false);
        if (_heartbeat is not null)
        {
            await _heartbeat.ConfigureAwait(false);
        }
        await GroupCoordination.LeaveAsync(_coordinator, _options.GroupId, _memberId).ConfigureAwait(false);
        _closing.Dispose();
    }
}
