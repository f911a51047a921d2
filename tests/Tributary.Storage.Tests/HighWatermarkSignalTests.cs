namespace Tributary.Storage.Tests;

public class HighWatermarkSignalTests
{
    [Theory]
    [InlineData(FlushPolicy.Os)]
    [InlineData(FlushPolicy.EveryAppend)]
    public async Task The_signal_completes_when_the_high_watermark_passes_the_offset(FlushPolicy policy)
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = policy });
        Assert.True(log.WhenHighWatermarkExceeds(-1).IsCompleted);
        var first = log.WhenHighWatermarkExceeds(0);
        var second = log.WhenHighWatermarkExceeds(0);
        Assert.False(first.IsCompleted);
        log.Append(Batches.Make(2));
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, log.HighWatermark);
        Assert.True(log.WhenHighWatermarkExceeds(1).IsCompleted);
        Assert.False(log.WhenHighWatermarkExceeds(2).IsCompleted);
    }

    [Fact]
    public async Task Closing_the_log_releases_waiters_and_reads_refuse_instead_of_spinning()
    {
        using var dir = new TempDirectory();
        var log = PartitionLog.Open(dir.Path, new LogConfig { FlushPolicy = FlushPolicy.Os });
        log.Append(Batches.Make(1));
        var waiting = log.WhenHighWatermarkExceeds(1);
        log.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Throws<ObjectDisposedException>(() => log.Read(0, 1024));
    }
}
