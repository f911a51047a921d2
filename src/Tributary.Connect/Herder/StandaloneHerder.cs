using Microsoft.Extensions.Logging;
using Tributary.Client;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.ErrorHandling;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Runtime.Rest;
using Tributary.Connect.Runtime.Storage;
using Tributary.Connect.Runtime.Worker;
using Tributary.Connect.Sink;
using Tributary.Connect.Source;

namespace Tributary.Connect.Runtime.Herder;

/// <summary>
/// The herder of a standalone worker (Kafka's <c>StandaloneHerder</c>): owns the connectors of this one worker —
/// their configurations (in memory, as Kafka's standalone mode; the command line re-creates them at start), target
/// states, connector instances, task configurations and the status of everything — and runs their tasks. Every
/// operation is serialised by one async lock; connector and task code runs on their own tasks under time limits
/// (<see cref="ConnectorCallTimeout"/>), so a connector that hangs fails that request, never the worker.
/// Source offsets live in the <see cref="IOffsetStore"/>; sink offsets in the consumer groups <c>connect-&lt;name&gt;</c>.
/// </summary>
public sealed class StandaloneHerder : IHerder, ITaskStatusListener, IAsyncDisposable
{
    /// <summary>How long a connector's start/stop/taskConfigs may take before the request fails (Kafka's REST timeout is 90 s; a shorter one keeps the herder responsive).</summary>
    public static readonly TimeSpan ConnectorCallTimeout = TimeSpan.FromSeconds(30);

    private readonly WorkerConfig _worker;
    private readonly PluginRegistry _plugins;
    private readonly KafkaClient _client;
    private readonly IOffsetStore _offsets;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ConfigValidator _validator;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, ConnectorEntry> _connectors = new(StringComparer.Ordinal);
    private readonly Lock _statusLock = new();
    private readonly TaskRestartPolicy _restartPolicy;
    private readonly KafkaConfigStore? _configStore;
    private readonly Func<string, int, IReadOnlyDictionary<string, string>, SourceTransactions>? _sourceTransactions;
    private readonly IActiveTopicStore? _activeTopics;

    /// <summary>Resolves <c>${provider:path:key}</c> variables where configurations are used (they are stored as written).</summary>
    private readonly ConfigTransformer _configTransformer;
    private readonly bool _topicTracking;
    private readonly CancellationTokenSource _disposing = new();

    /// <param name="configStore">Where configurations and target states are kept across restarts (Connect's config topic); null: memory only.</param>
    /// <param name="sourceTransactions">
    /// With exactly-once source support (a distributed worker with <c>exactly.once.source.support=enabled</c>): makes a
    /// source task's transactional parts from its connector's name, task id and configuration; null: at-least-once.
    /// </param>
    /// <param name="activeTopics">
    /// Where the topics the tasks use are recorded (a distributed worker's status topic); null: with the connector in
    /// memory, forgotten when it is deleted or the worker stops (standalone mode).
    /// </param>
    public StandaloneHerder(WorkerConfig worker, PluginRegistry plugins, KafkaClient client, IOffsetStore offsets, string workerId, ILoggerFactory loggers, KafkaConfigStore? configStore = null,
        Func<string, int, IReadOnlyDictionary<string, string>, SourceTransactions>? sourceTransactions = null, IActiveTopicStore? activeTopics = null)
    {
        _configStore = configStore;
        _sourceTransactions = sourceTransactions;
        _activeTopics = activeTopics;
        _configTransformer = ConfigTransformer.From(worker.Originals);
        _topicTracking = worker.GetBoolean(WorkerConfig.TopicTrackingEnable);
        _worker = worker;
        _plugins = plugins;
        _client = client;
        _offsets = offsets;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Tributary.Connect.Herder");
        _validator = new ConfigValidator(plugins, ClientConfigOverridePolicy.Parse(worker.GetString(WorkerConfig.ClientConfigOverridePolicy)), worker.GetBoolean(WorkerConfig.TopicCreationEnable));
        _restartPolicy = TaskRestartPolicy.From(worker);
        WorkerId = workerId;
    }

    public string WorkerId { get; }

    /// <summary>Standalone mode serves every request itself.</summary>
    public string? ForwardTarget(RestRequest request) => null;

    public Task ReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Kafka's message for a configuration that failed validation on create or update.</summary>
    public static BadRequestException InvalidConfig(ConfigInfos validation) =>
        new($"Connector configuration is invalid and contains the following {validation.ErrorCount} error(s):\n{string.Join("\n", validation.ErrorLines)}\nYou can also find the above list of errors at the endpoint `/connector-plugins/{{connectorType}}/config/validate`");

    public PluginRegistry Plugins => _plugins;

    public WorkerConfig WorkerConfig => _worker;

    public KafkaClient Client => _client;

    /// <summary>Validates the configuration with its variables resolved, as Kafka's herder validates it.</summary>
    public ConfigInfos Validate(IReadOnlyDictionary<string, string> config) => _validator.Validate(_configTransformer.Transform(config));

    public IReadOnlyList<string> ConnectorNames()
    {
        lock (_statusLock)
        {
            return [.. _connectors.Keys];
        }
    }

    public ConnectorInfo Info(string name)
    {
        lock (_statusLock)
        {
            var entry = Get(name);
            return new ConnectorInfo(name, entry.Config, [.. Enumerable.Range(0, entry.TaskConfigs.Count)], entry.TypeName);
        }
    }

    public IReadOnlyDictionary<string, string> Config(string name)
    {
        lock (_statusLock)
        {
            return Get(name).Config;
        }
    }

