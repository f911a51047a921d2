using Microsoft.Extensions.Logging;
using Tributary.Connect.Errors;
using Tributary.Delivery.Engine;
using Tributary.ObjectStores;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// One topic of a sink task: its push source and its engine pipeline, running on a task of its own. A failure of the
/// engine (an object that cannot be encoded, a state directory that cannot be written) is kept and thrown to the
/// worker on the next put or preCommit, which fails the task with it as the trace.
/// </summary>
internal sealed class TopicWriter : IAsyncDisposable
{
    private readonly PushSource _source;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    /// <summary>Batches of put records the engine may lag behind the worker.</summary>
    private const int QueuedBatches = 4;

    public TopicWriter(S3SinkDialect.Settings settings, string connector, IObjectStore store, string stateDirectory, long maxBufferedBytes, ILogger logger)
    {
        Topic = settings.Topic;
        _source = new PushSource(settings.Topic, QueuedBatches);
        var pipeline = new DeliveryPipeline<S3Record>(S3SinkDialect.Create(settings, connector), _source, new PipelineContext
        {
            Store = store,
            StateDirectory = stateDirectory,
            Counters = Counters,
            Logger = logger,
            MaxBufferedBytes = maxBufferedBytes,
        });
        _run = Task.Run(() => pipeline.RunAsync(_stop.Token));
    }

    public string Topic { get; }

    public DeliveryCounters Counters { get; } = new();

    public IReadOnlyDictionary<int, long> Durable => _source.Durable;

    /// <summary>Hands a batch of records to the engine (waits while its queue is full); throws the engine's failure if it stopped.</summary>
    public async ValueTask PutAsync(IReadOnlyList<SinkSourceRecord> records, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var put = _source.PutAsync(records, linked.Token).AsTask();
        if (!put.IsCompleted)
        {
            // Waiting for room: also stop waiting if the engine dies.
            if (await Task.WhenAny(put, _run).ConfigureAwait(false) == _run)
            {
                await linked.CancelAsync().ConfigureAwait(false);
                ThrowIfFailed();
            }
        }
        await put.ConfigureAwait(false);
    }

    public void ThrowIfFailed()
    {
        if (_run.IsFaulted)
        {
            var error = _run.Exception!.GetBaseException();
            throw new ConnectException("The S3 sink's writer for topic " + Topic + " failed: " + error.Message, error);
        }
        if (_run.IsCompleted && !_stop.IsCancellationRequested)
        {
            throw new ConnectException("The S3 sink's writer for topic " + Topic + " stopped unexpectedly");
        }
    }

    /// <summary>Stops the engine; what it buffered and had not written is delivered again by the worker after a restart.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Stopping: the failure (if any) was reported through put or preCommit.
        }
        await _source.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
