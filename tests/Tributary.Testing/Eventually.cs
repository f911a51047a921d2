namespace Tributary.Testing;

/// <summary>
/// Waiting on an observable condition (a status, a metric, a file, a count) with a deadline, instead of sleeping a
/// fixed time: the wait ends as soon as the condition holds, and a condition that never holds fails with what was
/// awaited rather than passing or hanging.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> (default 20 ms) until it holds; fails the test at the deadline.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting for: {what}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>As above, with the description built only when the wait fails (it may show state worth seeing).</summary>
    public static async Task HoldsAsync(Func<bool> condition, Func<string> describe, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds} s waiting for: {(DateTime.UtcNow < deadline ? "" : describe())}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>The asynchronous form: <paramref name="condition"/> may call the server.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting for: {what}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>The asynchronous form with the description built only when the wait fails.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> describe, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds} s waiting for: {(DateTime.UtcNow < deadline ? "" : describe())}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }
}
