using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging;
using Tributary.ObjectStores;

namespace Tributary.MskConnect.Workers;

/// <summary>
/// Collects one connector's worker log lines, each as <c>[Worker-ID] line</c> like MSK Connect's log events, and
/// delivers them every flush interval (and at stop): to S3 (the embedded bucket) as one gzip object per flush under
/// <c>PREFIX/AWSLogs/ACCOUNT/KafkaConnect/REGION/NAME-ID/yyyy/MM/dd/HH/</c>; to a delivery stream, a record per line;
/// and, for <c>cloudWatchLogs</c> (Tributary has no CloudWatch Logs API), appended to
/// <c>&lt;connector dir&gt;/cloudwatch/&lt;log group&gt;.log</c>. Like MSK, it limits what it keeps: past
/// <see cref="MaxBufferedLines"/> lines between flushes the rest are dropped and counted in one line of their own.
/// A destination that fails (bucket or stream missing) is logged on the server and retried at the next flush with
/// the next lines; lines are not kept for it. <see cref="Add"/> is thread-safe (worker output arrives on several
/// threads); <see cref="FlushAsync"/> is called by the runtime's loop only.
/// </summary>
internal sealed class WorkerLogDelivery(
    LogDestinations destinations, string connectorName, string connectorId, string region, string accountId, IObjectStore store,
    ILogDeliveryStreams? streams, string directory, ILogger logger)
{
    /// <summary>Lines kept between two flushes.</summary>
    public const int MaxBufferedLines = 20_000;

    private const int MaxRecordsPerPut = 500;
    private const int MaxBytesPerPut = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private List<string> _lines = [];
    private long _dropped;
    private long _sequence;

    public bool Enabled => destinations.Any;

    /// <summary>A line the worker <paramref name="workerId"/> printed.</summary>
    public void Add(string workerId, string line)
    {
        lock (_lock)
        {
            if (_lines.Count >= MaxBufferedLines)
            {
                _dropped++;
                return;
            }
            _lines.Add($"[Worker-{workerId}] {line}");
        }
    }

    /// <summary>Delivers the lines collected since the last flush to every destination.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<string> lines;
        long dropped;
        lock (_lock)
        {
            if (_lines.Count == 0 && _dropped == 0)
            {
                return;
            }
            (lines, _lines) = (_lines, []);
            (dropped, _dropped) = (_dropped, 0);
        }
        if (dropped > 0)
        {
            lines.Add($"[Tributary] {dropped.ToString(CultureInfo.InvariantCulture)} worker log lines were dropped: more than {MaxBufferedLines} arrived between two deliveries.");
        }
        var now = DateTimeOffset.UtcNow;
        if (destinations.S3Bucket is { } bucket)
        {
            await Deliver("S3 bucket " + bucket, () => PutObjectAsync(bucket, lines, now, cancellationToken)).ConfigureAwait(false);
        }
        if (destinations.DeliveryStream is { } stream)
        {
            await Deliver("delivery stream " + stream, () => PutRecordsAsync(stream, lines, cancellationToken)).ConfigureAwait(false);
        }
        if (destinations.LogGroup is { } group)
        {
            await Deliver("log group " + group, () => AppendAsync(group, lines, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task Deliver(string destination, Func<Task> deliver)
    {
        try
        {
            await deliver().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("MSK connector {Name}: worker logs not delivered to {Destination}: {Message}", connectorName, destination, e.Message);
        }
    }

    /// <summary>The object key of a flush: our layout (MSK documents none), one object per flush, sortable by time.</summary>
    public string ObjectKey(DateTimeOffset time, long sequence)
    {
        var folder = string.Create(CultureInfo.InvariantCulture,
            $"AWSLogs/{accountId}/KafkaConnect/{region}/{connectorName}-{connectorId}/{time:yyyy}/{time:MM}/{time:dd}/{time:HH}/");
        var name = string.Create(CultureInfo.InvariantCulture, $"{connectorId}_{time:yyyyMMdd'T'HHmmss'Z'}_{sequence:D6}.log.gz");
        return (destinations.S3Prefix is { } prefix ? prefix.TrimEnd('/') + "/" : "") + folder + name;
    }

    private async Task PutObjectAsync(string bucket, List<string> lines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        await using (var writer = new StreamWriter(gzip, new UTF8Encoding(false)))
        {
            foreach (var line in lines)
            {
                await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync('\n').ConfigureAwait(false);
            }
        }
        var key = ObjectKey(now, Interlocked.Increment(ref _sequence));
        await store.PutAsync(bucket, key, ObjectContent.FromBytes(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)), cancellationToken).ConfigureAwait(false);
    }

    private async Task PutRecordsAsync(string stream, List<string> lines, CancellationToken cancellationToken)
    {
        if (streams is null)
        {
            throw new InvalidOperationException("delivery streams are not available on this server");
        }
        var batch = new List<ReadOnlyMemory<byte>>(Math.Min(lines.Count, MaxRecordsPerPut));
        var bytes = 0;
        foreach (var line in lines)
        {
            var record = Encoding.UTF8.GetBytes(line + "\n");
            if (batch.Count == MaxRecordsPerPut || bytes + record.Length > MaxBytesPerPut)
            {
                await streams.PutAsync(stream, batch, cancellationToken).ConfigureAwait(false);
                batch = new List<ReadOnlyMemory<byte>>(MaxRecordsPerPut);
                bytes = 0;
            }
            batch.Add(record);
            bytes += record.Length;
        }
        if (batch.Count > 0)
        {
            await streams.PutAsync(stream, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AppendAsync(string group, List<string> lines, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(directory, "cloudwatch");
        Directory.CreateDirectory(folder);
        // A log group name may hold '/', '.', '#', '-', '_' (CloudWatch's rule); the file name keeps it readable.
        var file = Path.Combine(folder, string.Concat(group.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' or '#' ? c : '_')) + ".log");
        await File.AppendAllLinesAsync(file, lines, cancellationToken).ConfigureAwait(false);
    }
}
