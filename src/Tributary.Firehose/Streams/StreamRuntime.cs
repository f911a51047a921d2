using Microsoft.Extensions.Logging;
using Tributary.Delivery.Engine;
using Tributary.Delivery.Sources;
using Tributary.Firehose.Model;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Streams;

/// <summary>
/// One stream's engine task: restarted after an unexpected failure (with back-off), drained for an update, stopped on
/// delete. <see cref="Definition"/> and <see cref="Status"/> are changed by the registry under its lock.
/// </summary>
internal sealed class StreamRuntime(StreamPipelines pipelines, ILogger logger, DeliveryStreamDefinition definition, DeliveryCounters counters)
{
    private readonly CancellationTokenSource _stop = new();
    private volatile DeliveryPipeline<ProcessedRecord>? _pipeline;
    private volatile bool _drainRequested;
    private Task _task = Task.CompletedTask;

    public DeliveryStreamDefinition Definition { get; set; } = definition;

    public DeliveryCounters Counters { get; } = counters;

    public DeliveryStreamStatus Status { get; set; } = DeliveryStreamStatus.Active;

    public string? Failure { get; private set; }

    public DeliveryStreamDescription Describe() =>
        new(Definition, Status, Counters.Snapshot(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Failure);

    /// <summary>Starts the engine task (once).</summary>
    public void Start()
    {
        if (_task.IsCompleted && !_started)
        {
            _started = true;
            _task = Task.Run(RunAsync);
        }
    }

    private bool _started;

    private async Task RunAsync()
    {
        for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            IDeliverySource? source = null;
            try
            {
                source = pipelines.CreateSource(Definition);
                var pipeline = pipelines.CreatePipeline(Definition, source, Counters);
                _pipeline = pipeline;
                if (_drainRequested)
                {
                    pipeline.RequestDrain();
                }
                await pipeline.RunAsync(_stop.Token).ConfigureAwait(false);
                Failure = null;
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Failure = e.Message;
                logger.LogError(e, "Delivery stream {Stream} failed; restarting.", Definition.Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5))), _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                if (source is not null)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Delivers what is buffered, then stops (for an update of the destination).</summary>
    public async Task DrainAsync()
    {
        // Either the running pipeline sees the request, or the next one is created with it.
        _drainRequested = true;
        _pipeline?.RequestDrain();
        var finished = await Task.WhenAny(_task, Task.Delay(TimeSpan.FromMinutes(2))).ConfigureAwait(false);
        if (finished != _task)
        {
            await StopAsync().ConfigureAwait(false);
        }
        else
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
