using System.Diagnostics;
using Tributary.Connect.Errors;
using Tributary.Connect.Source;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// The queue between a CDC reader and the worker's polls: a completed queue (an initial_only snapshot is done) still
/// waits the poll interval before answering null, since the worker polls again at once and would otherwise spin; a
/// failed one throws the reason at once; records waiting are returned without waiting.
/// </summary>
public sealed class ChangeEventQueueTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_completed_queue_answers_null_after_the_poll_interval_not_at_once()
    {
        var queue = new ChangeEventQueue(10, 10, Interval);
        queue.Complete();
        for (var i = 0; i < 2; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Null(await queue.PollAsync(CancellationToken.None));
            Assert.True(watch.Elapsed >= Interval - TimeSpan.FromMilliseconds(20), $"poll {i} returned after {watch.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task Records_come_at_once_and_a_failure_is_thrown_at_once()
    {
        var queue = new ChangeEventQueue(10, 10, TimeSpan.FromMinutes(5));
        var record = new SourceRecord(new Dictionary<string, object?>(), new Dictionary<string, object?>(), "t", null, "v");
        await queue.EnqueueAsync(record, CancellationToken.None);
        Assert.Same(record, Assert.Single((await queue.PollAsync(CancellationToken.None))!));
        queue.Fail(new InvalidOperationException("boom"), "the reader failed");
        var error = await Assert.ThrowsAsync<ConnectException>(async () => await queue.PollAsync(CancellationToken.None));
        Assert.Equal("the reader failed", error.Message);
    }

    [Fact]
    public async Task Stopping_cancels_the_wait()
    {
        var queue = new ChangeEventQueue(10, 10, TimeSpan.FromMinutes(5));
        queue.Complete();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.PollAsync(stop.Token));
    }
}
