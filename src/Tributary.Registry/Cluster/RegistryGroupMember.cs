using Microsoft.Extensions.Logging;
using Tributary.Client;
using Tributary.Foundation.Threading;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Registry.Cluster;

/// <summary>
/// One registry instance's membership of the registry group on the Kafka cluster (Confluent's
/// <c>SchemaRegistryCoordinator</c>): JoinGroup with protocol type <c>sr</c>, sub-protocol <c>v0</c> and the instance's
/// <see cref="RegistryIdentity"/> as metadata; the group leader elects the registry leader
/// (<see cref="RegistryAssignment.Elect"/>) and hands every member the same assignment in SyncGroup; then heartbeats
/// until a rebalance. <see cref="Leader"/> is null while no round has completed (a rebalance in progress, the
/// coordinator unreachable for a session timeout, or no eligible member). A member that dies stops heartbeating: after
/// <c>session.timeout.ms</c> the coordinator rebalances and the others elect a new leader. One loop task owns the state.
/// </summary>
public sealed class RegistryGroupMember : IAsyncDisposable
{
    public const string ProtocolType = "sr";
    public const string ProtocolName = "v0";
    private const short JoinGroupKey = 11, HeartbeatKey = 12, SyncGroupKey = 14;

    private readonly KafkaClient _client;
    private readonly string _groupId;
    private readonly RegistryIdentity _identity;
    private readonly TimeSpan _sessionTimeout;
    private readonly ILogger _logger;
    private KafkaConnection? _coordinator;
    private string _memberId = "";
    private int _generation = -1;
    private volatile RegistryAssignment? _assignment;
    private readonly BackgroundLoop _loop = new();

    public RegistryGroupMember(KafkaClient client, string groupId, RegistryIdentity identity, TimeSpan sessionTimeout, ILogger logger)
    {
        _client = client;
        _groupId = groupId;
        _identity = identity;
        _sessionTimeout = sessionTimeout;
        _logger = logger;
    }

    public RegistryIdentity Identity => _identity;

    /// <summary>The elected leader of the latest completed round, or null (none known now).</summary>
    public RegistryIdentity? Leader => _assignment?.Leader;

    public bool IsLeader => _assignment is { Leader: { } leader } && leader.Url == _identity.Url;

    public void Start() => _loop.Start(LoopAsync);

