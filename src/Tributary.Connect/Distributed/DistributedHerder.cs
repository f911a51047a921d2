using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Herder;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Runtime.Rest;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// The herder of a distributed worker (Kafka's <c>DistributedHerder</c>). Kafka is the distributed engine: the
/// workers of one <c>group.id</c> share the config topic (connector configurations, target states, task
/// configurations, restart requests), the offsets topic (source offsets) and the status topic (who runs what, in
/// which state), and the group's leader places connector instances and tasks on workers, each on its own
/// (<see cref="WorkerGroupMember"/>), so one connector's tasks spread over the group. This worker runs what it was
/// assigned on an inner <see cref="StandaloneHerder"/> (the same task loops as standalone mode): an instance
/// without its tasks, and tasks from the task configurations committed to the config topic. It publishes the
/// states of what it runs to the status topic and, for the instances it runs, the task configurations they generate
/// to the config topic (<c>task-&lt;name&gt;-&lt;n&gt;</c> then <c>commit-&lt;name&gt;</c>, as Kafka's leader does), which
/// every worker applies to the tasks it runs and which makes the group place a changed task set. REST reads are
/// answered from the topics; writes go to the leader, offsets to the instance's worker, a task restart to the task's
/// worker (<see cref="ForwardTarget"/>); pause and resume, and active topics (read from the status topic, reset with
/// tombstones in it), are served by whichever worker gets them.
/// Thread-safety: assignment and config changes are applied one at a time under one lock; reads are lock-free
/// snapshots of the stores.
/// </summary>
public sealed class DistributedHerder : IHerder, IWorkerGroupListener, IAsyncDisposable
{
    private static readonly TimeSpan StatusPublishInterval = TimeSpan.FromMilliseconds(250);

    private readonly WorkerConfig _worker;
    private readonly DistributedConfig _config;
    private readonly KafkaClient _client;
    private readonly StandaloneHerder _inner;
    private readonly KafkaConfigStore _configStore;
    private readonly ConfigLog _configLog;
    private readonly TopicTail _configTail;
    private readonly KafkaOffsetStore _offsets;
    private readonly KafkaStatusStore _status;
    private readonly WorkerGroupMember _member;
    private readonly ILogger _logger;
    private readonly string _workerId;
    private readonly SemaphoreSlim _apply = new(1, 1);
    private readonly Channel<ConfigChange> _changes = Channel.CreateUnbounded<ConfigChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, StateInfo> _published = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The units this worker runs: (connector, task id), the connector instance as task -1.</summary>
    private volatile HashSet<(string Connector, int Task)> _owned = [];
    private volatile TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _changeLoop;
    private Task? _statusLoop;

    /// <param name="workerId">host:port of this worker's REST listener as the others reach it (worker_id in statuses).</param>
    public DistributedHerder(WorkerConfig worker, DistributedConfig config, PluginRegistry plugins, KafkaClient client, string workerId, ILoggerFactory loggers)
    {
        _worker = worker;
        _config = config;
        _client = client;
        _workerId = workerId;
        _logger = loggers.CreateLogger("Tributary.Connect.Distributed");
        // Exactly-once source support (KIP-618): the offsets topic is read read_committed and every source task writes
        // its records and offsets in transactions of its own transactional id.
        _offsets = new KafkaOffsetStore(client, config.OffsetTopic, readCommitted: config.ExactlyOnceSourceEnabled);
        _status = new KafkaStatusStore(client, config.StatusTopic);
        // Active topics (KIP-558) go to the status topic, so every worker answers the same and they outlive restarts.
        _inner = new StandaloneHerder(worker, plugins, client, _offsets, workerId, loggers, sourceTransactions: config.ExactlyOnceSourceEnabled ? NewSourceTransactions : null, activeTopics: _status);
        _configStore = new KafkaConfigStore(client, config.ConfigTopic);
        _configLog = new ConfigLog(change => _changes.Writer.TryWrite(change));
        _configTail = new TopicTail(client, config.ConfigTopic, _configLog.Apply);
        _member = new WorkerGroupMember(client, config, "http://" + workerId + "/", this, _logger);
    }

