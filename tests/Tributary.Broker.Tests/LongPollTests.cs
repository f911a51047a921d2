using System.Diagnostics;

namespace Tributary.Broker.Tests;

public class LongPollTests
{
    [Fact]
    public async Task A_long_poll_returns_as_soon_as_data_arrives()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 2, null);
        var stopwatch = Stopwatch.StartNew();
        var fetch = broker.FetchAsync([new("t", 0, 0, 1 << 20), new("t", 1, 0, 1 << 20)], 30_000, 1, 1 << 20).AsTask();
        await Task.Delay(200);
        Assert.False(fetch.IsCompleted);
        await broker.ProduceAsync("t", 1, Batches.Make(2), Acks.Leader);
        var results = await fetch.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Null(results[0].Records);
        Assert.Equal([(0L, "v-0"), (1L, "v-1")], Batches.Records(results[1]));
        Batches.DisposeAll(results);
    }

    [Fact]
    public async Task A_long_poll_without_data_returns_empty_after_max_wait()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var stopwatch = Stopwatch.StartNew();
        var results = await broker.FetchAsync([new("t", 0, 0, 1 << 20)], 300, 1, 1 << 20);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 280, 5_000);
        Assert.Equal((ErrorCode.None, 0L), (results[0].Error, results[0].HighWatermark));
        Assert.Null(results[0].Records);
    }

    [Fact]
    public async Task A_long_poll_waits_until_min_bytes_are_there()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, null);
        var one = Batches.Make(1).Length;
        var fetch = broker.FetchAsync([new("t", 0, 0, 1 << 20)], 30_000, (2 * one) + 1, 1 << 20).AsTask();
        await broker.ProduceAsync("t", 0, Batches.Make(1), Acks.All);
        await broker.ProduceAsync("t", 0, Batches.Make(1), Acks.All);
        await Task.Delay(200);
        Assert.False(fetch.IsCompleted);
        await broker.ProduceAsync("t", 0, Batches.Make(1), Acks.All);
        var results = await fetch.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, Batches.Records(results[0]).Count);
        Batches.DisposeAll(results);
    }
}