    /// <summary>Waits up to <paramref name="timeout"/> for a round to name a leader; null if none did.</summary>
    public async Task<RegistryIdentity?> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Leader is null && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return Leader;
    }

    private TimeSpan HeartbeatInterval => _sessionTimeout / 3;

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var lastHeartbeatOk = Environment.TickCount64;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                _coordinator ??= await FindCoordinatorAsync(cancellationToken).ConfigureAwait(false);
                var assignment = await JoinAndSyncAsync(_coordinator, cancellationToken).ConfigureAwait(false);
                if (assignment is null)
                {
                    continue;
                }
                if (assignment.Error == RegistryAssignment.DuplicateUrls)
                {
                    _logger.LogError("Schema registry group {Group}: two instances advertise the same URL; set host.name and listeners so each is distinct. Retrying.", _groupId);
                    _assignment = null;
                    await Task.Delay(HeartbeatInterval, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (_assignment?.Leader?.Url != assignment.Leader?.Url)
                {
                    _logger.LogInformation("Schema registry group {Group}, generation {Generation}: leader {Leader}{Self}.", _groupId, _generation, assignment.Leader?.Url ?? "(none eligible)", assignment.Leader?.Url == _identity.Url ? " (this instance)" : "");
                }
                _assignment = assignment;
                lastHeartbeatOk = Environment.TickCount64;
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(HeartbeatInterval, cancellationToken).ConfigureAwait(false);
                    var heartbeat = await _coordinator.SendNegotiatedAsync<HeartbeatResponse>(new HeartbeatRequest { GroupId = _groupId, GenerationId = _generation, MemberId = _memberId }, HeartbeatKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (heartbeat.ErrorCode == 0)
                    {
                        lastHeartbeatOk = Environment.TickCount64;
                        continue;
                    }
                    // REBALANCE_IN_PROGRESS: join again, keeping the current leader meanwhile (as Confluent's does);
                    // UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION: this member was dropped, so it knows no leader until it rejoins.
                    if (heartbeat.ErrorCode != 27)
                    {
                        _assignment = null;
                        if (heartbeat.ErrorCode == 25)
                        {
                            _memberId = "";
                        }
                    }
                    break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KafkaClientException or IOException or FormatException or TimeoutException or System.Text.Json.JsonException or InvalidOperationException)
            {
                _logger.LogWarning("Schema registry group {Group}: {Message}", _groupId, e.Message);
                _coordinator = null;
                if (Environment.TickCount64 - lastHeartbeatOk >= (long)_sessionTimeout.TotalMilliseconds)
                {
                    // The coordinator has dropped this member by now: another instance may lead.
                    _assignment = null;
                }
                try
                {
                    await Task.Delay(Math.Min(500, (int)HeartbeatInterval.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One JoinGroup/SyncGroup round; null when the round must be retried.</summary>
    private async Task<RegistryAssignment?> JoinAndSyncAsync(KafkaConnection coordinator, CancellationToken cancellationToken)
    {
        var join = await coordinator.SendNegotiatedAsync<JoinGroupResponse>(new JoinGroupRequest
        {
            GroupId = _groupId,
            SessionTimeoutMs = (int)_sessionTimeout.TotalMilliseconds,
            RebalanceTimeoutMs = (int)_sessionTimeout.TotalMilliseconds,
            MemberId = _memberId,
            ProtocolType = ProtocolType,
            Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = ProtocolName, Metadata = _identity.Encode() }],
        }, JoinGroupKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        switch (join.ErrorCode)
        {
            case 79:
                _memberId = join.MemberId;
                return null;
            case 25:
                _memberId = "";
                return null;
            case 27:
                return null;
            case 16 or 15 or 14:
                _coordinator = null;
                return null;
            case 26:
                throw new KafkaClientException(26, $"JoinGroup {_groupId}: INVALID_SESSION_TIMEOUT: session.timeout.ms={(int)_sessionTimeout.TotalMilliseconds} is outside the broker's group.min.session.timeout.ms..group.max.session.timeout.ms range (Kafka's defaults: 6000..1800000).");
            case not 0:
                throw new KafkaClientException(join.ErrorCode, $"JoinGroup {_groupId}: error {join.ErrorCode}.");
        }
        _memberId = join.MemberId;
        _generation = join.GenerationId;
        List<SyncGroupRequest.SyncGroupRequestAssignment> assignments = [];
        if (join.Leader == join.MemberId && !join.SkipAssignment)
        {
            var members = join.Members.ToDictionary(m => m.MemberId, m => RegistryIdentity.Decode(m.Metadata.Span), StringComparer.Ordinal);
            var elected = RegistryAssignment.Elect(members).Encode();
            assignments = [.. members.Keys.Select(id => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = id, Assignment = elected })];
        }
        var sync = await coordinator.SendNegotiatedAsync<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = _groupId,
            GenerationId = _generation,
            MemberId = _memberId,
            ProtocolType = ProtocolType,
            ProtocolName = ProtocolName,
            Assignments = assignments,
        }, SyncGroupKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        switch (sync.ErrorCode)
        {
            case 27 or 22:
                return null;
            case 25:
                _memberId = "";
                return null;
            case not 0:
                throw new KafkaClientException(sync.ErrorCode, $"SyncGroup {_groupId}: error {sync.ErrorCode}.");
        }
        return RegistryAssignment.Decode(sync.Assignment.Span);
    }

    private Task<KafkaConnection> FindCoordinatorAsync(CancellationToken cancellationToken) =>
        GroupCoordination.FindCoordinatorAsync(_client, _groupId, cancellationToken);

    /// <summary>Stops the loop and leaves the group, so the others elect a new leader at once rather than after a session timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        await _loop.StopAsync().ConfigureAwait(false);
        _assignment = null;
        await GroupCoordination.LeaveAsync(_coordinator, _groupId, _memberId).ConfigureAwait(false);
        _loop.Dispose();
    }
}