    public IReadOnlyList<(int Id, IReadOnlyDictionary<string, string> Config)> TaskConfigs(string name)
    {
        lock (_statusLock)
        {
            var entry = Get(name);
            return [.. entry.TaskConfigs.Select((c, i) => (i, c))];
        }
    }

    /// <summary>
    /// Distributed mode: the task configurations the connector instance running here generated (for its worker to
    /// write to the config topic); null when the instance does not run here or could not generate them.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>>? GeneratedTaskConfigs(string name)
    {
        lock (_statusLock)
        {
            return Get(name).Generated;
        }
    }

    public ConnectorStatus Status(string name)
    {
        lock (_statusLock)
        {
            var entry = Get(name);
            return new ConnectorStatus(name, entry.State, [.. entry.TaskStates.OrderBy(t => t.Key).Select(t => (t.Key, t.Value))], entry.TypeName);
        }
    }

    public StateInfo TaskStatus(string name, int task)
    {
        lock (_statusLock)
        {
            var entry = Get(name);
            return entry.TaskStates.TryGetValue(task, out var state) ? state : throw new NotFoundException($"Status for task {name}-{task} not found");
        }
    }

    /// <summary>
    /// Creates or (when <paramref name="allowReplace"/>) replaces a connector; returns its info and whether it was
    /// created. Invalid configurations throw <see cref="BadRequestException"/> with Kafka's message.
    /// </summary>
    public Task<(ConnectorInfo Info, bool Created)> PutConnectorConfigAsync(string name, IReadOnlyDictionary<string, string> config, bool allowReplace, TargetState initialState = TargetState.STARTED, CancellationToken cancellationToken = default) =>
        PutConnectorConfigAsync(name, config, allowReplace, initialState, persist: true, cancellationToken);