    public WorkerConfig WorkerConfig => _worker;

    /// <summary>A source task's transactional producer (id <c>&lt;group.id&gt;-&lt;connector&gt;-&lt;task&gt;</c>), offset writer and boundary.</summary>
    private SourceTransactions NewSourceTransactions(string connector, int taskId, IReadOnlyDictionary<string, string> config)
    {
        var boundary = SourceTransactions.ParseBoundary(config.GetValueOrDefault(ConnectorConfig.TransactionBoundary));
        var interval = config.TryGetValue(ConnectorConfig.TransactionBoundaryIntervalMs, out var text) && long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : _worker.OffsetFlushInterval;
        // Kafka's producer default transaction.timeout.ms (60 s): a dead worker's open transaction is aborted by then.
        var producer = new TransactionalProducer(_client, SourceTransactions.TransactionalId(_config.GroupId, connector, taskId), TimeSpan.FromMinutes(1));
        return new SourceTransactions(producer, new TransactionalOffsetWriter(_offsets, producer), boundary, interval);
    }

    public PluginRegistry Plugins => _inner.Plugins;


    /// <summary>The inner herder, for the admin port's metrics of what this worker runs.</summary>
    public StandaloneHerder LocalHerder => _inner;

    /// <summary>
    /// Creates the three internal topics when missing (compacted; config one partition), refuses topics that are not
    /// compacted, reads them to their end and joins the group. <paramref name="importOffsets"/>: source offsets kept
    /// elsewhere before (serve's embedded worker was standalone, with an offsets file), copied into the offsets topic
    /// where it has none for a partition, before any task can start.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default, OffsetStoreBase? importOffsets = null)
    {
        await InternalTopics.EnsureAsync(_client, _config.ConfigTopic, 1, DistributedConfig.ConfigStorageTopic, cancellationToken).ConfigureAwait(false);
        await InternalTopics.EnsureAsync(_client, _config.OffsetTopic, _config.OffsetPartitions, DistributedConfig.OffsetStorageTopic, cancellationToken).ConfigureAwait(false);
        await InternalTopics.EnsureAsync(_client, _config.StatusTopic, _config.StatusPartitions, DistributedConfig.StatusStorageTopic, cancellationToken).ConfigureAwait(false);
        await _configTail.StartAsync(cancellationToken).ConfigureAwait(false);
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await _offsets.StartAsync(cancellationToken).ConfigureAwait(false);
        await _status.StartAsync(cancellationToken).ConfigureAwait(false);
        if (importOffsets is not null)
        {
            var copied = await _offsets.ImportAsync(importOffsets, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Imported {Count} source offsets into {Topic}", copied, _config.OffsetTopic);
        }
        _changeLoop = Task.Run(() => ChangeLoopAsync(_stopping.Token));
        _statusLoop = Task.Run(() => StatusLoopAsync(_stopping.Token));
        _member.Start();
    }

    // ---- IWorkerGroupListener ----

    public WorkerAssignment CurrentAssignment => WorkerAssignment.From(_owned);

    public long ConfigOffset => _configTail.Position;

    public async Task<(IReadOnlyDictionary<string, int> Connectors, long ConfigOffset)> ConnectorsForAssignmentAsync(CancellationToken cancellationToken)
    {
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return (_configLog.TaskCounts(), _configTail.Position);
    }

    public async Task OnAssignmentAsync(ConnectAssignment assignment, int generation, bool isLeader, CancellationToken cancellationToken)
    {
        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var assigned = assignment.Assigned.Pairs.ToHashSet();
            // What was taken away stops first (its successor starts it only after this member rejoined), then what is new starts.
            foreach (var name in _owned.Where(u => !assigned.Contains(u)).Select(u => u.Connector).Distinct().Order(StringComparer.Ordinal).ToList())
            {
                await RunLocalAsync(name, [.. _owned.Where(u => u.Connector == name && assigned.Contains(u))], generation).ConfigureAwait(false);
            }
            await _offsets.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            foreach (var name in assigned.Where(u => !_owned.Contains(u)).Select(u => u.Connector).Distinct().Order(StringComparer.Ordinal).ToList())
            {
                await RunLocalAsync(name, [.. assigned.Where(u => u.Connector == name)], generation).ConfigureAwait(false);
            }
            _logger.LogInformation("Worker {Worker} generation {Generation}{Leader}: runs [{Connectors}]; revoked [{Revoked}]; delay {Delay} ms",
                _workerId, generation, isLeader ? " (leader)" : "", Describe(_owned), Describe(assignment.Revoked.Pairs), assignment.DelayMs);
            _assigned.TrySetResult();
        }
        finally
        {
            _apply.Release();
        }
    }

