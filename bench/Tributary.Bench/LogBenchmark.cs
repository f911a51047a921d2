using System.Buffers;
using System.Diagnostics;
using Tributary.Protocol.Records;
using Tributary.Storage;

namespace Tributary.Bench;

/// <summary>
/// The log engine against raw file I/O on the same disk, in one run: append without fsync, append with
/// group commit every 5 ms, sequential read, and reopen after a clean shutdown and after a crash.
/// </summary>
public static class LogBenchmark
{
    private const int RecordValueBytes = 100;
    private const int ReadChunkBytes = 1024 * 1024;

    public static void Run(BenchOptions options)
    {
        Directory.CreateDirectory(options.Directory);
        var batch = MakeBatch(options.BatchKiB * 1024, out var recordsPerBatch);
        var batches = options.VolumeMiB * 1024 * 1024 / batch.Length;
        var bytes = batches * batch.Length;
        Console.Error.WriteLine($"log benchmark: {batches} batches of {batch.Length} bytes ({recordsPerBatch} records of {RecordValueBytes} bytes), {bytes / (1 << 20)} MiB per run, {options.Repeat} runs each, in {options.Directory}");

        // 1. Append without fsync vs a plain sequential FileStream write of the same bytes.
        var raw = new List<double>();
        var log = new List<double>();
        for (var run = 0; run < options.Repeat; run++)
        {
            raw.Add(RawWrite(options, batch, batches, fsyncEveryMs: null));
            log.Add(LogAppend(options, batch, batches, new LogConfig { FlushPolicy = FlushPolicy.Os }));
        }
        ReportThroughput("log_append_nofsync", Report.Median(log), Report.Median(raw), bytes, batches * recordsPerBatch, "filestream_sequential_write");

        // A second reference for the same pair: positional writes (pwrite), the system call the log itself uses.
        var positional = new List<double>();
        for (var run = 0; run < options.Repeat; run++)
        {
            positional.Add(RawPositionalWrite(options, batch, batches));
        }
        ReportThroughput("log_append_nofsync", Report.Median(log), Report.Median(positional), bytes, batches * recordsPerBatch, "randomaccess_positional_write");

        // 2. Append with group commit every 5 ms vs a raw write fsynced every 5 ms.
        raw.Clear();
        log.Clear();
        for (var run = 0; run < options.Repeat; run++)
        {
            raw.Add(RawWrite(options, batch, batches, fsyncEveryMs: 5));
            log.Add(LogAppend(options, batch, batches, new LogConfig { FlushPolicy = FlushPolicy.Interval, FlushIntervalMs = 5 }));
        }
        ReportThroughput("log_append_fsync_5ms", Report.Median(log), Report.Median(raw), bytes, batches * recordsPerBatch, "filestream_write_fsync_every_5ms");

        // 3. Sequential read from the page cache vs FileStream reads of the same file.
        var readDir = Path.Combine(options.Directory, "read");
        LogAppend(options, batch, batches, new LogConfig { FlushPolicy = FlushPolicy.Os }, keepDirectory: readDir);
        var rawRead = new List<double>();
        var logRead = new List<double>();
        for (var run = 0; run < options.Repeat; run++)
        {
            rawRead.Add(RawRead(Path.Combine(readDir, LogSegment.FileName(0, LogSegment.LogSuffix))));
            logRead.Add(LogRead(readDir));
        }
        ReportThroughput("log_read_sequential", Report.Median(logRead), Report.Median(rawRead), bytes, batches * recordsPerBatch, "filestream_sequential_read");
        Directory.Delete(readDir, recursive: true);

        Reopen(options, batch);
    }

    private static void ReportThroughput(string bench, double seconds, double referenceSeconds, long bytes, long records, string referenceName)
    {
        var mbps = bytes / 1e6 / seconds;
        var referenceMbps = bytes / 1e6 / referenceSeconds;
        Report.Line(bench, "throughput", mbps, "MB/s", referenceMbps, referenceName);
        Report.Line(bench, "records_per_second", records / seconds, "records/s", records / referenceSeconds, referenceName);
    }

    /// <summary>A 16 KiB-ish batch of 100-byte records, built once and appended over and over.</summary>
    public static byte[] MakeBatch(int batchBytes, out int records)
    {
        var random = new Random(7);
        var value = new byte[RecordValueBytes];
        using var builder = new RecordBatchBuilder(1_700_000_000_000);
        records = 0;
        while (RecordBatchLayout.HeaderSize + builder.RecordsSize + RecordValueBytes + 8 <= batchBytes)
        {
            random.NextBytes(value);
            builder.Append(1_700_000_000_000 + records, default, value, hasKey: false);
            records++;
        }
        return builder.ToArray(new BatchOptions());
    }

