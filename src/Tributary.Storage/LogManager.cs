using System.Collections.Concurrent;
using Tributary.Foundation.IO;

namespace Tributary.Storage;

/// <summary>Settings of the log manager itself (the data directory and its schedules).</summary>
public sealed record LogManagerOptions
{
    /// <summary>Defaults for logs created without explicit settings.</summary>
    public LogConfig DefaultLogConfig { get; init; } = LogConfig.Default;

    /// <summary><c>log.retention.check.interval.ms</c>: how often retention runs (5 minutes).</summary>
    public int RetentionCheckIntervalMs { get; init; } = 5 * 60 * 1000;

    /// <summary><c>log.cleaner.backoff.ms</c>: how often compaction looks for work (15 s).</summary>
    public int CleanerBackoffMs { get; init; } = 15 * 1000;

    /// <summary><c>log.flush.offset.checkpoint.interval.ms</c>: how often recovery checkpoints are written (60 s).</summary>
    public int CheckpointIntervalMs { get; init; } = 60 * 1000;

    /// <summary>How many logs are opened at once at start; opening is I/O bound.</summary>
    public int OpenParallelism { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Time source for retention and compaction (tests move it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Which subdirectories of the data directory are logs (given the directory name); null means every one
    /// not starting with a dot. Lets the broker keep its own metadata directory beside the logs.
    /// </summary>
    public Func<string, bool>? IsLogDirectory { get; init; }
}

/// <summary>
/// Owns a data directory of partition logs (<c>&lt;data dir&gt;/&lt;name&gt;/</c>, e.g. <c>orders-0</c>): opens them in
/// parallel at start, creates and deletes them, and runs retention, compaction and checkpoint schedules
/// in the background. A lock file keeps a second process out of the same directory.
/// <para>Thread-safety: all members are safe to call concurrently.</para>
/// </summary>
public sealed class LogManager : IAsyncDisposable
{
    public const string LockFileName = ".lock";

    private readonly ConcurrentDictionary<string, PartitionLog> _logs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly FileStream _lock;
    private readonly Func<string, LogConfig> _configFor;
    private Task _scheduler = Task.CompletedTask;

    private LogManager(string dataDirectory, LogManagerOptions options, Func<string, LogConfig>? configFor, FileStream lockFile)
    {
        DataDirectory = dataDirectory;
        Options = options;
        _configFor = configFor ?? (_ => options.DefaultLogConfig);
        _lock = lockFile;
    }

    public string DataDirectory { get; }

    public LogManagerOptions Options { get; }

    public IReadOnlyCollection<PartitionLog> Logs => (IReadOnlyCollection<PartitionLog>)_logs.Values;

    /// <summary>
    /// Opens every log under <paramref name="dataDirectory"/> (creating the directory if needed) and starts
    /// the background schedules. <paramref name="configFor"/> gives each existing log its settings (the broker
    /// passes topic configs); by default all get <see cref="LogManagerOptions.DefaultLogConfig"/>.
    /// </summary>
    public static async Task<LogManager> OpenAsync(string dataDirectory, LogManagerOptions? options = null, Func<string, LogConfig>? configFor = null, CancellationToken cancellationToken = default)
    {
        options ??= new LogManagerOptions();
        Directory.CreateDirectory(dataDirectory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The data directory {dataDirectory} is in use by another process.", e);
        }
        var manager = new LogManager(dataDirectory, options, configFor, lockFile);
        try
        {
            var directories = Directory.GetDirectories(dataDirectory)
                .Where(d => !Path.GetFileName(d).StartsWith('.') && (options.IsLogDirectory?.Invoke(Path.GetFileName(d)) ?? true))
                .ToArray();
            await Parallel.ForEachAsync(
                directories,
                new ParallelOptions { MaxDegreeOfParallelism = options.OpenParallelism, CancellationToken = cancellationToken },
                (directory, _) =>
                {
                    var name = Path.GetFileName(directory);
                    manager._logs[name] = PartitionLog.Open(directory, manager._configFor(name));
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
        }
        catch
        {
            await manager.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        manager._scheduler = Task.Run(manager.RunSchedulesAsync);
        return manager;
    }

    public bool TryGet(string name, out PartitionLog log) => _logs.TryGetValue(name, out log!);

    /// <summary>Returns the log called <paramref name="name"/>, creating it with <paramref name="config"/> if it does not exist.</summary>
    public PartitionLog GetOrCreate(string name, LogConfig? config = null)
    {
        ValidateName(name);
        if (_logs.TryGetValue(name, out var existing))
        {
            return existing;
        }
        lock (_logs)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_logs.TryGetValue(name, out existing))
            {
                return existing;
            }
            var log = PartitionLog.Open(Path.Combine(DataDirectory, name), config ?? _configFor(name));
            NativeFile.FlushDirectory(DataDirectory);
            _logs[name] = log;
            return log;
        }
    }

    /// <summary>Closes and deletes a log and its directory. Returns false if there was none.</summary>
    public bool Delete(string name)
    {
        lock (_logs)
        {
            if (!_logs.TryRemove(name, out var log))
            {
                return false;
            }
            log.Dispose();
            // Rename first so that a crash mid-delete leaves a directory the next start removes, not a half log.
            // Long names are shortened so the hidden name stays within NAME_MAX (255); the suffix keeps it unique.
            var doomed = Path.Combine(DataDirectory, "." + name[..Math.Min(name.Length, 200)] + "." + Guid.NewGuid().ToString("N") + ".deleted");
            Directory.Move(log.Directory, doomed);
            NativeFile.FlushDirectory(DataDirectory);
            Directory.Delete(doomed, recursive: true);
            return true;
        }
    }

    /// <summary>Runs retention on every log now (the schedule calls this too).</summary>
    public int ApplyRetention()
    {
        var now = Options.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var deleted = 0;
        foreach (var log in _logs.Values)
        {
            deleted += log.ApplyRetention(now);
        }
        return deleted;
    }

    /// <summary>Runs a compaction pass on every log whose policy includes compact.</summary>
    public int Compact()
    {
        var now = Options.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var cleaned = 0;
        foreach (var log in _logs.Values)
        {
            cleaned += log.Compact(now).SegmentsCleaned;
        }
        return cleaned;
    }

    public void WriteCheckpoints()
    {
        foreach (var log in _logs.Values)
        {
            log.WriteCheckpoint();
        }
    }

    private async Task RunSchedulesAsync()
    {
        RemoveLeftoverDeletions();
        var token = _stopping.Token;
        var time = Options.Time;
        var nextRetention = time.GetTimestamp();
        var nextClean = nextRetention;
        var nextCheckpoint = nextRetention;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Min(Options.RetentionCheckIntervalMs, Math.Min(Options.CleanerBackoffMs, Options.CheckpointIntervalMs)))), time, token).ConfigureAwait(false);
                var now = time.GetTimestamp();
                if (time.GetElapsedTime(nextRetention, now) >= TimeSpan.Zero)
                {
                    ApplyRetention();
                    nextRetention = now + (long)(Options.RetentionCheckIntervalMs / 1000.0 * time.TimestampFrequency);
                }
                if (time.GetElapsedTime(nextClean, now) >= TimeSpan.Zero)
                {
                    Compact();
                    nextClean = now + (long)(Options.CleanerBackoffMs / 1000.0 * time.TimestampFrequency);
                }
                if (time.GetElapsedTime(nextCheckpoint, now) >= TimeSpan.Zero)
                {
                    WriteCheckpoints();
                    nextCheckpoint = now + (long)(Options.CheckpointIntervalMs / 1000.0 * time.TimestampFrequency);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // One failing log must not stop maintenance of the others; the log itself records the failure.
                Console.Error.WriteLine($"tributary: log maintenance failed: {e.Message}");
            }
        }
    }

    private void RemoveLeftoverDeletions()
    {
        foreach (var directory in Directory.GetDirectories(DataDirectory, ".*.deleted"))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255 || name.StartsWith('.') || name.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/'))
        {
            throw new ArgumentException($"'{name}' is not a valid log name.", nameof(name));
        }
    }

    /// <summary>Stops the schedules and closes every log cleanly (flush, checkpoint), then releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        try
        {
            await _scheduler.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_logs)
        {
            Parallel.ForEach(_logs.Values, log => log.Dispose());
            _logs.Clear();
        }
        _lock.Dispose();
    }
}
