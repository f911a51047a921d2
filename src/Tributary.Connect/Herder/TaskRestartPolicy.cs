using Tributary.Connect.Runtime.Config;

namespace Tributary.Connect.Runtime.Herder;

/// <summary>
/// When a FAILED task is started again by the worker itself (Kafka Connect never does this: a failed task waits for a
/// REST restart, its users' third most common complaint). The n-th consecutive automatic restart waits
/// initial × 2ⁿ, capped at the maximum; a task that ran at least the maximum back-off before failing starts again from
/// the initial delay, so a task failing once a day is not punished for yesterday. Immutable.
/// </summary>
public sealed record TaskRestartPolicy(bool Enabled, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    public static TaskRestartPolicy From(WorkerConfig worker) => new(
        worker.GetBoolean(WorkerConfig.TaskAutoRestartEnable),
        TimeSpan.FromMilliseconds(worker.GetLong(WorkerConfig.TaskAutoRestartBackoffInitialMs)),
        TimeSpan.FromMilliseconds(worker.GetLong(WorkerConfig.TaskAutoRestartBackoffMaxMs)));

    /// <summary>The wait before automatic restart number <paramref name="attempt"/> (0-based) of a run of failures.</summary>
    public TimeSpan Delay(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt, 30));
        var millis = Math.Min(InitialBackoff.TotalMilliseconds * factor, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Max(0, millis));
    }

    /// <summary>Whether a task that ran for <paramref name="ranFor"/> before failing starts a new run of failures.</summary>
    public bool ResetsAfter(TimeSpan ranFor) => ranFor >= MaxBackoff;
}

/// <summary>One task's automatic restarts (herder state, guarded by its status lock).</summary>
public sealed class TaskRestartState
{
    /// <summary>Consecutive automatic restarts of the current run of failures.</summary>
    public int Attempts { get; set; }

    /// <summary>Automatic restarts since the connector was created (the metric).</summary>
    public long Total { get; set; }

    /// <summary>Incremented by every start of the task: a scheduled restart fires only for the instance that failed.</summary>
    public long Generation { get; set; }

    public long StartedAtTicks { get; set; } = Environment.TickCount64;
}

/// <summary>What the admin port's metrics show of one task (Connect's task, source-task, sink-task and error metrics).</summary>
public sealed record TaskMetricsSnapshot(string Connector, int Task, string Type, ConnectStateName State, long RecordsWritten, long RecordsPut, long RecordErrors, long RecordsSkipped, long AutoRestarts,
    IReadOnlyList<Tributary.Connect.Metrics.PluginGauge>? Gauges = null, string? Warning = null);

/// <summary>A state name as REST spells it (kept apart from the enum so metrics labels never change by a rename).</summary>
public readonly record struct ConnectStateName(string Value)
{
    public override string ToString() => Value;
}
