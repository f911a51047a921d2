using System.Collections.Concurrent;

namespace Tributary.Delivery.Engine;

/// <summary>A pipeline's live counters (thread-safe); <see cref="Snapshot"/> gives the figures.</summary>
public sealed class DeliveryCounters
{
    private long _incomingBytes;
    private long _incomingRecords;
    private long _incomingPutRequests;
    private long _deliveredBytes;
    private long _deliveredRecords;
    private long _deliveredObjects;
    private long _deliveryRetries;
    private readonly ConcurrentDictionary<string, long> _failed = new(StringComparer.Ordinal);

    /// <summary>Arrival (ms) of the oldest record read but not yet delivered; long.MaxValue when none. Set by the engine.</summary>
    public long OldestUndeliveredMs { get; set; } = long.MaxValue;

    public void Incoming(long records, long bytes, bool putRequest)
    {
        Interlocked.Add(ref _incomingRecords, records);
        Interlocked.Add(ref _incomingBytes, bytes);
        if (putRequest)
        {
            Interlocked.Increment(ref _incomingPutRequests);
        }
    }

    public void Delivered(long records, long bytes)
    {
        Interlocked.Add(ref _deliveredRecords, records);
        Interlocked.Add(ref _deliveredBytes, bytes);
        Interlocked.Increment(ref _deliveredObjects);
    }

    public void Failed(string errorOutputType, long records) => _failed.AddOrUpdate(errorOutputType, records, (_, n) => n + records);

    public void Retry() => Interlocked.Increment(ref _deliveryRetries);

    public DeliveryMetrics Snapshot(long nowMs)
    {
        var oldest = OldestUndeliveredMs;
        return new DeliveryMetrics
        {
            IncomingBytes = Interlocked.Read(ref _incomingBytes),
            IncomingRecords = Interlocked.Read(ref _incomingRecords),
            IncomingPutRequests = Interlocked.Read(ref _incomingPutRequests),
            DeliveredBytes = Interlocked.Read(ref _deliveredBytes),
            DeliveredRecords = Interlocked.Read(ref _deliveredRecords),
            DeliveredObjects = Interlocked.Read(ref _deliveredObjects),
            DeliveryRetries = Interlocked.Read(ref _deliveryRetries),
            DataFreshnessSeconds = oldest == long.MaxValue ? 0 : Math.Max(0, (nowMs - oldest) / 1000.0),
            FailedRecordsByType = new Dictionary<string, long>(_failed, StringComparer.Ordinal),
        };
    }
}

/// <summary>
/// Counters since the process started. DataFreshnessSeconds is the age of the oldest record read but not yet delivered
/// (0 when nothing waits). Failures are by error output type (records) and by object write retries.
/// </summary>
public sealed record DeliveryMetrics
{
    public long IncomingBytes { get; init; }
    public long IncomingRecords { get; init; }
    public long IncomingPutRequests { get; init; }
    public long DeliveredBytes { get; init; }
    public long DeliveredRecords { get; init; }
    public long DeliveredObjects { get; init; }
    public double DataFreshnessSeconds { get; init; }
    public long DeliveryRetries { get; init; }
    public IReadOnlyDictionary<string, long> FailedRecordsByType { get; init; } = new Dictionary<string, long>();
}