    /// <summary>Starts the connectors read back from the config store (nothing is written again); one that no longer validates is logged and skipped.</summary>
    public async Task RestoreAsync(IReadOnlyList<(string Name, Dictionary<string, string> Config, TargetState State)> connectors, CancellationToken cancellationToken = default)
    {
        foreach (var (name, config, state) in connectors)
        {
            try
            {
                await PutConnectorConfigAsync(name, config, allowReplace: true, state, persist: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ConnectRestException or ConnectException)
            {
                _logger.LogError(e, "Connector {Connector} from the config topic could not be started", name);
            }
        }
    }

    private async Task<(ConnectorInfo Info, bool Created)> PutConnectorConfigAsync(string name, IReadOnlyDictionary<string, string> config, bool allowReplace, TargetState initialState, bool persist, CancellationToken cancellationToken)
    {
        var withName = new Dictionary<string, string>(config, StringComparer.Ordinal) { [ConnectorConfig.Name] = name };
        var validation = Validate(withName);
        if (validation.ErrorCount > 0)
        {
            throw InvalidConfig(validation);
        }
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool created;
            TargetState target;
            lock (_statusLock)
            {
                created = !_connectors.TryGetValue(name, out var existing);
                if (!created && !allowReplace)
                {
                    throw new AlreadyExistsException($"Connector {name} already exists");
                }
                target = created ? initialState : existing!.Target;
            }
            if (persist && _configStore is not null)
            {
                // Written before the connector starts: a configuration the caller was told about survives a crash.
                await _configStore.PutConnectorAsync(name, withName, cancellationToken).ConfigureAwait(false);
                if (created)
                {
                    await _configStore.PutTargetStateAsync(name, target, cancellationToken).ConfigureAwait(false);
                }
            }
            if (!created)
            {
                await StopConnectorAsync(_connectors[name]).ConfigureAwait(false);
            }
            var plugin = _plugins.FindConnector(withName[ConnectorConfig.ConnectorClass])!;
            var entry = new ConnectorEntry(name, withName, plugin, target, WorkerId);
            lock (_statusLock)
            {
                _connectors[name] = entry;
            }
            await StartConnectorAsync(entry).ConfigureAwait(false);
            return (Info(name), created);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Distributed mode: runs the part of a connector the group assigned to this worker — its instance
    /// (<paramref name="instance"/>) and the tasks <paramref name="tasks"/>, each from its configuration in
    /// <paramref name="taskConfigs"/> (the committed ones of the config topic; ids beyond them wait for the next
    /// commit). Nothing assigned: the connector is removed here. A changed connector configuration restarts
    /// everything of it that runs here; otherwise only what changed starts or stops (a task whose configuration
    /// changed restarts). The instance generates task configurations but starts no task: its worker publishes them
    /// (<see cref="GeneratedTaskConfigs"/>) and the group places the tasks. An invalid configuration throws
    /// <see cref="BadRequestException"/>.
    /// </summary>
    public async Task RunAssignedAsync(string name, IReadOnlyDictionary<string, string> config, TargetState target, bool instance, IReadOnlyList<IReadOnlyDictionary<string, string>> taskConfigs, IReadOnlyCollection<int> tasks, CancellationToken cancellationToken = default)
    {
        var placement = new Placement(instance, tasks.ToHashSet());
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConnectorEntry? entry;
            lock (_statusLock)
            {
                _connectors.TryGetValue(name, out entry);
            }
            if (!instance && placement.Tasks.Count == 0)
            {
                if (entry is not null)
                {
                    await StopConnectorAsync(entry).ConfigureAwait(false);
                    lock (_statusLock)
                    {
                        _connectors.Remove(name);
                    }
                }
                return;
            }
            var withName = new Dictionary<string, string>(config, StringComparer.Ordinal) { [ConnectorConfig.Name] = name };
            if (entry?.Placement is not { } previous || !ConnectorConfig.Same(entry.Config, withName))
            {
                var validation = Validate(withName);
                if (validation.ErrorCount > 0)
                {
                    throw InvalidConfig(validation);
                }
                if (entry is not null)
                {
                    await StopConnectorAsync(entry).ConfigureAwait(false);
                }
                var fresh = new ConnectorEntry(name, withName, _plugins.FindConnector(withName[ConnectorConfig.ConnectorClass])!, target, WorkerId) { Placement = placement, TaskConfigs = taskConfigs };
                lock (_statusLock)
                {
                    _connectors[name] = fresh;
                }
                await StartConnectorAsync(fresh).ConfigureAwait(false);
                return;
            }
            entry.Placement = placement;
            if (entry.Target == TargetState.STOPPED)
            {
                return;
            }
            if (previous.Instance && !instance)
            {
                await StopConnectorInstanceAsync(entry).ConfigureAwait(false);
                lock (_statusLock)
                {
                    entry.State = new StateInfo(ConnectState.UNASSIGNED, null, WorkerId);
                    entry.Generated = null;
                }
            }
            var stopping = Enumerable.Range(0, entry.Tasks.Length)
                .Where(id => entry.Tasks[id] is not null && (!placement.Tasks.Contains(id) || id >= taskConfigs.Count || !ConnectorConfig.Same(entry.TaskConfigs[id], taskConfigs[id])))
                .ToList();
            await Task.WhenAll(stopping.Select(id => entry.Tasks[id]!.StopAsync(_worker.TaskShutdownTimeout))).ConfigureAwait(false);
            lock (_statusLock)
            {
                var kept = new WorkerTaskBase?[taskConfigs.Count];
                for (var id = 0; id < kept.Length && id < entry.Tasks.Length; id++)
                {
                    kept[id] = stopping.Contains(id) ? null : entry.Tasks[id];
                }
                foreach (var id in entry.TaskStates.Keys.Where(id => id >= kept.Length || kept[id] is null).ToList())
                {
                    entry.TaskStates.Remove(id);
                }
                entry.Tasks = kept;
                entry.TaskConfigs = taskConfigs;
            }
            if (!previous.Instance && instance)
            {
                await StartPlacedInstanceAsync(entry).ConfigureAwait(false);
            }
            foreach (var id in placement.Tasks.Where(id => id < taskConfigs.Count && entry.Tasks[id] is null).Order())
            {
                StartTask(entry, id);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task DeleteConnectorAsync(string name, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConnectorEntry entry;
            lock (_statusLock)
            {
                entry = Get(name);
            }
            if (_configStore is not null)
            {
                await _configStore.DeleteConnectorAsync(name, cancellationToken).ConfigureAwait(false);
            }
            await StopConnectorAsync(entry).ConfigureAwait(false);
            lock (_statusLock)
            {
                _connectors.Remove(name);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Changes the target state (pause, resume, stop); resume also leaves STOPPED.</summary>
    public async Task SetTargetStateAsync(string name, TargetState target, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConnectorEntry entry;
            lock (_statusLock)
            {
                entry = Get(name);
            }
            var previous = entry.Target;
            if (previous == target)
            {
                return;
            }
            if (_configStore is not null)
            {
                await _configStore.PutTargetStateAsync(name, target, cancellationToken).ConfigureAwait(false);
            }
            entry.Target = target;
            if (target == TargetState.STOPPED || previous == TargetState.STOPPED)
            {
                await StopConnectorAsync(entry).ConfigureAwait(false);
                if (target == TargetState.STOPPED)
                {
                    lock (_statusLock)
                    {
                        entry.TaskConfigs = [];
                        entry.Generated = GeneratedWhenStopped(entry);
                        entry.TaskStates.Clear();
                        entry.State = new StateInfo(ConnectState.STOPPED, null, WorkerId);
                    }
                    return;
                }
                await StartConnectorAsync(entry).ConfigureAwait(false);
                return;
            }
            foreach (var task in entry.Tasks)
            {
                if (target == TargetState.PAUSED)
                {
                    task?.Pause();
                }
                else
                {
                    task?.Resume();
                }
            }
            lock (_statusLock)
            {
                if (entry.State.State != ConnectState.FAILED)
                {
                    entry.State = new StateInfo(target == TargetState.PAUSED ? ConnectState.PAUSED : ConnectState.RUNNING, null, WorkerId);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// KIP-745 restart: the plan (which instances restart) is returned at once with them shown RESTARTING, and carried
    /// out before this returns. With neither flag only the connector restarts.
    /// </summary>
    public async Task<ConnectorStatus> RestartAsync(string name, bool includeTasks, bool onlyFailed, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConnectorEntry entry;
            bool restartConnector;
            List<int> tasks;
            lock (_statusLock)
            {
                entry = Get(name);
                restartConnector = (entry.Placement?.Instance ?? true) && (!onlyFailed || entry.State.State == ConnectState.FAILED);
                tasks = includeTasks ? [.. entry.TaskStates.Where(t => !onlyFailed || t.Value.State == ConnectState.FAILED).Select(t => t.Key)] : [];
                if (restartConnector)
                {
                    entry.State = entry.State with { State = ConnectState.RESTARTING, Trace = null };
                }
                foreach (var task in tasks)
                {
                    entry.TaskStates[task] = new StateInfo(ConnectState.RESTARTING, null, WorkerId);
                }
            }
            var plan = Status(name);
            if (restartConnector && tasks.Count == entry.TaskConfigs.Count && entry.Placement is null)
            {
                await StopConnectorAsync(entry).ConfigureAwait(false);
                await StartConnectorAsync(entry).ConfigureAwait(false);
            }
            else
            {
                if (restartConnector)
                {
                    await RestartConnectorInstanceAsync(entry).ConfigureAwait(false);
                }
                foreach (var task in tasks)
                {
                    await RestartTaskInternalAsync(entry, task).ConfigureAwait(false);
                }
            }
            return plan;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task RestartTaskAsync(string name, int task, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConnectorEntry entry;
            lock (_statusLock)
            {
                entry = Get(name);
                if (task < 0 || task >= entry.TaskConfigs.Count)
                {
                    throw new NotFoundException($"Task {name}-{task} not found");
                }
            }
            await RestartTaskInternalAsync(entry, task).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The connector's offsets: source offsets from the store; sink offsets from its consumer group.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)>> OffsetsAsync(string name, CancellationToken cancellationToken = default)
    {
        ConnectorEntry entry;
        lock (_statusLock)
        {
            entry = Get(name);
        }
        if (entry.Plugin.Kind == PluginType.Source)
        {
            return [.. _offsets.ForConnector(name).Select(o => ((IReadOnlyDictionary<string, object?>)o.Partition, (IReadOnlyDictionary<string, object?>?)o.Offset))];
        }
        var committed = await SinkOffsets.FetchAsync(_client, SinkGroup(name), cancellationToken).ConfigureAwait(false);
        return [.. committed.Select(c => ((IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["kafka_topic"] = c.Topic, ["kafka_partition"] = c.Partition }, (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["kafka_offset"] = c.Offset }))];
    }

    /// <summary>KIP-875 alter (PATCH) or reset (DELETE, <paramref name="offsets"/> null) while the connector is STOPPED.</summary>
    public async Task<string> ModifyOffsetsAsync(string name, IReadOnlyList<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)>? offsets, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConnectorEntry entry;
            lock (_statusLock)
            {
                entry = Get(name);
            }
            if (entry.Target != TargetState.STOPPED)
            {
                throw new BadRequestException("Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/" + name + "/stop' endpoint");
            }
            var verb = offsets is null ? "reset" : "altered";
            if (entry.Plugin.Kind == PluginType.Source)
            {
                var changes = offsets ?? [.. _offsets.ForConnector(name).Select(o => (o.Partition, (Dictionary<string, object?>?)null))];
                foreach (var (partition, offset) in changes)
                {
                    _offsets.Put(name, partition, offset);
                }
                await _offsets.FlushAsync(cancellationToken).ConfigureAwait(false);
                var connector = PluginRegistry.Create<SourceConnector>(entry.Plugin);
                var managed = connector.AlterOffsets(entry.Config, changes.ToDictionary(c => (IReadOnlyDictionary<string, object?>)c.Partition, c => (IReadOnlyDictionary<string, object?>?)c.Offset));
                return managed
                    ? $"The offsets for this connector have been {verb} successfully"
                    : $"The Connect framework-managed offsets for this connector have been {verb} successfully. However, if this connector manages offsets externally, they will need to be manually {verb} in the system that the connector uses.";
            }
            var sinkChanges = new Dictionary<(string Topic, int Partition), long?>();
            if (offsets is null)
            {
                foreach (var committed in await SinkOffsets.FetchAsync(_client, SinkGroup(name), cancellationToken).ConfigureAwait(false))
                {
                    sinkChanges[(committed.Topic, committed.Partition)] = null;
                }
            }
            else
            {
                foreach (var (partition, offset) in offsets)
                {
                    sinkChanges[SinkOffsets.ParsePartition(partition)] = SinkOffsets.ParseOffset(offset);
                }
            }
            await SinkOffsets.ApplyAsync(_client, SinkGroup(name), sinkChanges, cancellationToken).ConfigureAwait(false);
            var sink = PluginRegistry.Create<SinkConnector>(entry.Plugin);
            var sinkManaged = sink.AlterOffsets(entry.Config, sinkChanges.ToDictionary(c => new TopicPartition(c.Key.Topic, c.Key.Partition), c => c.Value));
            return sinkManaged
                ? $"The offsets for this connector have been {verb} successfully"
                : $"The Connect framework-managed offsets for this connector have been {verb} successfully. However, if this connector manages offsets externally, they will need to be manually {verb} in the system that the connector uses.";
        }
        finally
        {
            _lock.Release();
        }
    }

    public static string SinkGroup(string connector) => "connect-" + connector;

    /// <summary>The topics a connector has used since it was created or its topics were reset (KIP-558).</summary>
    public IReadOnlyList<string> ActiveTopics(string name)
    {
        lock (_statusLock)
        {
            var entry = Get(name);
            return _activeTopics is { } store ? store.Topics(name) : [.. entry.ActiveTopics.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Forgets the connector's active topics in any state, as Kafka's herder does (the REST layer checks only
    /// <c>topic.tracking.allow.reset</c>); a task that uses a topic again afterwards records it again.
    /// </summary>
    public async Task ResetActiveTopicsAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_statusLock)
        {
            Get(name).ActiveTopics.Clear();
        }
        if (_activeTopics is { } store)
        {
            await store.ResetAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records a topic a task used, unless <c>topic.tracking.enable=false</c> (then nothing is recorded, as in Kafka).</summary>
    public void OnTopicUsed(string connector, int task, string topic)
    {
        if (!_topicTracking)
        {
            return;
        }
        if (_activeTopics is { } store)
        {
            store.Record(connector, task, topic);
            return;
        }
        lock (_statusLock)
        {
            if (_connectors.TryGetValue(connector, out var entry))
            {
                entry.ActiveTopics.Add(topic);
            }
        }
    }

    public void OnStateChange(string connector, int task, ConnectState state, Exception? error)
    {
        lock (_statusLock)
        {
            // A task placed here by the group reports only while it is still one of this worker's (not after it was stopped).
            if (_connectors.TryGetValue(connector, out var entry) && task < entry.TaskConfigs.Count && (entry.Placement is null || (task < entry.Tasks.Length && entry.Tasks[task] is not null)))
            {
                entry.TaskStates[task] = new StateInfo(state, error?.ToString(), WorkerId);
                if (state == ConnectState.FAILED)
                {
                    ScheduleAutoRestart(entry, task);
                }
            }
        }
    }

    /// <summary>Per task of every connector: state and counters for the admin port's metrics.</summary>
    public IReadOnlyList<TaskMetricsSnapshot> TaskMetrics()
    {
        var result = new List<TaskMetricsSnapshot>();
        lock (_statusLock)
        {
            foreach (var entry in _connectors.Values)
            {
                foreach (var (id, state) in entry.TaskStates)
                {
                    var task = id < entry.Tasks.Length ? entry.Tasks[id] : null;
                    var restarts = entry.Restarts.TryGetValue(id, out var restart) ? restart.Total : 0;
                    var errors = task?.ErrorCounters;
                    result.Add(new TaskMetricsSnapshot(entry.Name, id, entry.TypeName, new ConnectStateName(state.State.ToString()),
                        (task as WorkerSourceTask)?.RecordsWritten ?? 0, (task as WorkerSinkTask)?.RecordsPut ?? 0, errors?.TotalErrors ?? 0, errors?.TotalSkipped ?? 0, restarts,
                        task?.PluginMetrics.Gauges, task?.PluginMetrics.Warning));
                }
            }
        }
        return result;
    }

    /// <summary>Connector states for the metrics: (name, type, state).</summary>
    public IReadOnlyList<(string Name, string Type, ConnectStateName State)> ConnectorStates()
    {
        lock (_statusLock)
        {
            return [.. _connectors.Values.Where(e => e.Placement?.Instance ?? true).Select(e => (e.Name, e.TypeName, new ConnectStateName(e.State.State.ToString())))];
        }
    }

    /// <summary>
    /// Starts a FAILED task again after the policy's back-off (caller holds the status lock). The restart runs under
    /// the herder's lock and only if the same instance is still the one that failed: a manual restart, a
    /// reconfiguration, a stop or a delete in between cancels it.
    /// </summary>
    private void ScheduleAutoRestart(ConnectorEntry entry, int id)
    {
        if (!_restartPolicy.Enabled || entry.Target == TargetState.STOPPED || _disposing.IsCancellationRequested)
        {
            return;
        }
        var restart = entry.RestartStateOf(id);
        if (_restartPolicy.ResetsAfter(TimeSpan.FromMilliseconds(Environment.TickCount64 - restart.StartedAtTicks)))
        {
            restart.Attempts = 0;
        }
        var delay = _restartPolicy.Delay(restart.Attempts);
        var generation = restart.Generation;
        _logger.LogWarning("Task {Connector}-{Task} failed; the worker restarts it in {Delay} ms (automatic restart {Attempt} of this run of failures).", entry.Name, id, (long)delay.TotalMilliseconds, restart.Attempts + 1);
        var token = _disposing.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
                await _lock.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                lock (_statusLock)
                {
                    if (!_connectors.TryGetValue(entry.Name, out var current) || !ReferenceEquals(current, entry) || restart.Generation != generation
                        || !entry.TaskStates.TryGetValue(id, out var state) || state.State != ConnectState.FAILED || entry.Target == TargetState.STOPPED)
                    {
                        return;
                    }
                    restart.Attempts++;
                    restart.Total++;
                }
                await RestartTaskInternalAsync(entry, id, automatic: true).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "Automatic restart of task {Connector}-{Task} failed", entry.Name, id);
            }
            finally
            {
                _lock.Release();
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            List<ConnectorEntry> all;
            lock (_statusLock)
            {
                all = [.. _connectors.Values];
            }
            await Task.WhenAll(all.Select(StopConnectorAsync)).ConfigureAwait(false);
            try
            {
                await _offsets.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaClientException or IOException or ConnectException or TimeoutException or OperationCanceledException)
            {
                // The worker stops either way (Connect logs a failed final flush too): source records since the last
                // flush are produced again after the next start, which at-least-once delivery allows.
                _logger.LogError(e, "The final offset flush failed; offsets since the last flush are not stored");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private ConnectorEntry Get(string name) =>
        _connectors.TryGetValue(name, out var entry) ? entry : throw new NotFoundException($"Connector {name} not found");

    /// <summary>
    /// Starts the connector instance (unless STOPPED), asks for task configs and starts the tasks. A connector placed
    /// by the group (distributed mode) starts only its assigned part: the instance if it is here (its generated task
    /// configurations are kept for publishing, not started) and its assigned tasks from the committed configurations.
    /// </summary>
    private async Task StartConnectorAsync(ConnectorEntry entry)
    {
        if (entry.Target == TargetState.STOPPED)
        {
            lock (_statusLock)
            {
                entry.State = new StateInfo(ConnectState.STOPPED, null, WorkerId);
                entry.TaskConfigs = [];
                entry.Generated = GeneratedWhenStopped(entry);
                entry.TaskStates.Clear();
            }
            return;
        }
        if (entry.Placement is { } placement)
        {
            if (placement.Instance)
            {
                await StartPlacedInstanceAsync(entry).ConfigureAwait(false);
            }
            lock (_statusLock)
            {
                entry.TaskStates.Clear();
                entry.Tasks = new WorkerTaskBase?[entry.TaskConfigs.Count];
            }
            foreach (var id in placement.Tasks.Where(id => id < entry.TaskConfigs.Count).Order())
            {
                StartTask(entry, id);
            }
            return;
        }
        if (!await StartConnectorInstanceAsync(entry).ConfigureAwait(false) || await GenerateTaskConfigsAsync(entry).ConfigureAwait(false) is not { } full)
        {
            return;
        }
        lock (_statusLock)
        {
            entry.TaskConfigs = full;
            entry.TaskStates.Clear();
            entry.Tasks = new WorkerTaskBase?[full.Count];
        }
        for (var i = 0; i < full.Count; i++)
        {
            StartTask(entry, i);
        }
    }

    /// <summary>Distributed mode: a STOPPED connector whose instance is placed here publishes no task configurations (Kafka empties them on stop).</summary>
    private static IReadOnlyList<IReadOnlyDictionary<string, string>>? GeneratedWhenStopped(ConnectorEntry entry) =>
        entry.Placement is { Instance: false } ? null : [];

    /// <summary>Distributed mode: starts the instance placed here and keeps the task configurations it generates.</summary>
    private async Task StartPlacedInstanceAsync(ConnectorEntry entry)
    {
        var generated = await StartConnectorInstanceAsync(entry).ConfigureAwait(false) ? await GenerateTaskConfigsAsync(entry).ConfigureAwait(false) : null;
        lock (_statusLock)
        {
            entry.Generated = generated;
        }
    }

    /// <summary>Asks the running instance for its task configurations (with <c>task.class</c>, and a sink's topics); null when it failed (the connector is FAILED).</summary>
    private async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>?> GenerateTaskConfigsAsync(ConnectorEntry entry)
    {
        IReadOnlyList<IReadOnlyDictionary<string, string>> configs;
        try
        {
            var tasksMax = int.Parse(entry.Config.GetValueOrDefault(ConnectorConfig.TasksMax, "1").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            configs = await Task.Run(() => entry.Connector!.TaskConfigs(tasksMax)).WaitAsync(ConnectorCallTimeout).ConfigureAwait(false);
            var enforce = !entry.Config.TryGetValue(ConnectorConfig.TasksMaxEnforce, out var enforceText) || !bool.TryParse(enforceText.Trim(), out var parsed) || parsed;
            if (configs.Count > tasksMax && enforce)
            {
                throw new ConnectException($"The connector {entry.Name} has generated {configs.Count} tasks, which is greater than {tasksMax}, the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set to false; however, this option will be removed in a future release of Kafka Connect.");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            FailConnector(entry, e);
            return null;
        }
        var taskClass = TaskClassOf(entry);
        var taskClassName = taskClass.GetCustomAttributes(typeof(ConnectPluginAttribute), false).OfType<ConnectPluginAttribute>().FirstOrDefault()?.ClassName ?? taskClass.FullName ?? taskClass.Name;
        var full = new List<IReadOnlyDictionary<string, string>>();
        var resolvedConnector = _configTransformer.Transform(entry.Config);
        foreach (var config in configs)
        {
            // What the connector copied from its resolved configuration gets its variables back before it is stored.
            var taskConfig = new Dictionary<string, string>(_configTransformer.Reverse(entry.Config, resolvedConnector, config), StringComparer.Ordinal) { ["task.class"] = taskClassName };
            if (entry.Plugin.Kind == PluginType.Sink)
            {
                foreach (var key in new[] { SinkConnector.TopicsConfig, SinkConnector.TopicsRegexConfig })
                {
                    if (entry.Config.TryGetValue(key, out var topics))
                    {
                        taskConfig[key] = topics;
                    }
                }
            }
            full.Add(taskConfig);
        }
        return full;
    }

    /// <summary>The connector's task class: from its running instance, or (a worker that runs only its tasks) from an instance never started.</summary>
    private static Type TaskClassOf(ConnectorEntry entry) =>
        entry.Connector?.TaskClass ?? (entry.TaskClass ??= PluginRegistry.Create<Connector>(entry.Plugin).TaskClass);

    private async Task<bool> StartConnectorInstanceAsync(ConnectorEntry entry)
    {
        try
        {
            var connector = PluginRegistry.Create<Connector>(entry.Plugin);
            connector.Initialize(entry.Plugin.Kind == PluginType.Source ? new SourceContext(this, entry, _offsets.ReaderFor(entry.Name)) : new SinkContext(this, entry));
            var resolved = _configTransformer.Transform(entry.Config);
            await Task.Run(() => connector.StartAsync(resolved, CancellationToken.None)).WaitAsync(ConnectorCallTimeout).ConfigureAwait(false);
            lock (_statusLock)
            {
                entry.Connector = connector;
                entry.State = new StateInfo(entry.Target == TargetState.PAUSED ? ConnectState.PAUSED : ConnectState.RUNNING, null, WorkerId);
            }
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            FailConnector(entry, e is TimeoutException ? new ConnectException("Connector start timed out", e) : e);
            return false;
        }
    }

    private async Task RestartConnectorInstanceAsync(ConnectorEntry entry)
    {
        await StopConnectorInstanceAsync(entry).ConfigureAwait(false);
        if (entry.Placement is not null)
        {
            await StartPlacedInstanceAsync(entry).ConfigureAwait(false);
            return;
        }
        await StartConnectorInstanceAsync(entry).ConfigureAwait(false);
    }

    private void FailConnector(ConnectorEntry entry, Exception error)
    {
        _logger.LogError(error, "Connector {Connector} failed", entry.Name);
        lock (_statusLock)
        {
            entry.State = new StateInfo(ConnectState.FAILED, error.ToString(), WorkerId);
        }
    }

    private void StartTask(ConnectorEntry entry, int id)
    {
        var config = _configTransformer.Transform(entry.TaskConfigs[id]);
        // The connector's configuration as the task's clients, converters and error handling read it: variables resolved.
        var connectorConfig = _configTransformer.Transform(entry.Config);
        var logger = _loggers.CreateLogger($"Tributary.Connect.Task.{entry.Name}-{id}");
        KafkaClient? ownClient = null;
        KafkaClient? ownAdmin = null;
        KafkaClient? ownDlqProducer = null;
        var started = false;
        try
        {
            var parsed = (entry.Plugin.Kind == PluginType.Sink ? ConnectorConfig.Sink : ConnectorConfig.Source).Parse(connectorConfig);
            var errorConfig = ErrorHandlingConfig.From(parsed);
            var pipeline = TaskPipeline.Build(_plugins, _worker, connectorConfig);
            var paused = entry.Target == TargetState.PAUSED;
            WorkerTaskBase task;
            if (entry.Plugin.Kind == PluginType.Source)
            {
                var sourceTask = (SourceTask)(Activator.CreateInstance(TaskClassOf(entry)) ?? throw new ConnectException("Cannot create task " + TaskClassOf(entry)));
                var errors = new RetryWithToleranceOperator(errorConfig, null, logger, entry.Name, id);
                var client = TaskClients.For(_worker, _client, SourceProducerConfig.WorkerProducerPrefix, ClientConfigOverridePolicy.ProducerOverridePrefix, connectorConfig, $"connector-producer-{entry.Name}-{id}", out ownClient);
                var topicCreation = TopicCreation.From(_worker.GetBoolean(WorkerConfig.TopicCreationEnable), connectorConfig);
                // Kafka makes a source task's admin client only for topic creation; without it the task has no admin work.
                var admin = topicCreation is null ? null : TaskClients.Admin(_worker, _client, connectorConfig, $"connector-adminclient-{entry.Name}-{id}", out ownAdmin);
                task = new WorkerSourceTask(entry.Name, id, sourceTask, config, pipeline, errors, client, _offsets, _worker.OffsetFlushInterval, topicCreation, this, logger,
                    SourceProducerConfig.From(_worker, connectorConfig), _sourceTransactions?.Invoke(entry.Name, id, connectorConfig), admin);
            }
            else
            {
                var sinkTask = (SinkTask)(Activator.CreateInstance(TaskClassOf(entry)) ?? throw new ConnectException("Cannot create task " + TaskClassOf(entry)));
                // The DLQ topic is set up through the connector's admin client (Kafka's client id for it: connector-dlq-adminclient-).
                // Its producer is layered as a source task's (Kafka's Worker gives the DLQ producer baseProducerConfigs: the
                // worker's producer.* and the connector's producer.override.*), so a DLQ may live on another cluster or
                // be written under another identity.
                var dlq = errorConfig.DlqTopic.Length == 0 ? null : new DeadLetterQueueReporter(
                    TaskClients.For(_worker, _client, SourceProducerConfig.WorkerProducerPrefix, ClientConfigOverridePolicy.ProducerOverridePrefix, connectorConfig, $"connector-dlq-producer-{entry.Name}-{id}", out ownDlqProducer),
                    TaskClients.Admin(_worker, _client, connectorConfig, "connector-dlq-adminclient-", out ownAdmin), errorConfig.DlqTopic, errorConfig.DlqReplicationFactor, errorConfig.DlqContextHeaders, entry.Name, id);
                var errors = new RetryWithToleranceOperator(errorConfig, dlq, logger, entry.Name, id);
                var topics = config.TryGetValue(SinkConnector.TopicsConfig, out var list) ? list.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0).ToList() : [];
                var consumer = SinkConsumerConfig.From(_worker, connectorConfig, SinkGroup(entry.Name), topics, config.GetValueOrDefault(SinkConnector.TopicsRegexConfig));
                var client = TaskClients.For(_worker, _client, SinkConsumerConfig.WorkerConsumerPrefix, ClientConfigOverridePolicy.ConsumerOverridePrefix, connectorConfig, $"connector-consumer-{entry.Name}-{id}", out ownClient);
                task = new WorkerSinkTask(entry.Name, id, sinkTask, config, pipeline, errors, dlq, client, consumer, _worker.OffsetFlushInterval, this, logger);
            }
            lock (_statusLock)
            {
                entry.Tasks[id] = task;
                entry.TaskStates[id] = new StateInfo(ConnectState.UNASSIGNED, null, WorkerId);
                var restart = entry.RestartStateOf(id);
                restart.Generation++;
                restart.StartedAtTicks = Environment.TickCount64;
            }
            if (ownClient is not null)
            {
                task.Own(ownClient);
            }
            if (ownAdmin is not null)
            {
                task.Own(ownAdmin);
            }
            if (ownDlqProducer is not null)
            {
                task.Own(ownDlqProducer);
            }
            task.Start(paused);
            started = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!started && ownClient is not null)
            {
                _ = ownClient.DisposeAsync().AsTask();
            }
            if (!started && ownAdmin is not null)
            {
                _ = ownAdmin.DisposeAsync().AsTask();
            }
            if (!started && ownDlqProducer is not null)
            {
                _ = ownDlqProducer.DisposeAsync().AsTask();
            }
            logger.LogError(e, "Failed to start task {Connector}-{Task}", entry.Name, id);
            lock (_statusLock)
            {
                entry.TaskStates[id] = new StateInfo(ConnectState.FAILED, e.ToString(), WorkerId);
                var restart = entry.RestartStateOf(id);
                restart.Generation++;
                restart.StartedAtTicks = Environment.TickCount64;
                ScheduleAutoRestart(entry, id);
            }
        }
    }

    /// <summary>Stops and starts one task; a restart asked for (REST) begins a new run of automatic restarts.</summary>
    private async Task RestartTaskInternalAsync(ConnectorEntry entry, int id, bool automatic = false)
    {
        if (!automatic)
        {
            lock (_statusLock)
            {
                entry.RestartStateOf(id).Attempts = 0;
            }
        }
        if (id < entry.Tasks.Length && entry.Tasks[id] is { } running)
        {
            await running.StopAsync(_worker.TaskShutdownTimeout).ConfigureAwait(false);
        }
        StartTask(entry, id);
    }

    private async Task StopConnectorAsync(ConnectorEntry entry)
    {
        var tasks = entry.Tasks.Where(t => t is not null).Select(t => t!.StopAsync(_worker.TaskShutdownTimeout)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        entry.Tasks = [];
        await StopConnectorInstanceAsync(entry).ConfigureAwait(false);
    }

    private async Task StopConnectorInstanceAsync(ConnectorEntry entry)
    {
        if (entry.Connector is { } connector)
        {
            entry.Connector = null;
            try
            {
                await Task.Run(connector.StopAsync).WaitAsync(ConnectorCallTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning(e, "Connector {Connector} failed to stop", entry.Name);
            }
        }
    }

    /// <summary>A connector asked for its tasks to be reconfigured: restart them with fresh task configs.</summary>
    private void RequestReconfiguration(ConnectorEntry entry) =>
        _ = Task.Run(async () =>
        {
            await _lock.WaitAsync().ConfigureAwait(false);
            try
            {
                lock (_statusLock)
                {
                    if (!_connectors.TryGetValue(entry.Name, out var current) || !ReferenceEquals(current, entry))
                    {
                        return;
                    }
                }
                if (entry.Placement is not null)
                {
                    // Distributed: new task configurations are published and reach the tasks through the config topic.
                    if (entry.Connector is not null)
                    {
                        var generated = await GenerateTaskConfigsAsync(entry).ConfigureAwait(false);
                        lock (_statusLock)
                        {
                            entry.Generated = generated;
                        }
                    }
                    return;
                }
                await StopConnectorAsync(entry).ConfigureAwait(false);
                await StartConnectorAsync(entry).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        });

    private sealed class ConnectorEntry(string name, Dictionary<string, string> config, PluginDescriptor plugin, TargetState target, string workerId)
    {
        public string Name { get; } = name;

        public Dictionary<string, string> Config { get; } = config;

        public PluginDescriptor Plugin { get; } = plugin;

        public string TypeName => Plugin.Kind == PluginType.Source ? "source" : "sink";

        public TargetState Target { get; set; } = target;

        public StateInfo State { get; set; } = new(ConnectState.UNASSIGNED, null, workerId);

        public Connector? Connector { get; set; }

        public IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs { get; set; } = [];

        /// <summary>Distributed mode: the part of the connector the group placed on this worker; null in standalone mode (all of it).</summary>
        public Placement? Placement { get; set; }

        /// <summary>Distributed mode: the task configurations the instance running here generated (null: none).</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, string>>? Generated { get; set; }

        /// <summary>The task class when no instance runs here (read from an instance that is never started).</summary>
        public Type? TaskClass { get; set; }

        public WorkerTaskBase?[] Tasks { get; set; } = [];

        public Dictionary<int, StateInfo> TaskStates { get; } = [];

        public HashSet<string> ActiveTopics { get; } = new(StringComparer.Ordinal);

        /// <summary>Automatic restarts per task id (kept across reconfigurations for the metric's total).</summary>
        public Dictionary<int, TaskRestartState> Restarts { get; } = [];

        public TaskRestartState RestartStateOf(int id)
        {
            if (!Restarts.TryGetValue(id, out var state))
            {
                state = new TaskRestartState();
                Restarts[id] = state;
            }
            return state;
        }
    }

    /// <summary>What of a connector runs on this worker: its instance, and which of its task ids.</summary>
    private sealed record Placement(bool Instance, IReadOnlySet<int> Tasks);

    private class SinkContext(StandaloneHerder herder, ConnectorEntry entry) : ConnectorContext
    {
        public void RequestTaskReconfiguration() => herder.RequestReconfiguration(entry);

        public void RaiseError(Exception error) => herder.FailConnector(entry, error);
    }

    private sealed class SourceContext(StandaloneHerder herder, ConnectorEntry entry, OffsetStorageReader reader) : SinkContext(herder, entry), SourceConnectorContext
    {
        public OffsetStorageReader OffsetStorageReader { get; } = reader;
    }
}
