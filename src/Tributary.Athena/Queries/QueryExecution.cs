using Tributary.Athena.Engine;

namespace Tributary.Athena.Queries;

/// <summary>The states of a query execution, as Athena names them.</summary>
public enum QueryState
{
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
}

/// <summary>
/// One query execution: what was asked (immutable) and its lifecycle QUEUED → RUNNING → SUCCEEDED | FAILED |
/// CANCELLED (terminal states never change). Thread-safe: the runner moves the state under the instance lock, the API
/// reads a consistent <see cref="Snapshot"/>.
/// </summary>
public sealed class QueryExecution
{
    private readonly Lock _lock = new();
    private QueryState _state = QueryState.QUEUED;
    private DateTimeOffset? _started;
    private DateTimeOffset? _completed;
    private QueryFailure? _failure;
    private QueryResult? _result;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public required string Id { get; init; }

    public required string Query { get; init; }

    public string? Database { get; init; }

    public required string WorkGroup { get; init; }

    /// <summary>Where results go: the folder location as given (s3://bucket/prefix/).</summary>
    public required string OutputFolder { get; init; }

    public string? ClientRequestToken { get; init; }

    public DateTimeOffset Submitted { get; init; } = DateTimeOffset.UtcNow;

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The result file: <c>&lt;OutputFolder&gt;&lt;Id&gt;.csv</c>.</summary>
    public string OutputLocation => OutputFolder + Id + ".csv";

    public sealed record State(QueryState Value, DateTimeOffset? Started, DateTimeOffset? Completed, QueryFailure? Failure, QueryResult? Result);

    /// <summary>Completes when the execution reaches a terminal state (never faults).</summary>
    public Task Finished => _finished.Task;

    public State Snapshot()
    {
        lock (_lock)
        {
            return new State(_state, _started, _completed, _failure, _result);
        }
    }

    /// <summary>QUEUED → RUNNING; false when it was cancelled first.</summary>
    public bool TryStart()
    {
        lock (_lock)
        {
            if (_state != QueryState.QUEUED)
            {
                return false;
            }
            _state = QueryState.RUNNING;
            _started = DateTimeOffset.UtcNow;
            return true;
        }
    }

    public void Succeed(QueryResult result) => Finish(QueryState.SUCCEEDED, null, result);

    public void Fail(QueryFailure failure) => Finish(QueryState.FAILED, failure, null);

    /// <summary>Moves a queued or running query to CANCELLED; no effect on a finished one (Athena answers success).</summary>
    public void Cancel()
    {
        if (Finish(QueryState.CANCELLED, null, null))
        {
            Cancellation.Cancel();
        }
    }

    private bool Finish(QueryState state, QueryFailure? failure, QueryResult? result)
    {
        lock (_lock)
        {
            if (_state is QueryState.SUCCEEDED or QueryState.FAILED or QueryState.CANCELLED)
            {
                return false;
            }
            _state = state;
            _failure = failure;
            _result = result;
            _started ??= DateTimeOffset.UtcNow;
            _completed = DateTimeOffset.UtcNow;
            _finished.TrySetResult();
            return true;
        }
    }
}
