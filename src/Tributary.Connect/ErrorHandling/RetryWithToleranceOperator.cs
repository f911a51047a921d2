using Microsoft.Extensions.Logging;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Runtime.ErrorHandling;

/// <summary>
/// Runs one pipeline step (convert, transform) of one record under the connector's errors.* policy (Kafka's
/// <c>RetryWithToleranceOperator</c>): a <see cref="RetriableException"/> is retried with exponential back-off
/// (300 ms doubling, capped at errors.retry.delay.max.ms) until errors.retry.timeout; then, or for any other
/// exception, errors.tolerance=none fails the task ("Tolerance exceeded in error handler") and all skips the record
/// after logging it (errors.log.*) and reporting it to the dead-letter queue when one is configured. Used by one task
/// thread at a time.
/// </summary>
public sealed class RetryWithToleranceOperator(ErrorHandlingConfig config, DeadLetterQueueReporter? dlq, ILogger logger, string connector, int task)
{
    private const long InitialBackoffMs = 300;

    public long TotalErrors { get; private set; }

    public long TotalSkipped { get; private set; }

    public ErrorHandlingConfig Config => config;

    /// <summary>
    /// The step's result, or <paramref name="failed"/> = true when it failed and the failure is tolerated (skip the
    /// record). Throws <see cref="ConnectException"/> when not tolerated.
    /// </summary>
    public T? Execute<T>(Func<T> step, ErrorStage stage, string executingClass, FailedRecord? original, object? record, out bool failed)
    {
        failed = false;
        var started = Environment.TickCount64;
        var backoff = InitialBackoffMs;
        while (true)
        {
            try
            {
                return step();
            }
            catch (RetriableException e) when (CanRetry(started))
            {
                Thread.Sleep((int)Math.Min(backoff, Math.Min(config.RetryMaxDelayMs, RemainingMs(started))));
                backoff = Math.Min(backoff * 2, config.RetryMaxDelayMs);
                _ = e;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TotalErrors++;
                if (!config.TolerateAll)
                {
                    throw new ConnectException("Tolerance exceeded in error handler", e);
                }
                TotalSkipped++;
                Report(stage, executingClass, original, record, e);
                failed = true;
                return default;
            }
        }
    }

    /// <summary>
    /// <see cref="Execute{T}"/> for the hot path: the step takes its inputs as <paramref name="state"/> (so a static
    /// lambda allocates nothing per record), and the consumed record is built by <paramref name="original"/> only when
    /// the step failed.
    /// </summary>
    public T? Execute<TState, T>(Func<TState, T> step, TState state, ErrorStage stage, string executingClass, Func<TState, FailedRecord?> original, object? record, out bool failed)
    {
        try
        {
            failed = false;
            return step(state);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Recover(e, step, state, stage, executingClass, original, record, out failed);
        }
    }

    /// <summary>
    /// What <see cref="Execute{TState, T}"/> does once the step's first run threw <paramref name="error"/>, for a caller
    /// that ran the step itself (a direct call in a per-record loop): a retriable error runs the step again under the
    /// retry policy, anything else is tolerated (skip, <paramref name="failed"/> = true) or fails the task.
    /// </summary>
    public T? Recover<TState, T>(Exception error, Func<TState, T> step, TState state, ErrorStage stage, string executingClass, Func<TState, FailedRecord?> original, object? record, out bool failed)
    {
        failed = false;
        if (error is not RetriableException && !config.TolerateAll)
        {
            TotalErrors++;
            throw new ConnectException("Tolerance exceeded in error handler", error);
        }
        if (error is RetriableException)
        {
            return Execute(() => step(state), stage, executingClass, original(state), record, out failed);
        }
        TotalErrors++;
        TotalSkipped++;
        Report(stage, executingClass, original(state), record, error);
        failed = true;
        return default;
    }

    /// <summary>Reports an error raised elsewhere (the errant record reporter, KIP-610) under the same policy.</summary>
    public void Report(ErrorStage stage, string executingClass, FailedRecord? original, object? record, Exception error)
    {
        if (config.LogEnable)
        {
            var message = $"Error encountered in task {connector}-{task}. Executing stage '{stage}' with class '{executingClass}'" +
                (original is null ? "" : $", where consumed record is {{topic='{original.Topic}', partition={original.Partition}, offset={original.Offset}, timestamp={original.Timestamp}}}") + ".";
            if (config.LogIncludeMessages && record is not null)
            {
                message += $" Record: {record}";
            }
            logger.LogError(error, "{Message}", message);
        }
        if (dlq is not null && original is not null)
        {
            dlq.Report(original, stage, executingClass, error);
        }
    }

    private bool CanRetry(long started) => config.RetryTimeoutMs == -1 || RemainingMs(started) > 0;

    private long RemainingMs(long started) => config.RetryTimeoutMs == -1 ? long.MaxValue : config.RetryTimeoutMs - (Environment.TickCount64 - started);
}