    private static void DropDirtyPages()
    {
        using var sync = Process.Start("sync");
        sync?.WaitForExit();
    }

    private static double RawWrite(BenchOptions options, byte[] batch, long batches, int? fsyncEveryMs)
    {
        var path = Path.Combine(options.Directory, "raw.bin");
        File.Delete(path);
        DropDirtyPages();
        // CreateNew, not Create: opening with O_TRUNC makes ext4 (auto_da_alloc) start write-back at close,
        // which the log's files never trigger. The clock stops before close, as it does for the log.
        var watch = Stopwatch.StartNew();
        double seconds;
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096))
        {
            var lastSync = watch.ElapsedMilliseconds;
            for (var i = 0; i < batches; i++)
            {
                stream.Write(batch);
                if (fsyncEveryMs is { } interval && watch.ElapsedMilliseconds - lastSync >= interval)
                {
                    stream.Flush(flushToDisk: true);
                    lastSync = watch.ElapsedMilliseconds;
                }
            }
            if (fsyncEveryMs is not null)
            {
                stream.Flush(flushToDisk: true);
            }
            seconds = watch.Elapsed.TotalSeconds;
        }
        File.Delete(path);
        return seconds;
    }

    private static double RawPositionalWrite(BenchOptions options, byte[] batch, long batches)
    {
        var path = Path.Combine(options.Directory, "raw.bin");
        File.Delete(path);
        DropDirtyPages();
        var watch = Stopwatch.StartNew();
        double seconds;
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            long position = 0;
            for (var i = 0; i < batches; i++)
            {
                RandomAccess.Write(handle, batch, position);
                position += batch.Length;
            }
            seconds = watch.Elapsed.TotalSeconds;
        }
        File.Delete(path);
        return seconds;
    }

    private static double LogAppend(BenchOptions options, byte[] batch, long batches, LogConfig config, string? keepDirectory = null)
    {
        var directory = keepDirectory ?? Path.Combine(options.Directory, "log");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        DropDirtyPages();
        var copy = (byte[])batch.Clone();
        using var log = PartitionLog.Open(directory, config with { SegmentBytes = int.MaxValue });
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++)
        {
            log.Append(copy);
        }
        if (config.FlushPolicy != FlushPolicy.Os)
        {
            log.Flush();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        log.Dispose();
        if (keepDirectory is null)
        {
            Directory.Delete(directory, recursive: true);
        }
        return seconds;
    }

    private static double RawRead(string path)
    {
        var buffer = new byte[ReadChunkBytes];
        var watch = Stopwatch.StartNew();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096))
        {
            while (stream.Read(buffer) > 0)
            {
            }
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Reads the whole log as a consumer would: 1 MiB reads into a pooled buffer, batch boundaries walked.</summary>
    private static double LogRead(string directory)
    {
        using var log = PartitionLog.Open(directory, new LogConfig { FlushPolicy = FlushPolicy.Os, SegmentBytes = int.MaxValue });
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunkBytes + 64 * 1024);
        var watch = Stopwatch.StartNew();
        long offset = 0;
        while (offset < log.HighWatermark)
        {
            using var read = log.Read(offset, ReadChunkBytes);
            read.CopyTo(buffer);
            var position = 0;
            while (position < read.Length)
            {
                offset = RecordBatch.NextOffset(buffer.AsSpan(position));
                position += RecordBatch.TotalSize(buffer.AsSpan(position));
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        ArrayPool<byte>.Shared.Return(buffer);
        return seconds;
    }

    /// <summary>
    /// Reopen of a multi-GiB log after a clean shutdown (no scan), and after a crash with tails of growing
    /// size: a second instance opens the directory while the first still has it open, which is exactly
    /// what a restarted process finds after a crash (the checkpoint is behind, the tail unindexed).
    /// </summary>
    private static void Reopen(BenchOptions options, byte[] batch)
    {
        var directory = Path.Combine(options.Directory, "reopen");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        var config = new LogConfig { FlushPolicy = FlushPolicy.Os };
        var batches = ((long)options.ReopenGiB * 1024 * 1024 * 1024 / batch.Length) + 1;
        var copy = (byte[])batch.Clone();
        using (var log = PartitionLog.Open(directory, config))
        {
            for (var i = 0; i < batches; i++)
            {
                log.Append(copy);
            }
        }
        DropDirtyPages();
        long totalBytes = Directory.GetFiles(directory, "*.log").Sum(f => new FileInfo(f).Length);

        var fullScan = Stopwatch.StartNew();
        foreach (var file in Directory.GetFiles(directory, "*.log"))
        {
            RawRead(file);
        }
        var fullScanMs = fullScan.Elapsed.TotalMilliseconds;

        var open = Stopwatch.StartNew();
        var live = PartitionLog.Open(directory, config);
        var cleanMs = open.Elapsed.TotalMilliseconds;
        Report.Line("log_reopen_clean", "open_ms", cleanMs, "ms", fullScanMs, "raw_read_of_whole_log_ms",
            $"log {Report.Format(totalBytes / (double)(1L << 30))} GiB in {Directory.GetFiles(directory, "*.log").Length} segments; scanned {live.LastRecovery.BytesScanned} bytes; target < 1000 ms");

        foreach (var tailMiB in new[] { 0, 64, 256, 1024 })
        {
            var tailBatches = (long)tailMiB * 1024 * 1024 / batch.Length;
            for (var i = 0; i < tailBatches; i++)
            {
                live.Append(copy);
            }
            var tailBytes = tailBatches * batch.Length;
            var rawTail = Stopwatch.StartNew();
            ReadTail(directory, tailBytes);
            var rawTailMs = rawTail.Elapsed.TotalMilliseconds;
            var crashOpen = Stopwatch.StartNew();
            using var recovered = PartitionLog.Open(directory, config);
            var crashMs = crashOpen.Elapsed.TotalMilliseconds;
            Report.Line("log_reopen_after_crash", $"open_ms_tail_{tailMiB}mib", crashMs, "ms", rawTailMs, "raw_read_of_tail_ms",
                $"log {Report.Format((totalBytes + tailBytes) / (double)(1L << 30))} GiB; scanned {recovered.LastRecovery.BytesScanned} bytes");
        }
        live.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Reads the last <paramref name="tailBytes"/> of the log's segment files, across files as needed.</summary>
    private static void ReadTail(string directory, long tailBytes)
    {
        var buffer = new byte[ReadChunkBytes];
        foreach (var file in Directory.GetFiles(directory, "*.log").Order(StringComparer.Ordinal).Reverse())
        {
            if (tailBytes <= 0)
            {
                break;
            }
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            var start = Math.Max(0, stream.Length - tailBytes);
            tailBytes -= stream.Length - start;
            stream.Seek(start, SeekOrigin.Begin);
            while (stream.Read(buffer) > 0)
            {
            }
        }
    }

    /// <summary>Bytes allocated per append on the appending thread (the hot path), against a raw positional write.</summary>
    public static void RunAllocations(BenchOptions options)
    {
        Directory.CreateDirectory(options.Directory);
        var batch = MakeBatch(1024, out _);
        const int appends = 200_000;
        foreach (var policy in new[] { FlushPolicy.Os, FlushPolicy.EveryAppend })
        {
            var directory = Path.Combine(options.Directory, "alloc-" + policy);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
            using (var log = PartitionLog.Open(directory, new LogConfig { FlushPolicy = policy }))
            {
                for (var i = 0; i < 10_000; i++)
                {
                    log.Append(batch);
                }
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < appends; i++)
                {
                    log.Append(batch);
                }
                var perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)appends;

                var path = Path.Combine(options.Directory, "alloc-raw.bin");
                using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
                long position = 0;
                for (var i = 0; i < 10_000; i++)
                {
                    RandomAccess.Write(handle, batch, position);
                    position += batch.Length;
                }
                var rawBefore = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < appends; i++)
                {
                    RandomAccess.Write(handle, batch, position);
                    position += batch.Length;
                }
                var rawPerWrite = (GC.GetAllocatedBytesForCurrentThread() - rawBefore) / (double)appends;
                Report.Line("log_append_allocations", "bytes_per_append_" + policy.ToString().ToLowerInvariant(), perAppend, "bytes", rawPerWrite, "randomaccess_write_bytes_per_call",
                    $"{appends} appends of a {batch.Length}-byte batch on one thread; target 0");
                File.Delete(path);
            }
            Directory.Delete(directory, recursive: true);
        }
    }
}
