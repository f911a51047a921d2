using Microsoft.Extensions.Logging;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// The lifecycle every worker task shares (Kafka's <c>WorkerTask</c>): its loop runs on its own thread-pool task, so
/// a task that hangs in start/poll/put never blocks the REST API, the herder or other tasks; pause parks the loop
/// between iterations; stop cancels the loop's token and waits up to the graceful timeout; a failure ends the loop
/// with FAILED and the error as trace. State changes go to the <see cref="ITaskStatusListener"/>.
/// Thread-safety: Start/Pause/Resume/Stop may be called from any thread; the abstract steps run on the loop only.
/// </summary>
public abstract class WorkerTaskBase
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITaskStatusListener _listener;
    private readonly Lock _lock = new();
    private TaskCompletionSource _resumed = NewSignal();
    private volatile bool _paused;
    private Task? _run;
    private readonly List<IAsyncDisposable> _owned = [];

    protected WorkerTaskBase(string connector, int taskId, IReadOnlyDictionary<string, string> taskConfig, ITaskStatusListener listener, ILogger logger)
    {
        Connector = connector;
        TaskId = taskId;
        TaskConfig = taskConfig;
        _listener = listener;
        Logger = logger;
    }

    public string Connector { get; }

    public int TaskId { get; }

    public IReadOnlyDictionary<string, string> TaskConfig { get; }

    protected ILogger Logger { get; }

    protected ITaskStatusListener Listener => _listener;

    /// <summary>The task's errors.* counters (total errors, records skipped) for metrics.</summary>
    public abstract Runtime.ErrorHandling.RetryWithToleranceOperator ErrorCounters { get; }

    /// <summary>What the connector's task publishes (gauges, a warning), for the admin port's metrics.</summary>
    public abstract Tributary.Connect.Metrics.PluginMetrics PluginMetrics { get; }

    /// <summary>Logs the task's warning each time it changes (set or cleared).</summary>
    protected void LogWarnings(Tributary.Connect.Metrics.PluginMetrics metrics) => metrics.WarningChanged = warning =>
    {
        if (warning is null)
        {
            Logger.LogInformation("{Connector}-{Task}: warning cleared", Connector, TaskId);
        }
        else
        {
            Logger.LogWarning("{Connector}-{Task}: {Warning}", Connector, TaskId, warning);
        }
    };

    /// <summary>Completes when the loop has ended and the task was stopped.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>Something the task closes once its loop has ended (a Kafka client of its own: producer or consumer, admin); added before <see cref="Start"/>.</summary>
    public void Own(IAsyncDisposable resource) => _owned.Add(resource);

    public void Start(bool paused)
    {
        _paused = paused;
        _run = Task.Run(RunAsync);
    }

    public void Pause() => _paused = true;

    public void Resume()
    {
        lock (_lock)
        {
            _paused = false;
            _resumed.TrySetResult();
        }
    }

    /// <summary>Asks the loop to end and waits for it up to <paramref name="timeout"/>; false when the task did not stop in time.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Resume();
        if (_run is null)
        {
            return true;
        }
        try
        {
            await _run.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            Logger.LogError("Graceful stop of task {Connector}-{Task} failed.", Connector, TaskId);
            return false;
        }
    }

    protected abstract Task StartTaskAsync(CancellationToken cancellationToken);

    protected abstract Task ExecuteIterationAsync(CancellationToken cancellationToken);

    /// <summary>Called once on the loop when it parks for a pause (commit what is pending).</summary>
    protected virtual Task OnPauseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task StopTaskAsync();

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        var started = false;
        try
        {
            await StartTaskAsync(token).ConfigureAwait(false);
            started = true;
            _listener.OnStateChange(Connector, TaskId, _paused ? ConnectState.PAUSED : ConnectState.RUNNING, null);
            while (!token.IsCancellationRequested)
            {
                if (_paused)
                {
                    await OnPauseAsync(token).ConfigureAwait(false);
                    _listener.OnStateChange(Connector, TaskId, ConnectState.PAUSED, null);
                    Task resumed;
                    lock (_lock)
                    {
                        if (_resumed.Task.IsCompleted)
                        {
                            _resumed = NewSignal();
                        }
                        resumed = _resumed.Task;
                    }
                    if (_paused)
                    {
                        await resumed.ConfigureAwait(false);
                    }
                    if (token.IsCancellationRequested)
                    {
                        break;
                    }
                    _listener.OnStateChange(Connector, TaskId, ConnectState.RUNNING, null);
                    continue;
                }
                await ExecuteIterationAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "{Connector}-{Task} threw an uncaught and unrecoverable exception. Task is being killed and will not recover until manually restarted", Connector, TaskId);
            _listener.OnStateChange(Connector, TaskId, ConnectState.FAILED, e);
            await StopQuietlyAsync(started).ConfigureAwait(false);
            return;
        }
        await StopQuietlyAsync(started).ConfigureAwait(false);
    }

    private async Task StopQuietlyAsync(bool started)
    {
        try
        {
            if (started)
            {
                await StopTaskAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "{Connector}-{Task}: stop failed", Connector, TaskId);
        }
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
