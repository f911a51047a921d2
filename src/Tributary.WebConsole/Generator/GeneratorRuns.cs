using Tributary.Generator;
using Tributary.Generator.Targets;
using Tributary.Generator.Templates;

namespace Tributary.WebConsole.Generator;

/// <summary>
/// The data generator runs the console started: each a <see cref="GeneratorRun"/> (the <c>tributary generate</c>
/// loop) on the server, sending to its target until its count is reached, it is stopped, or the server stops.
/// Bounded: at most <see cref="MaxRunning"/> run at once (another start is refused) and the newest
/// <see cref="MaxKept"/> finished runs are kept for their figures. The host owns the registry: disposing it stops every
/// run and waits for each to finish its send in flight and close its target. Thread-safe (one lock; the runs' figures
/// are read as snapshots).
/// </summary>
public sealed class GeneratorRuns : IAsyncDisposable
{
    /// <summary>Runs at once: each renders on a thread-pool thread and keeps one send in flight; four keep a 2-core host usable.</summary>
    public const int MaxRunning = 4;

    /// <summary>Finished runs kept for the page (their figures and errors), newest first.</summary>
    public const int MaxKept = 20;

    private readonly Lock _lock = new();
    private readonly List<GeneratorRunState> _runs = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _next;
    private bool _disposed;

    /// <summary>
    /// Starts a run of <paramref name="template"/> into <paramref name="target"/> (which the run then owns and disposes);
    /// throws <see cref="InvalidOperationException"/> when <see cref="MaxRunning"/> runs are already going or the
    /// registry is stopping (the target is then the caller's to dispose).
    /// </summary>
    public GeneratorRunState Start(KdgTemplate template, IRecordTarget target, GeneratorOptions options)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_runs.Count(r => r.IsRunning) >= MaxRunning)
            {
                throw new InvalidOperationException($"{MaxRunning} generator runs are going already; stop one first.");
            }
            var state = new GeneratorRunState($"run-{++_next}", target.Name, options.Rate, options.Count, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            state.Task = Task.Run(() => RunAsync(state, template, target, options));
            _runs.Insert(0, state);
            var finished = 0;
            for (var i = 0; i < _runs.Count; i++)
            {
                if (!_runs[i].IsRunning && ++finished > MaxKept)
                {
                    _runs.RemoveAt(i--);
                }
            }
            return state;
        }
    }

    private static async Task RunAsync(GeneratorRunState state, KdgTemplate template, IRecordTarget target, GeneratorOptions options)
    {
        await using (target.ConfigureAwait(false))
        {
            try
            {
                var final = await new GeneratorRun(template, target, options).RunAsync(state.Report, state.AddError, state.Cancellation.Token).ConfigureAwait(false);
                state.Finish(final, state.Cancellation.IsCancellationRequested ? GeneratorRunState.Stopped : GeneratorRunState.Finished);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                state.AddError(e.Message);
                state.Finish(null, GeneratorRunState.Failed);
            }
        }
    }

    /// <summary>Every kept run, newest first.</summary>
    public IReadOnlyList<GeneratorRunState> List()
    {
        lock (_lock)
        {
            return [.. _runs];
        }
    }

    public GeneratorRunState? Find(string id)
    {
        lock (_lock)
        {
            return _runs.Find(r => r.Id == id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_lock)
        {
            _disposed = true;
            running = [.. _runs.Select(r => r.Task!)];
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }
}

/// <summary>
/// One run's figures as the page shows them: its state, the latest once-a-second progress (records sent, errors, the
/// last second's rate) and the distinct error messages (the newest <see cref="MaxErrors"/>). Written by the run's
/// task, read by requests: one lock.
/// </summary>
public sealed class GeneratorRunState(string id, string target, double? rate, long? count, CancellationTokenSource cancellation)
{
    public const string Running = "RUNNING";
    public const string Stopped = "STOPPED";
    public const string Finished = "FINISHED";
    public const string Failed = "FAILED";
    private const int MaxErrors = 10;

    private readonly Lock _lock = new();
    private readonly List<string> _errors = [];
    private GeneratorProgress _progress;
    private string _state = Running;

    public string Id { get; } = id;

    public string Target { get; } = target;

    public double? Rate { get; } = rate;

    public long? Count { get; } = count;

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    internal CancellationTokenSource Cancellation { get; } = cancellation;

    internal Task? Task { get; set; }

    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _state == Running;
            }
        }
    }

    /// <summary>Asks the run to stop; it finishes its send in flight first (the state turns STOPPED then).</summary>
    public void Stop()
    {
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished already: nothing to stop.
        }
    }

    public (string State, GeneratorProgress Progress, IReadOnlyList<string> Errors) Snapshot()
    {
        lock (_lock)
        {
            return (_state, _progress, [.. _errors]);
        }
    }

    internal void Report(GeneratorProgress progress)
    {
        lock (_lock)
        {
            _progress = progress;
        }
    }

    internal void AddError(string message)
    {
        lock (_lock)
        {
            if (_errors.Count == MaxErrors)
            {
                _errors.RemoveAt(0);
            }
            _errors.Add(message);
        }
    }

    internal void Finish(GeneratorProgress? final, string state)
    {
        lock (_lock)
        {
            if (final is { } progress)
            {
                // A finished run sends nothing: its current rate reads 0; the totals are the final ones.
                _progress = progress with { RecentRate = 0 };
            }
            _state = state;
        }
        Cancellation.Dispose();
    }
}
