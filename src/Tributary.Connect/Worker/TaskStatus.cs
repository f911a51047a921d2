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

    /// <summary>A task produced to or consumed from <paramref name="topic"/> (active topics, KIP-558).</summary>
    void OnTopicUsed(string connector, string topic);
}
