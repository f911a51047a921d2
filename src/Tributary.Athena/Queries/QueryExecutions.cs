using Microsoft.Extensions.Logging;
using Tributary.Athena.Engine;
using Tributary.ObjectStores;

namespace Tributary.Athena.Queries;

/// <summary>
/// The query executions of this server: started in the background as they are submitted (at most
/// <see cref="MaxConcurrentQueries"/> at once — DuckDB uses every core for one query already — the rest stay QUEUED),
/// their results written to the output location and kept in memory for GetQueryResults. The history holds the newest
/// <see cref="HistoryLimit"/> executions and does not survive a restart (the results files in the output location do).
/// Owns the engine (disposed with it). Thread-safe.
/// </summary>
public sealed class QueryExecutions(QueryEngine engine, IObjectStore store, ILogger? logger = null) : IAsyncDisposable
{
    public const int HistoryLimit = 10_000;
    private const int MaxConcurrentQueries = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, QueryExecution> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueryExecution> _byToken = new(StringComparer.Ordinal);
    private readonly List<QueryExecution> _newestLast = [];
    private readonly SemaphoreSlim _slots = new(MaxConcurrentQueries);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];

    /// <summary>
    /// Registers and starts an execution; with a ClientRequestToken already used for the same query, returns that
    /// execution instead (Athena's idempotency), and for another query throws <see cref="ArgumentException"/>.
    /// </summary>
    public QueryExecution Start(string query, string? database, string workGroup, string outputFolder, string? clientRequestToken)
    {
        lock (_lock)
        {
            if (clientRequestToken is not null && _byToken.TryGetValue(clientRequestToken, out var earlier))
            {
                return earlier.Query == query && earlier.Database == database
                    ? earlier
                    : throw new ArgumentException("The ClientRequestToken was already used with different parameters.");
            }
            var execution = new QueryExecution
            {
                Id = Guid.NewGuid().ToString(),
                Query = query,
                Database = database,
                WorkGroup = workGroup,
                OutputFolder = outputFolder,
                ClientRequestToken = clientRequestToken,
            };
            _byId[execution.Id] = execution;
            if (clientRequestToken is not null)
            {
                _byToken[clientRequestToken] = execution;
            }
            _newestLast.Add(execution);
            if (_newestLast.Count > HistoryLimit)
            {
                var oldest = _newestLast[0];
                _newestLast.RemoveAt(0);
                _byId.Remove(oldest.Id);
                if (oldest.ClientRequestToken is { } token)
                {
                    _byToken.Remove(token);
                }
            }
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(Task.Run(() => RunAsync(execution)));
            return execution;
        }
    }

    public QueryExecution? Find(string id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>The ids of a work group's executions, newest first.</summary>
    public List<string> List(string workGroup)
    {
        lock (_lock)
        {
            return [.. Enumerable.Reverse(_newestLast).Where(e => e.WorkGroup == workGroup).Select(e => e.Id)];
        }
    }

    private async Task RunAsync(QueryExecution execution)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(execution.Cancellation.Token, _stopping.Token);
        var token = linked.Token;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            execution.Cancel();
            return;
        }
        try
        {
            if (!execution.TryStart())
            {
                return;
            }
            // DuckDB's calls block: off the thread pool's short work items.
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await Task.Factory.StartNew(() => engine.RunAsync(execution.Query, execution.Database, token), token,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap().ConfigureAwait(false);
            var ran = System.Diagnostics.Stopwatch.GetTimestamp();
            await ResultFiles.WriteAsync(store, execution, result, token).ConfigureAwait(false);
            execution.Succeed(result);
            logger?.LogDebug("Query {Id}: engine {EngineMs:F1} ms, result files {WriteMs:F1} ms ({Rows} rows).", execution.Id,
                System.Diagnostics.Stopwatch.GetElapsedTime(started, ran).TotalMilliseconds,
                System.Diagnostics.Stopwatch.GetElapsedTime(ran).TotalMilliseconds, result.Rows.Count);
        }
        catch (QueryFailure failure)
        {
            execution.Fail(failure);
        }
        catch (OperationCanceledException)
        {
            execution.Cancel();
        }
        catch (Exception e) when (token.IsCancellationRequested)
        {
            // DuckDB reports an interrupted query as its own error.
            logger?.LogDebug(e, "Query {Id} interrupted.", execution.Id);
            execution.Cancel();
        }
        catch (Exception e)
        {
            // Never a crash: anything unexpected fails the query with an internal error.
            logger?.LogWarning(e, "Query {Id} failed unexpectedly.", execution.Id);
            execution.Fail(new QueryFailure("Internal error: " + e.Message, QueryFailure.InternalError, e));
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_lock)
        {
            running = [.. _running];
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
        engine.Dispose();
    }
}
