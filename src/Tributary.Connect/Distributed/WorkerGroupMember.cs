using Microsoft.Extensions.Logging;
using Tributary.Client;
using Tributary.Foundation.Threading;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>What the group member needs from the herder, and tells it.</summary>
public interface IWorkerGroupListener
{
    /// <summary>The worker's current assignment (sent as its allocation in cooperative sub-protocols).</summary>
    WorkerAssignment CurrentAssignment { get; }

    /// <summary>How far the worker has read the config topic.</summary>
    long ConfigOffset { get; }

    /// <summary>As the leader: reads the config topic to its end and returns every connector with its task count, and the offset read to.</summary>
    Task<(IReadOnlyDictionary<string, int> Connectors, long ConfigOffset)> ConnectorsForAssignmentAsync(CancellationToken cancellationToken);

    /// <summary>A round ended: stop what was revoked, start what was assigned. Returns once revoked work has stopped.</summary>
    Task OnAssignmentAsync(ConnectAssignment assignment, int generation, bool isLeader, CancellationToken cancellationToken);

    /// <summary>Membership is gone (eager rejoin, or no heartbeat got through for a session timeout): stop everything now.</summary>
    Task OnMembershipLostAsync();

    /// <summary>
    /// The group refused this worker for a reason no retry can change (its own configuration): the member has stopped
    /// and the worker should exit with <paramref name="message"/>, as Kafka's herder exits on an uncaught error.
    /// </summary>
    void OnFatal(string message);
}

/// <summary>
/// A worker's membership of the Connect group (Kafka's <c>WorkerCoordinator</c>): JoinGroup with protocol type
/// <c>connect</c> and the sub-protocols of <c>connect.protocol</c>, the leader's assignment
/// (<see cref="IncrementalCooperativeAssignor"/>), SyncGroup, then heartbeats until a rebalance, a rejoin asked for by
/// the herder (config change), revoked work (rejoin at once) or a scheduled delay ends. No zombies: a worker whose
/// heartbeats have not got through for <c>session.timeout.ms</c>, or that hears it is no longer a member, stops its
/// work before it tries to join again. One loop task owns all state; <see cref="RequestRejoin"/> is thread-safe.
/// </summary>
public sealed class WorkerGroupMember : IAsyncDisposable
{
    private const short JoinGroupKey = 11, HeartbeatKey = 12, SyncGroupKey = 14;

    private readonly KafkaClient _client;
    private readonly DistributedConfig _config;
    private readonly string _url;
    private readonly IWorkerGroupListener _listener;
    private readonly ILogger _logger;
    private readonly IncrementalCooperativeAssignor _assignor;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private KafkaConnection? _coordinator;
    private string _memberId = "";
    private int _generation = -1;
    private volatile bool _rejoinRequested;
    private readonly BackgroundLoop _loop = new();

    public WorkerGroupMember(KafkaClient client, DistributedConfig config, string url, IWorkerGroupListener listener, ILogger logger)
    {
        _client = client;
        _config = config;
        _url = url;
        _listener = listener;
        _logger = logger;
        _assignor = new IncrementalCooperativeAssignor(config.ScheduledRebalanceMaxDelay);
    }

    /// <summary>The leader's REST URL from the last assignment (null before the first one, or after losing the group).</summary>
    public string? LeaderUrl { get; private set; }

    public bool IsLeader { get; private set; }

    public int Generation => _generation;

    public void Start() => _loop.Start(LoopAsync);

