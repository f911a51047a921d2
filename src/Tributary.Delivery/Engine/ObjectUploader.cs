using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tributary.ObjectStores;

namespace Tributary.Delivery.Engine;

/// <summary>
/// Step (3) of the protocol off the pipeline's task: puts pending objects from the spool to the store one at a time, in
/// the order they were handed in (so when an object is uploaded, every object committed before it is too), retrying
/// each with back-off until it succeeds or the uploader is stopped. Finished uploads are handed back through
/// <see cref="TryTakeUploaded"/> / <see cref="WaitForUploadedAsync"/>: only the pipeline's task touches the state.
/// </summary>
internal sealed class ObjectUploader : IAsyncDisposable
{
    private readonly Channel<Upload> _queue = Channel.CreateUnbounded<Upload>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<Upload> _uploaded = Channel.CreateUnbounded<Upload>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly IObjectStore _store;
    private readonly string _spool;
    private readonly string _pipeline;
    private readonly DeliveryCounters _counters;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public ObjectUploader(IObjectStore store, string spoolDirectory, string pipeline, DeliveryCounters counters, ILogger logger)
    {
        _store = store;
        _spool = spoolDirectory;
        _pipeline = pipeline;
        _counters = counters;
        _logger = logger;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Objects handed in and not yet taken back.</summary>
    public int Outstanding { get; private set; }

    /// <summary>
    /// Queues <paramref name="pending"/> (already listed in the durable state); <paramref name="positions"/> are the
    /// positions that may be reported durable once it, and so every object before it, is in the store.
    /// </summary>
    public void Enqueue(PendingObject pending, IReadOnlyDictionary<int, long> positions)
    {
        Outstanding++;
        _queue.Writer.TryWrite(new Upload(pending, positions));
    }

    /// <summary>An upload that finished, if any.</summary>
    public bool TryTakeUploaded(out Upload upload)
    {
        if (_uploaded.Reader.TryRead(out upload))
        {
            Outstanding--;
            return true;
        }
        return false;
    }

    /// <summary>Waits until an upload has finished (and can be taken), or the uploader failed.</summary>
    public async Task WaitForUploadedAsync(CancellationToken cancellationToken)
    {
        var finished = await Task.WhenAny(_uploaded.Reader.WaitToReadAsync(cancellationToken).AsTask(), _run).ConfigureAwait(false);
        if (finished == _run)
        {
            await _run.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task RunAsync()
    {
        var cancellationToken = _stop.Token;
        await foreach (var upload in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var pending = upload.Pending;
            var path = Path.Combine(_spool, pending.Spool);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _store.PutAsync(pending.Bucket, pending.Key, ObjectContent.FromFile(path), cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    _counters.Retry();
                    _logger.LogWarning(e, "{Pipeline}: writing {Bucket}/{Key} failed (attempt {Attempt}); retrying.", _pipeline, pending.Bucket, pending.Key, attempt);
                    await Task.Delay(RetryDelay(attempt), cancellationToken).ConfigureAwait(false);
                }
            }
            _uploaded.Writer.TryWrite(upload);
        }
    }

    /// <summary>250 ms doubling per attempt, at most 30 s.</summary>
    public static TimeSpan RetryDelay(int attempt) => TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * (1 << Math.Min(attempt, 7))));

    /// <summary>Stops uploading (an upload in progress is cancelled; its object stays pending in the state).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>A pending object and the positions its upload makes reportable.</summary>
    public readonly record struct Upload(PendingObject Pending, IReadOnlyDictionary<int, long> Positions);
}
