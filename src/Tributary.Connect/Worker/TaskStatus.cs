namespace Tributary.Connect.Runtime.Worker;

/// <summary>Connect's connector and task states (REST <c>state</c>; STOPPED for connectors only).</summary>
public enum ConnectState
{
    UNASSIGNED,
    RUNNING,
    PAUSED,
    FAILED,
    RESTARTING,
    STOPPED,
}

/// <summary>Connect's target states: what a connector was asked to be.</summary>
public enum TargetState
{
    STARTED,
    PAUSED,
    STOPPED,
}

/// <summary>A state with its failure trace (null unless FAILED) and the worker it runs on.</summary>
public sealed record StateInfo(ConnectState State, string? Trace, string WorkerId);

/// <summary>Where a task reports its state changes (the herder's status store).</summary>
public interface ITaskStatusListener
{
    void OnStateChange(string connector, int task, ConnectState state, Exception? error);

    /// <summary>
    /// Task <paramref name="task"/> of <paramref name="connector"/> is about to produce to, or was assigned a partition
    /// of, <paramref name="topic"/> (active topics, KIP-558). Called from the task's loop, possibly once per batch:
    /// implementations answer a topic already recorded without locking for long or allocating.
    /// </summary>
    void OnTopicUsed(string connector, int task, string topic);
}

/// <summary>
/// Where a worker keeps the topics each connector has used (KIP-558's active topics) when they outlive the worker:
/// a distributed worker's status topic (<c>status-topic-&lt;topic&gt;:connector-&lt;name&gt;</c>), shared by every
/// worker of the group. Thread-safe.
/// </summary>
public interface IActiveTopicStore
{
    /// <summary>The connector's active topics as this worker has read them, in ordinal order.</summary>
    IReadOnlyList<string> Topics(string connector);

    /// <summary>Records a topic the first time a task of the connector uses it; a topic already recorded costs a lookup.</summary>
    void Record(string connector, int task, string topic);

    /// <summary>Forgets every active topic of the connector (tombstones), returning once they are written.</summary>
    Task ResetAsync(string connector, CancellationToken cancellationToken = default);
}