    /// <summary>Completes with a message when the worker must exit (see <see cref="IWorkerGroupListener.OnFatal"/>); never otherwise.</summary>
    public Task<string> Fatal => _fatal.Task;

    public void OnFatal(string message) => _fatal.TrySetResult(message);

    public async Task OnMembershipLostAsync()
    {
        await _apply.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_assigned.Task.IsCompleted)
            {
                _assigned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            foreach (var name in _owned.Select(u => u.Connector).Distinct().ToList())
            {
                await RunLocalAsync(name, [], _member.Generation).ConfigureAwait(false);
            }
        }
        finally
        {
            _apply.Release();
        }
    }

    /// <summary>
    /// Makes this worker run exactly <paramref name="units"/> of connector <paramref name="name"/> (caller holds the
    /// apply lock): the instance (task -1) and tasks from the committed task configurations. Start and stop events
    /// of instances and tasks are logged for the tests and operators; an instance that cannot start is FAILED in the
    /// status topic.
    /// </summary>
    private async Task RunLocalAsync(string name, IReadOnlyCollection<(string Connector, int Task)> units, int generation)
    {
        var before = _owned.Where(u => u.Connector == name).ToHashSet();
        var config = _configLog.Config(name);
        var after = config is null ? [] : units.ToHashSet();
        // What goes stops being this worker's before it stops; what comes becomes this worker's only once the inner
        // herder has it, so a request routed here by it (offsets, topics) never finds the connector missing: a GET of a
        // connector's topics right after a rebalance answered 404 in that window.
        _owned = [.. _owned.Where(u => u.Connector != name), .. before.Intersect(after)];
        var started = after.Except(before).ToList();
        try
        {
            await _inner.RunAssignedAsync(name, config ?? [], _configLog.Target(name), after.Contains((name, -1)), _configLog.TaskConfigs(name), [.. after.Where(u => u.Task >= 0).Select(u => u.Task)]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectRestException or ConnectException)
        {
            _logger.LogError(e, "Connector {Connector} could not be started on {Worker}", name, _workerId);
            started.Clear();
            if (after.Contains((name, -1)))
            {
                await _status.PutAsync(KafkaStatusStore.ConnectorKey(name), new StateInfo(ConnectState.FAILED, e.ToString(), _workerId), generation).ConfigureAwait(false);
            }
        }
        _owned = [.. _owned.Where(u => u.Connector != name), .. after];
        var at = DateTimeOffset.UtcNow;
        foreach (var unit in before.Except(after))
        {
            _logger.LogInformation("{Kind}-STOPPED {Unit} on {Worker} generation {Generation} at {Time:O}", unit.Task < 0 ? "CONNECTOR" : "TASK", UnitName(unit), _workerId, generation, at);
            lock (_published)
            {
                _published.Remove(StatusKey(unit));
            }
        }
        foreach (var unit in started)
        {
            _logger.LogInformation("{Kind}-STARTED {Unit} on {Worker} generation {Generation} at {Time:O}", unit.Task < 0 ? "CONNECTOR" : "TASK", UnitName(unit), _workerId, generation, at);
        }
    }

    private static string UnitName((string Connector, int Task) unit) => unit.Task < 0 ? unit.Connector : $"{unit.Connector}-{unit.Task}";

    private static string StatusKey((string Connector, int Task) unit) =>
        unit.Task < 0 ? KafkaStatusStore.ConnectorKey(unit.Connector) : KafkaStatusStore.TaskKey(unit.Connector, unit.Task);

    private static string Describe(IEnumerable<(string Connector, int Task)> units) =>
        string.Join(",", units.OrderBy(u => u.Connector, StringComparer.Ordinal).ThenBy(u => u.Task).Select(UnitName));

    private bool RunsAny(string name) => _owned.Any(u => u.Connector == name);

    /// <summary>The connector's instance is this worker's and the inner herder has it (not when its start failed here).</summary>
    private bool RunsInstance(string name) => _owned.Contains((name, -1)) && _inner.ConnectorNames().Contains(name, StringComparer.Ordinal);

    /// <summary>Acts on what the config topic says, one change at a time.</summary>
    private async Task ChangeLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await ApplyAsync(change).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ConnectRestException or ConnectException or KafkaClientException)
                {
                    _logger.LogWarning(e, "Applying {Change} on {Worker}", change, _workerId);
                }
                finally
                {
                    _apply.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ApplyAsync(ConfigChange change)
    {
        var name = change.Connector;
        var local = RunsAny(name);
        switch (change)
        {
            case ConfigChange.ConnectorConfig { Removed: true }:
                if (local)
                {
                    await RunLocalAsync(name, [], _member.Generation).ConfigureAwait(false);
                    // Once its tasks here have stopped, a topic one of them recorded after the deleting worker's reset is forgotten too (Kafka resets on deletion on every worker).
                    await _status.ResetAsync(name).ConfigureAwait(false);
                }
                _member.RequestRejoin();
                break;
            case ConfigChange.ConnectorConfig:
                if (local)
                {
                    // A changed configuration restarts what runs here of the connector (the inner herder compares).
                    await RunLocalAsync(name, [.. _owned.Where(u => u.Connector == name)], _member.Generation).ConfigureAwait(false);
                }
                else
                {
                    _member.RequestRejoin();
                }
                break;
            case ConfigChange.TasksCommitted committed:
                if (local)
                {
                    // Tasks whose configuration changed restart with it; ids that exist only now start if assigned here.
                    await RunLocalAsync(name, [.. _owned.Where(u => u.Connector == name)], _member.Generation).ConfigureAwait(false);
                }
                if (committed.CountChanged)
                {
                    // The set of tasks changed: the group places them (Kafka's leader rebalances on a task config update too).
                    _member.RequestRejoin();
                }
                break;
            case ConfigChange.TargetStateChanged when local:
                await _inner.SetTargetStateAsync(name, _configLog.Target(name)).ConfigureAwait(false);
                break;
            case ConfigChange.RestartRequested restart when local:
                // Each worker restarts what of the connector runs on it (its instance and tasks, as selected).
                await _inner.RestartAsync(name, restart.IncludeTasks, restart.OnlyFailed).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Publishes the states of what runs here, and the task configurations its connectors generate.</summary>
    private async Task StatusLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(StatusPublishInterval, cancellationToken).ConfigureAwait(false);
                var owned = _owned;
                foreach (var name in owned.Select(u => u.Connector).Distinct())
                {
                    ConnectorStatus status;
                    IReadOnlyList<IReadOnlyDictionary<string, string>>? generated;
                    try
                    {
                        status = _inner.Status(name);
                        generated = _inner.GeneratedTaskConfigs(name);
                    }
                    catch (NotFoundException)
                    {
                        continue;
                    }
                    var generation = _member.Generation;
                    var instanceHere = owned.Contains((name, -1));
                    if (instanceHere)
                    {
                        await PublishAsync(KafkaStatusStore.ConnectorKey(name), status.Connector, generation, cancellationToken).ConfigureAwait(false);
                    }
                    foreach (var (id, state) in status.Tasks.Where(t => owned.Contains((name, t.Id))))
                    {
                        await PublishAsync(KafkaStatusStore.TaskKey(name, id), state, generation, cancellationToken).ConfigureAwait(false);
                    }
                    var written = _configLog.TaskConfigs(name);
                    if (instanceHere && generated is not null && _owned.Contains((name, -1))
                        && (written.Count != generated.Count || generated.Where((t, i) => !ConnectorConfig.Same(t, written[i])).Any()))
                    {
                        await _configStore.PutTaskConfigsAsync(name, generated, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KafkaClientException e)
            {
                _logger.LogWarning("Publishing statuses: {Message}", e.Message);
            }
        }
    }

    private async Task PublishAsync(string key, StateInfo state, int generation, CancellationToken cancellationToken)
    {
        lock (_published)
        {
            if (_published.TryGetValue(key, out var previous) && previous == state)
            {
                return;
            }
        }
        await _status.PutAsync(key, state, generation, cancellationToken).ConfigureAwait(false);
        lock (_published)
        {
            _published[key] = state;
        }
    }

    // ---- IHerder: reads ----

    public ConfigInfos Validate(IReadOnlyDictionary<string, string> config) => _inner.Validate(config);

    public IReadOnlyList<string> ConnectorNames() => _configLog.ConnectorNames();

    public ConnectorInfo Info(string name)
    {
        var config = Config(name);
        return new ConnectorInfo(name, config, [.. Enumerable.Range(0, _configLog.TaskConfigs(name).Count)], TypeOf(config));
    }

    public IReadOnlyDictionary<string, string> Config(string name) =>
        _configLog.Config(name) ?? throw new NotFoundException($"Connector {name} not found");

    public IReadOnlyList<(int Id, IReadOnlyDictionary<string, string> Config)> TaskConfigs(string name)
    {
        _ = Config(name);
        return [.. _configLog.TaskConfigs(name).Select((c, i) => (i, c))];
    }

    /// <summary>Each unit's state from the worker that runs it: this worker's own at once, the others' from the status topic.</summary>
    public ConnectorStatus Status(string name)
    {
        var config = Config(name);
        var owned = _owned;
        StateInfo? connector = null;
        var local = new Dictionary<int, StateInfo>();
        if (owned.Any(u => u.Connector == name))
        {
            try
            {
                var here = _inner.Status(name);
                connector = owned.Contains((name, -1)) ? here.Connector : null;
                foreach (var (id, state) in here.Tasks.Where(t => owned.Contains((name, t.Id))))
                {
                    local[id] = state;
                }
            }
            catch (NotFoundException)
            {
                // Failed to start here: the status topic has the reason.
            }
        }
        connector ??= _status.Get(KafkaStatusStore.ConnectorKey(name)) ?? new StateInfo(ConnectState.UNASSIGNED, null, "");
        var tasks = Enumerable.Range(0, _configLog.TaskConfigs(name).Count)
            .Select(i => (i, local.GetValueOrDefault(i) ?? _status.Get(KafkaStatusStore.TaskKey(name, i))))
            .Where(t => t.Item2 is not null)
            .Select(t => (t.i, t.Item2!))
            .ToList();
        return new ConnectorStatus(name, connector, tasks, TypeOf(config));
    }

    public StateInfo TaskStatus(string name, int task) =>
        Status(name).Tasks.Where(t => t.Id == task).Select(t => t.State).FirstOrDefault() ?? throw new NotFoundException($"Status for task {name}-{task} not found");

    private string TypeOf(IReadOnlyDictionary<string, string> config) =>
        config.TryGetValue(ConnectorConfig.ConnectorClass, out var cls) && _inner.Plugins.FindConnector(cls) is { } plugin
            ? plugin.Kind == PluginType.Source ? "source" : "sink"
            : "unknown";

    // ---- IHerder: writes (this worker is the leader, or the connector's worker) ----

    public async Task<(ConnectorInfo Info, bool Created)> PutConnectorConfigAsync(string name, IReadOnlyDictionary<string, string> config, bool allowReplace, TargetState initialState = TargetState.STARTED, CancellationToken cancellationToken = default)
    {
        var withName = new Dictionary<string, string>(config, StringComparer.Ordinal) { [ConnectorConfig.Name] = name };
        var validation = Validate(withName);
        if (validation.ErrorCount > 0)
        {
            throw StandaloneHerder.InvalidConfig(validation);
        }
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var created = _configLog.Config(name) is null;
        if (!created && !allowReplace)
        {
            throw new AlreadyExistsException($"Connector {name} already exists");
        }
        if (created)
        {
            // The target state first: a worker that picks the connector up never sees it without one.
            await _configStore.PutTargetStateAsync(name, initialState, cancellationToken).ConfigureAwait(false);
        }
        await _configStore.PutConnectorAsync(name, withName, cancellationToken).ConfigureAwait(false);
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return (Info(name), created);
    }

    public async Task DeleteConnectorAsync(string name, CancellationToken cancellationToken = default)
    {
        var tasks = TaskConfigs(name).Count;
        await _configStore.DeleteConnectorAsync(name, cancellationToken).ConfigureAwait(false);
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await _status.PutAsync(KafkaStatusStore.ConnectorKey(name), null, _member.Generation, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < tasks; i++)
        {
            await _status.PutAsync(KafkaStatusStore.TaskKey(name, i), null, _member.Generation, cancellationToken).ConfigureAwait(false);
        }
        await _status.ResetAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public async Task SetTargetStateAsync(string name, TargetState target, CancellationToken cancellationToken = default)
    {
        _ = Config(name);
        await _configStore.PutTargetStateAsync(name, target, cancellationToken).ConfigureAwait(false);
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        // On the connector's own worker the new state holds before the answer (the change loop applying the same record
        // again changes nothing), so a stop followed by an offsets request here sees the connector stopped, as Kafka's
        // herder, which checks the config snapshot it has just read, does.
        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (RunsAny(name) && _configLog.Target(name) == target)
            {
                await _inner.SetTargetStateAsync(name, target, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _apply.Release();
        }
    }

    public async Task<ConnectorStatus> RestartAsync(string name, bool includeTasks, bool onlyFailed, CancellationToken cancellationToken = default)
    {
        var status = Status(name);
        var restartConnector = !onlyFailed || status.Connector.State == ConnectState.FAILED;
        var plan = status with
        {
            Connector = restartConnector ? status.Connector with { State = ConnectState.RESTARTING, Trace = null } : status.Connector,
            Tasks = [.. status.Tasks.Select(t => includeTasks && (!onlyFailed || t.State.State == ConnectState.FAILED) ? (t.Id, t.State with { State = ConnectState.RESTARTING, Trace = null }) : t)],
        };
        await _configStore.RequestRestartAsync(name, includeTasks, onlyFailed, cancellationToken).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Restarts a task this worker runs (the request was routed to the task's worker).</summary>
    public async Task RestartTaskAsync(string name, int task, CancellationToken cancellationToken = default)
    {
        _ = Config(name);
        if (_owned.Contains((name, task)))
        {
            _logger.LogInformation("TASK-RESTART {Connector}-{Task} on {Worker}, as asked", name, task, _workerId);
            await _inner.RestartTaskAsync(name, task, cancellationToken).ConfigureAwait(false);
            return;
        }
        throw task < 0 || task >= _configLog.TaskConfigs(name).Count
            ? (Exception)new NotFoundException($"Task {name}-{task} not found")
            : new ConnectRestException(409, $"Cannot complete request momentarily: task {name}-{task} is not running on any worker yet, likely because a rebalance is underway.");
    }

    public Task<IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)>> OffsetsAsync(string name, CancellationToken cancellationToken = default) =>
        Local(name).OffsetsAsync(name, cancellationToken);

    public Task<string> ModifyOffsetsAsync(string name, IReadOnlyList<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)>? offsets, CancellationToken cancellationToken = default) =>
        Local(name).ModifyOffsetsAsync(name, offsets, cancellationToken);

    /// <summary>The topics any task of the connector has used, on any worker, as the status topic holds them.</summary>
    public IReadOnlyList<string> ActiveTopics(string name)
    {
        _ = Config(name);
        return _status.Topics(name);
    }

    /// <summary>Tombstones for the connector's active topics, written by the worker asked (as Kafka's herder does; nothing is forwarded).</summary>
    public async Task ResetActiveTopicsAsync(string name, CancellationToken cancellationToken = default)
    {
        await _configTail.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        _ = Config(name);
        await _status.ResetAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The inner herder for a connector whose instance this worker runs (the request was routed here because it does).</summary>
    private StandaloneHerder Local(string name)
    {
        _ = Config(name);
        return RunsInstance(name) ? _inner : throw new ConnectRestException(409, $"Cannot complete request momentarily: connector {name} is not running on any worker yet, likely because a rebalance is underway.");
    }

    public Task ReadyAsync(CancellationToken cancellationToken) => _assigned.Task.WaitAsync(cancellationToken);

    public string? ForwardTarget(RestRequest request)
    {
        var s = request.Segments;
        if (s.Count == 0 || s[0] != "connectors" || request.Method is "GET" or "HEAD" && !(s.Count >= 3 && s[2] == "offsets") || (s.Count >= 3 && s[2] == "topics"))
        {
            return null;
        }
        if (s.Count == 5 && s[2] == "tasks" && s[4] == "restart")
        {
            // The task's own worker restarts it; an unknown connector or task is answered here (404).
            var name = s[1];
            if (!int.TryParse(s[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var task) || _configLog.Config(name) is null
                || task >= _configLog.TaskConfigs(name).Count || _owned.Contains((name, task)))
            {
                return null;
            }
            var taskWorker = _status.Get(KafkaStatusStore.TaskKey(name, task))?.WorkerId;
            return taskWorker is { Length: > 0 } && taskWorker != _workerId ? "http://" + taskWorker : null;
        }
        var connectorScoped = s.Count >= 3 && s[2] == "offsets";
        if (connectorScoped)
        {
            var name = s[1];
            if (_configLog.Config(name) is null || _owned.Contains((name, -1)))
            {
                return null;
            }
            var worker = _status.Get(KafkaStatusStore.ConnectorKey(name))?.WorkerId;
            return worker is { Length: > 0 } && worker != _workerId
                ? "http://" + worker
                : throw new ConnectRestException(409, $"Cannot complete request momentarily: connector {name} is not running on any worker yet, likely because a rebalance is underway.");
        }
        if (s.Count == 3 && s[2] is "pause" or "resume")
        {
            return null;
        }
        if (_member.IsLeader)
        {
            return null;
        }
        return _member.LeaderUrl is { Length: > 0 } leader
            ? leader
            : throw new ConnectRestException(409, "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _member.DisposeAsync().ConfigureAwait(false);
        _changes.Writer.TryComplete();
        foreach (var loop in new[] { _changeLoop, _statusLoop })
        {
            if (loop is not null)
            {
                try
                {
                    await loop.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        await _inner.DisposeAsync().ConfigureAwait(false);
        await _configTail.DisposeAsync().ConfigureAwait(false);
        await _offsets.DisposeAsync().ConfigureAwait(false);
        await _status.DisposeAsync().ConfigureAwait(false);
    }
}
