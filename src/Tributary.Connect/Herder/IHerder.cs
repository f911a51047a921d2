using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Runtime.Rest;
using Tributary.Connect.Runtime.Worker;

namespace Tributary.Connect.Runtime.Herder;

/// <summary>
/// What the REST API asks of a herder (Kafka's <c>Herder</c>): the standalone one runs everything itself; the
/// distributed one answers reads from the internal topics and routes writes to the group's leader and
/// connector-specific requests to the worker that runs the connector (<see cref="ForwardTarget"/>).
/// Errors are Connect's exceptions (NotFound, AlreadyExists, BadRequest, ConnectRestException).
/// </summary>
public interface IHerder
{
    WorkerConfig WorkerConfig { get; }

    PluginRegistry Plugins { get; }

    ConfigInfos Validate(IReadOnlyDictionary<string, string> config);

    IReadOnlyList<string> ConnectorNames();

    ConnectorInfo Info(string name);

    IReadOnlyDictionary<string, string> Config(string name);

    IReadOnlyList<(int Id, IReadOnlyDictionary<string, string> Config)> TaskConfigs(string name);

    ConnectorStatus Status(string name);

    StateInfo TaskStatus(string name, int task);

    Task<(ConnectorInfo Info, bool Created)> PutConnectorConfigAsync(string name, IReadOnlyDictionary<string, string> config, bool allowReplace, TargetState initialState = TargetState.STARTED, CancellationToken cancellationToken = default);

    Task DeleteConnectorAsync(string name, CancellationToken cancellationToken = default);

    Task SetTargetStateAsync(string name, TargetState target, CancellationToken cancellationToken = default);

    Task<ConnectorStatus> RestartAsync(string name, bool includeTasks, bool onlyFailed, CancellationToken cancellationToken = default);

    Task RestartTaskAsync(string name, int task, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<(IReadOnlyDictionary<string, object?> Partition, IReadOnlyDictionary<string, object?>? Offset)>> OffsetsAsync(string name, CancellationToken cancellationToken = default);

    Task<string> ModifyOffsetsAsync(string name, IReadOnlyList<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)>? offsets, CancellationToken cancellationToken = default);

    /// <summary>The topics the connector's tasks have used (KIP-558), in ordinal order.</summary>
    IReadOnlyList<string> ActiveTopics(string name);

    /// <summary>Forgets the connector's active topics; only a STOPPED connector's (400 otherwise).</summary>
    Task ResetActiveTopicsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The base URL of the worker that must serve this request (the leader for writes, the connector's worker for
    /// task restarts and offsets), or null to serve it here. Throws 409 when that worker is not known.
    /// </summary>
    string? ForwardTarget(RestRequest request);

    /// <summary>
    /// Completes when this worker can serve or forward connector requests: at once for a standalone worker; for a
    /// distributed one once it holds an assignment of its group (Kafka's herder queues requests until it has joined,
    /// so a request that arrives during the first join waits instead of failing).
    /// </summary>
    Task ReadyAsync(CancellationToken cancellationToken);
}
