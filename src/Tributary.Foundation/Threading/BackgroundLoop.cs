namespace Tributary.Foundation.Threading;

/// <summary>
/// The one long-running loop an object owns (a topic follower, a group member): started once on the thread pool with
/// a token that <see cref="StopAsync"/> cancels; stopping waits for the loop to end, and a loop that ends through that
/// cancellation ends normally. Contract: the owner calls Start once, then StopAsync and Dispose once, not concurrently
/// with each other; <see cref="HasEnded"/> may be read from any thread.
/// </summary>
public sealed class BackgroundLoop : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Whether the loop was started and has ended (stopped, or failed on its own).</summary>
    public bool HasEnded => _loop is { IsCompleted: true };

    /// <summary>Whether the loop was started.</summary>
    public bool HasStarted => _loop is not null;

    public void Start(Func<CancellationToken, Task> body) => _loop = Task.Run(() => body(_stopping.Token), CancellationToken.None);

    /// <summary>Cancels the loop's token and waits for the loop to end (at once if it never started).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public void Dispose() => _stopping.Dispose();
}