    /// <summary>Asks for a new round (a connector was added or removed).</summary>
    public void RequestRejoin()
    {
        _rejoinRequested = true;
        _wake.Release();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var lastHeartbeatOk = Environment.TickCount64;
        var holding = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                _coordinator ??= await FindCoordinatorAsync(cancellationToken).ConfigureAwait(false);
                _rejoinRequested = false;
                var (assignment, isLeader, _) = await JoinAndSyncAsync(_coordinator, cancellationToken).ConfigureAwait(false);
                if (assignment is null)
                {
                    continue;
                }
                LeaderUrl = assignment.LeaderUrl;
                IsLeader = isLeader;
                await _listener.OnAssignmentAsync(assignment, _generation, isLeader, cancellationToken).ConfigureAwait(false);
                holding = true;
                lastHeartbeatOk = Environment.TickCount64;
                long? rejoinAt = assignment.Revoked.Units.Count > 0 ? Environment.TickCount64 : assignment.DelayMs > 0 ? Environment.TickCount64 + assignment.DelayMs : null;
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (_rejoinRequested || (rejoinAt is { } at && Environment.TickCount64 >= at))
                    {
                        break;
                    }
                    await _wake.WaitAsync(_config.HeartbeatInterval, cancellationToken).ConfigureAwait(false);
                    if (_rejoinRequested)
                    {
                        break;
                    }
                    var heartbeat = await _coordinator.SendNegotiatedAsync<HeartbeatResponse>(new HeartbeatRequest { GroupId = _config.GroupId, GenerationId = _generation, MemberId = _memberId }, HeartbeatKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (heartbeat.ErrorCode == 0)
                    {
                        lastHeartbeatOk = Environment.TickCount64;
                        continue;
                    }
                    if (heartbeat.ErrorCode == 27)
                    {
                        break;
                    }
                    // UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED...: this member's work may already run elsewhere.
                    _logger.LogWarning("Worker {Url} is no longer a member of group {Group} (heartbeat error {Error}); stopping its connectors and tasks.", _url, _config.GroupId, heartbeat.ErrorCode);
                    if (heartbeat.ErrorCode == 25)
                    {
                        _memberId = "";
                    }
                    await LoseAsync().ConfigureAwait(false);
                    holding = false;
                    break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (FatalGroupException e)
            {
                _logger.LogError("Connect group {Group}: {Message}", _config.GroupId, e.Message);
                if (holding)
                {
                    await LoseAsync().ConfigureAwait(false);
                }
                _listener.OnFatal(e.Message);
                return;
            }
            catch (Exception e) when (e is KafkaClientException or IOException or FormatException or TimeoutException)
            {
                _logger.LogWarning("Connect group {Group}: {Message}", _config.GroupId, e.Message);
                _coordinator = null;
                if (holding && Environment.TickCount64 - lastHeartbeatOk >= (long)_config.SessionTimeout.TotalMilliseconds)
                {
                    _logger.LogWarning("Worker {Url} could not reach the group coordinator for a session timeout; stopping its connectors and tasks.", _url);
                    await LoseAsync().ConfigureAwait(false);
                    holding = false;
                }
                try
                {
                    await Task.Delay(Math.Min(500, (int)_config.HeartbeatInterval.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task LoseAsync()
    {
        LeaderUrl = null;
        IsLeader = false;
        await _listener.OnMembershipLostAsync().ConfigureAwait(false);
    }

    /// <summary>One JoinGroup/SyncGroup round; null assignment when the round must be retried.</summary>
    private async Task<(ConnectAssignment? Assignment, bool IsLeader, string Protocol)> JoinAndSyncAsync(KafkaConnection coordinator, CancellationToken cancellationToken)
    {
        var offered = ConnectProtocol.Offered(_config.ConnectProtocol);
        if (offered.Count == 1)
        {
            // Eager (default sub-protocol): everything is given up before joining.
            await _listener.OnMembershipLostAsync().ConfigureAwait(false);
        }
        var current = _listener.CurrentAssignment;
        var join = await coordinator.SendNegotiatedAsync<JoinGroupResponse>(new JoinGroupRequest
        {
            GroupId = _config.GroupId,
            SessionTimeoutMs = (int)_config.SessionTimeout.TotalMilliseconds,
            RebalanceTimeoutMs = (int)_config.RebalanceTimeout.TotalMilliseconds,
            MemberId = _memberId,
            ProtocolType = ConnectProtocol.ProtocolType,
            Protocols = [.. offered.Select(p => new JoinGroupRequest.JoinGroupRequestProtocol
            {
                Name = p.Name,
                Metadata = ConnectProtocol.EncodeMetadata(new ConnectMetadata(p.Version, _url, _listener.ConfigOffset, p.Version >= 1 ? current : null)),
            })],
        }, JoinGroupKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        switch (join.ErrorCode)
        {
            case 79:
                _memberId = join.MemberId;
                return (null, false, "");
            case 25:
                _memberId = "";
                return (null, false, "");
            case 27:
                return (null, false, "");
            case 16 or 15 or 14:
                _coordinator = null;
                return (null, false, "");
            case 26:
                // INVALID_SESSION_TIMEOUT: retrying with the same configuration can never succeed.
                throw new FatalGroupException(
                    $"The group coordinator refused JoinGroup for group {_config.GroupId} with INVALID_SESSION_TIMEOUT: session.timeout.ms={(int)_config.SessionTimeout.TotalMilliseconds} is outside "
                    + "the broker's group.min.session.timeout.ms..group.max.session.timeout.ms range. Set session.timeout.ms in the worker configuration within that range.");
            case not 0:
                throw new KafkaClientException(join.ErrorCode, $"JoinGroup {_config.GroupId}: error {join.ErrorCode}.");
        }
        _memberId = join.MemberId;
        _generation = join.GenerationId;
        var protocol = join.ProtocolName ?? offered[^1].Name;
        var version = ConnectProtocol.VersionOf(protocol);
        List<SyncGroupRequest.SyncGroupRequestAssignment> assignments = [];
        var isLeader = join.Leader == join.MemberId;
        if (isLeader && !join.SkipAssignment)
        {
            var members = join.Members.ToDictionary(m => m.MemberId, m => ConnectProtocol.DecodeMetadata(m.Metadata.Span), StringComparer.Ordinal);
            var (connectors, configOffset) = await _listener.ConnectorsForAssignmentAsync(cancellationToken).ConfigureAwait(false);
            var leaderUrl = members[_memberId].Url;
            var mismatch = members.Values.Any(m => m.ConfigOffset > configOffset);
            var plan = _assignor.Assign(members, connectors, Environment.TickCount64, eager: version == 0);
            assignments = [.. plan.Select(p => new SyncGroupRequest.SyncGroupRequestAssignment
            {
                MemberId = p.Key,
                Assignment = ConnectProtocol.EncodeAssignment(new ConnectAssignment(version, mismatch ? ConnectAssignment.ConfigMismatch : (short)0, _memberId, leaderUrl, configOffset,
                    mismatch ? WorkerAssignment.Empty : p.Value.Assigned, mismatch ? WorkerAssignment.Empty : p.Value.Revoked, p.Value.DelayMs)),
            })];
        }
        var sync = await coordinator.SendNegotiatedAsync<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = _config.GroupId,
            GenerationId = _generation,
            MemberId = _memberId,
            ProtocolType = ConnectProtocol.ProtocolType,
            ProtocolName = protocol,
            Assignments = assignments,
        }, SyncGroupKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (sync.ErrorCode is 27 or 22)
        {
            return (null, false, "");
        }
        if (sync.ErrorCode == 25)
        {
            _memberId = "";
            return (null, false, "");
        }
        if (sync.ErrorCode != 0)
        {
            throw new KafkaClientException(sync.ErrorCode, $"SyncGroup {_config.GroupId}: error {sync.ErrorCode}.");
        }
        var assignment = ConnectProtocol.DecodeAssignment(sync.Assignment.Span);
        if (assignment.Error == ConnectAssignment.ConfigMismatch)
        {
            // The leader had not read as far as this worker: read on and go again (Kafka does the same).
            await _listener.ConnectorsForAssignmentAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            return (null, false, "");
        }
        return (assignment, isLeader, protocol);
    }

    private Task<KafkaConnection> FindCoordinatorAsync(CancellationToken cancellationToken) =>
        GroupCoordination.FindCoordinatorAsync(_client, _config.GroupId, cancellationToken);

    /// <summary>Stops the loop, stops this worker's work, then leaves the group so the others take over at once (never before it stopped).</summary>
    public async ValueTask DisposeAsync()
    {
        await _loop.StopAsync().ConfigureAwait(false);
        await _listener.OnMembershipLostAsync().ConfigureAwait(false);
        await GroupCoordination.LeaveAsync(_coordinator, _config.GroupId, _memberId).ConfigureAwait(false);
        _loop.Dispose();
    }
}

/// <summary>A group error that no retry can change: the worker's member stops and the worker exits.</summary>
public sealed class FatalGroupException(string message) : Exception(message);
