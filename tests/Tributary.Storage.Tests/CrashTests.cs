using System.Diagnostics;
using System.Text;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;
using Xunit.Abstractions;

namespace Tributary.Storage.Tests;

/// <summary>
/// Kills a real process that appends to a log (SIGKILL) at random moments, many times over the same
/// directory, and checks after each kill: every batch the writer was told is durable is present and
/// intact at its offset, nothing unreadable is served, and offsets are contiguous to a cleanly cut end.
/// SIGKILL does not drop the page cache, so this proves the process-crash path (torn application state,
/// recovery, restart during recovery); power loss is covered by the file-damage tests in RecoveryTests.
/// </summary>
[Trait("Category", "crash")]
public class CrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("every-append", 14)]
    [InlineData("interval", 8)]
    [InlineData("os", 6)]
    public void Kill_minus_nine_at_random_moments_never_loses_a_durable_batch(string policy, int rounds)
    {
        using var dir = new TempDirectory();
        var logDir = dir.File("log");
        var random = new Random(policy.GetHashCode(StringComparison.Ordinal) ^ 12345);
        var durable = new Dictionary<long, (long BaseOffset, int Count)>();
        var writerDll = Path.Combine(AppContext.BaseDirectory, "Tributary.Storage.CrashWriter.dll");
        Assert.True(File.Exists(writerDll), "crash writer not built: " + writerDll);
        long totalKilledAfterMs = 0;
        for (var round = 0; round < rounds; round++)
        {
            var firstIndex = round * 10_000_000L;
            var start = new ProcessStartInfo("dotnet", [writerDll, logDir, policy, firstIndex.ToString(), "65536"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var lines = new List<string>();
            var ready = new ManualResetEventSlim();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }
                lock (lines)
                {
                    lines.Add(e.Data);
                }
                if (e.Data.StartsWith("ready", StringComparison.Ordinal))
                {
                    ready.Set();
                }
            };
            process.BeginOutputReadLine();
            // Some kills land during start-up and recovery, most while appending.
            var killDuringStartup = round % 5 == 4;
            if (!killDuringStartup)
            {
                if (!ready.Wait(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail("writer did not start: " + process.StandardError.ReadToEnd());
                }
            }
            var delay = killDuringStartup ? random.Next(0, 150) : random.Next(20, 400);
            totalKilledAfterMs += delay;
            Thread.Sleep(delay);
            process.Kill(entireProcessTree: true);
            Assert.True(process.WaitForExit(30_000));
            process.WaitForExit();
            lock (lines)
            {
                foreach (var line in lines.Where(l => l.StartsWith("durable ", StringComparison.Ordinal)))
                {
                    var parts = line.Split(' ');
                    durable[long.Parse(parts[1])] = (long.Parse(parts[2]), int.Parse(parts[3]));
                }
            }
            if (Directory.Exists(logDir))
            {
                Verify(logDir, durable);
            }
        }
        output.WriteLine($"{rounds} kills, {durable.Count} batches reported durable, mean kill delay {totalKilledAfterMs / rounds} ms");
        Assert.True(durable.Count > rounds, "the writer should have reported durable batches");
    }

    private static void Verify(string logDir, Dictionary<long, (long BaseOffset, int Count)> durable)
    {
        using var log = PartitionLog.Open(logDir, new LogConfig { FlushPolicy = FlushPolicy.Os, SegmentBytes = 65536 });
        var found = new Dictionary<long, (long BaseOffset, int Count)>();
        using var scratch = new PooledBufferWriter();
        var offset = log.LogStartOffset;
        while (offset < log.HighWatermark)
        {
            using var read = log.Read(offset, 256 * 1024);
            Assert.False(read.IsEmpty);
            foreach (var batch in Batches.Split(read.ToArray()))
            {
                Assert.Equal(offset, RecordBatch.BaseOffset(batch));
                var reader = BatchRecords.Read(batch, scratch);
                long index = -1;
                var count = 0;
                while (reader.TryReadNext(out var record))
                {
                    var key = Encoding.UTF8.GetString(record.Key);
                    var dash = key.IndexOf("-r", StringComparison.Ordinal);
                    index = long.Parse(key.AsSpan(1, dash - 1));
                    var r = int.Parse(key.AsSpan(dash + 2));
                    Assert.Equal(count, r);
                    Assert.True(CrashBatch.Value(index, r).AsSpan().SequenceEqual(record.Value), $"value of {key} differs");
                    count++;
                }
                Assert.Equal(CrashBatch.RecordCount(index), count);
                found[index] = (RecordBatch.BaseOffset(batch), count);
                offset = RecordBatch.NextOffset(batch);
            }
        }
        Assert.Equal(log.LogEndOffset, offset);
        foreach (var (index, expected) in durable)
        {
            Assert.True(found.TryGetValue(index, out var actual), $"batch {index} was reported durable but is missing");
            Assert.Equal(expected, actual);
        }
    }
}
