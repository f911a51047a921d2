namespace Tributary.Storage;

/// <summary>
/// The process-wide threads that run group commits (<see cref="PartitionLog"/>'s fsyncs). A log that has
/// unflushed data queues itself once (<see cref="Schedule"/>); a free thread takes it and calls back into the
/// log, which fsyncs and completes its waiters.
/// <para>Why dedicated threads and not the thread pool: an fsync blocks its thread for the whole disk round
/// trip (0.3–20 ms on the benchmark's virtual disk). When each log's flusher ran as a thread-pool task, six
/// partitions flushing at once blocked every worker of the pool on a 2-core machine, so the continuations that
/// answer produces and send responses queued behind fsyncs until the pool injected threads — acks=all p99 of
/// 25 ms at half the peak rate. Here a blocked fsync holds only its own thread, and a flush starts without
/// waiting for a pool worker.</para>
/// <para>Thread-safety: <see cref="Schedule"/> may be called from any thread.</para>
/// </summary>
internal static class FlushThreads
{
    /// <summary>
    /// Threads that may block in fsync at the same time. Different logs' fsyncs run in parallel (the disk and
    /// the file system's journal serve them together); more partitions than threads queue. Threads start on
    /// first use and live as long as the process (background threads).
    /// </summary>
    public static readonly int Count = Math.Clamp(Environment.ProcessorCount * 4, 8, 32);

    private static readonly Queue<PartitionLog> Queued = new();
    private static readonly object QueueLock = new();
    private static int _started;

    /// <summary>Queues <paramref name="log"/> for a flush. The log guarantees it is queued at most once at a time.</summary>
    public static void Schedule(PartitionLog log)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            Start();
        }
        lock (QueueLock)
        {
            Queued.Enqueue(log);
            Monitor.Pulse(QueueLock);
        }
    }

    private static void Start()
    {
        lock (QueueLock)
        {
            if (_started != 0)
            {
                return;
            }
            for (var i = 0; i < Count; i++)
            {
                new Thread(Run) { IsBackground = true, Name = $"log-flush-{i}" }.Start();
            }
            Volatile.Write(ref _started, 1);
        }
    }

    private static void Run()
    {
        while (true)
        {
            PartitionLog log;
            lock (QueueLock)
            {
                while (!Queued.TryDequeue(out log!))
                {
                    Monitor.Wait(QueueLock);
                }
            }
            log.RunScheduledFlush();
        }
    }
}
