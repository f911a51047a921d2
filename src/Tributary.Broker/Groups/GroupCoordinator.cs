using System.Collections.Concurrent;

namespace Tributary.Broker.Groups;

/// <summary>
/// The group coordinator of this single-node broker: classic groups (JoinGroup/SyncGroup/Heartbeat/LeaveGroup),
/// KIP-848 consumer groups (ConsumerGroupHeartbeat with server-side assignment), committed offsets, and group
/// administration. State lives in memory and in <c>__consumer_offsets</c> (<see cref="GroupStore"/>), replayed
/// at start. Every group has its own monitor; a background tick expires sessions, rebalance and join phases,
/// and old offsets. Thread-safe. Speaks Kafka error codes, knows nothing of the wire.
/// </summary>
internal sealed partial class GroupCoordinator : IGroupCoordinator, IAsyncDisposable
{
    private readonly Broker _broker;
    private readonly GroupOptions _options;
    private readonly GroupStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);

    /// <summary>Serialises creating, converting and deleting groups (rare); per-group work takes only the group's monitor.</summary>
    private readonly object _groupsLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _ticker;
    private long _nextRetentionCheck;

    internal GroupCoordinator(Broker broker, GroupOptions options, TimeProvider time)
    {
        _broker = broker;
        _options = options;
        _time = time;
        _store = new GroupStore(broker, options);
    }

    public GroupOptions Options => _options;

    /// <summary>Replays <c>__consumer_offsets</c> and starts the expiry tick. Called once by the broker at open.</summary>
    internal void Start()
    {
        var now = Now();
        long sequence = 0;
        _store.Replay(record => Apply(record, ++sequence, now), (producerId, partition, record) =>
        {
            if (record is GroupRecord.Offset offset)
            {
                AddPendingOffset(producerId, partition, offset);
            }
        });
        foreach (var group in _groups.Values)
        {
            group.NextSequence = sequence + 1;
            if (group is ClassicGroup { GroupProtocolType: null } && group.Offsets.Count == 0)
            {
                _groups.TryRemove(group.Id, out _);
            }
        }
        _nextRetentionCheck = now + _options.OffsetsRetentionCheckIntervalMs;
        _ticker = Task.Run(TickLoopAsync);
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Applies one replayed record. Members of classic groups come back with a fresh session.</summary>
    private void Apply(GroupRecord record, long sequence, long now)
    {
        switch (record)
        {
            case GroupRecord.Offset offset:
                (_groups.GetOrAdd(offset.GroupId, id => new ClassicGroup(id))).ApplyOffset(offset.Partition, offset.Value, sequence);
                break;
            case GroupRecord.Classic { Value: null } classic:
                if (_groups.TryGetValue(classic.GroupId, out var existing) && existing is ClassicGroup tombstoned)
                {
                    tombstoned.GroupProtocolType = null;
                    tombstoned.Members.Clear();
                    tombstoned.StaticMembers.Clear();
                }
                break;
            case GroupRecord.Classic { Value: { } value } classic:
                {
                    var group = _groups.GetOrAdd(classic.GroupId, id => new ClassicGroup(id)) as ClassicGroup ?? ConvertGroup<ClassicGroup>(_groups[classic.GroupId]);
                    group.GroupProtocolType = value.ProtocolType;
                    group.Generation = value.Generation;
                    group.Protocol = value.Protocol;
                    group.LeaderId = value.Leader;
                    group.Members.Clear();
                    group.StaticMembers.Clear();
                    foreach (var m in value.Members)
                    {
                        var member = new ClassicMember(m.MemberId)
                        {
                            GroupInstanceId = m.GroupInstanceId,
                            ClientId = m.ClientId,
                            ClientHost = m.ClientHost,
                            RebalanceTimeoutMs = m.RebalanceTimeoutMs,
                            SessionTimeoutMs = m.SessionTimeoutMs,
                            Protocols = value.Protocol is null ? [] : [new GroupProtocol(value.Protocol, m.Subscription)],
                            Assignment = m.Assignment,
                            SessionDeadline = now + m.SessionTimeoutMs,
                        };
                        group.Members.Add(member);
                        if (m.GroupInstanceId is not null)
                        {
                            group.StaticMembers[m.GroupInstanceId] = m.MemberId;
                        }
                    }
                    group.State = group.Members.Count > 0 ? ClassicGroupState.Stable : ClassicGroupState.Empty;
                    group.StateTimestamp = value.StateTimestamp;
                    group.EmptySince = value.StateTimestamp;
                    break;
                }
            case GroupRecord.Consumer consumer:
                if (consumer.GroupEpoch is { } epoch)
                {
                    var group = _groups.GetOrAdd(consumer.GroupId, id => new ConsumerGroup(id)) as ConsumerGroup ?? ConvertGroup<ConsumerGroup>(_groups[consumer.GroupId]);
                    group.GroupEpoch = epoch;
                    group.AssignmentEpoch = epoch;
                    group.EmptySince = now;
                }
                else if (_groups.TryGetValue(consumer.GroupId, out var existingConsumer) && existingConsumer is ConsumerGroup gone && gone.Offsets.Count == 0)
                {
                    _groups.TryRemove(consumer.GroupId, out _);
                }
                break;
        }
    }

    /// <summary>
    /// Replaces a group by an empty one of the other protocol that keeps its committed offsets (an empty group may
    /// change protocol, as in Kafka); the old object is marked deleted so holders of a stale reference retry.
    /// </summary>
    private T ConvertGroup<T>(Group old)
        where T : Group
    {
        var group = NewGroup<T>(old.Id);
        foreach (var (partition, entry) in old.Offsets)
        {
            group.Offsets[partition] = entry;
        }
        group.NextSequence = old.NextSequence;
        old.Deleted = true;
        _groups[old.Id] = group;
        return group;
    }

    /// <summary>
    /// Finds a group of type <typeparamref name="T"/>, creating it when <paramref name="create"/> is set, or
    /// converting an empty group of the other type (keeping its offsets) — Kafka's online upgrade of an empty
    /// group. Returns null when missing and not created; sets <paramref name="otherType"/> for a non-empty group
    /// of the other protocol. The caller locks the group and must retry if it finds it <see cref="Group.Deleted"/>.
    /// </summary>
    private T? Resolve<T>(string id, bool create, out bool otherType)
        where T : Group
    {
        otherType = false;
        if (_groups.TryGetValue(id, out var found) && found is T typed)
        {
            return typed;
        }
        if (found is null && !create)
        {
            return null;
        }
        lock (_groupsLock)
        {
            _groups.TryGetValue(id, out found);
            if (found is T raced)
            {
                return raced;
            }
            if (found is null)
            {
                return create ? (T)_groups.GetOrAdd(id, NewGroup<T>) : null;
            }
            lock (found)
            {
                var emptyOffsetsOnly = found is ClassicGroup { GroupProtocolType: null } || found.IsEmpty;
                if (!emptyOffsetsOnly || !create)
                {
                    otherType = true;
                    return null;
                }
                return ConvertGroup<T>(found);
            }
        }
    }

    private static T NewGroup<T>(string id)
        where T : Group => typeof(T) == typeof(ConsumerGroup) ? (T)(Group)new ConsumerGroup(id) : (T)(Group)new ClassicGroup(id);

    private async Task TickLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.TickIntervalMs), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var now = Now();
                foreach (var group in _groups.Values)
                {
                    lock (group)
                    {
                        if (group.Deleted)
                        {
                            continue;
                        }
                        switch (group)
                        {
                            case ClassicGroup classic:
                                TickClassic(classic, now);
                                break;
                            case ConsumerGroup consumer:
                                TickConsumer(consumer, now);
                                break;
                        }
                    }
                }
                if (now >= _nextRetentionCheck)
                {
                    _nextRetentionCheck = now + _options.OffsetsRetentionCheckIntervalMs;
                    ExpireOffsets(now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Writes records of one group (under its lock) and returns the durability task; on a storage failure
    /// the commit or change is not applied. Fire-and-forget callers log nothing: the next change rewrites the state.
    /// </summary>
    private ValueTask<ErrorCode> Persist(Group group, IReadOnlyList<(byte[] Key, byte[]? Value)> records) => _store.Write(group.Id, records, Now());

    private ValueTask<ErrorCode> PersistClassic(ClassicGroup group) =>
        Persist(group, [(GroupRecords.ClassicGroupKey(group.Id), GroupRecords.ClassicGroupValue(group.ToPersisted()))]);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_ticker is not null)
        {
            await _ticker.ConfigureAwait(false);
        }
        _stopping.Dispose();
    }
}
