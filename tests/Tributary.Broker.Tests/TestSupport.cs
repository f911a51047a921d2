using System.Text;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Broker.Tests;

/// <summary>A broker on a temporary data directory; reopen it to test restarts. Removes the directory on dispose.</summary>
public sealed class BrokerFixture : IAsyncDisposable
{
    public BrokerFixture(Func<BrokerOptions, BrokerOptions>? configure = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "tributary-broker-tests", Guid.NewGuid().ToString("N"));
        Options = new BrokerOptions { DataDirectory = DataDirectory };
        if (configure is not null)
        {
            Options = configure(Options);
        }
    }

    public string DataDirectory { get; }

    public BrokerOptions Options { get; }

    public Broker? Broker { get; private set; }

    public async Task<Broker> OpenAsync()
    {
        Broker = await Broker.OpenAsync(Options);
        return Broker;
    }

    public async Task<Broker> ReopenAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        return await OpenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Batches
{
    public const long Timestamp = 1_700_000_000_000;

    /// <summary>A batch of <paramref name="count"/> records with values "prefix-i".</summary>
    public static byte[] Make(int count, string prefix = "v", long producerId = -1, short epoch = -1, int sequence = -1, int valueSize = 0)
    {
        using var builder = new RecordBatchBuilder(Timestamp);
        for (var i = 0; i < count; i++)
        {
            var value = Encoding.UTF8.GetBytes($"{prefix}-{i}" + new string('x', valueSize));
            builder.Append(Timestamp + i, Encoding.UTF8.GetBytes($"k-{i}"), value);
        }
        return builder.ToArray(new BatchOptions { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence });
    }

    /// <summary>The values of every record in a fetch result, with their offsets.</summary>
    public static List<(long Offset, string Value)> Records(FetchPartitionResult result)
    {
        var records = new List<(long, string)>();
        if (result.Records is null)
        {
            return records;
        }
        var region = result.Records.ToArray();
        using var scratch = new PooledBufferWriter();
        var position = 0;
        while (position < region.Length)
        {
            Assert.Equal(BatchError.None, RecordBatchValidator.ValidateAt(region.AsSpan(position), BatchOrigin.Internal, out var size));
            var batch = region.AsSpan(position, size).ToArray();
            var reader = BatchRecords.Read(batch, scratch);
            while (reader.TryReadNext(out var record))
            {
                records.Add((RecordBatch.BaseOffset(batch) + record.OffsetDelta, Encoding.UTF8.GetString(record.Value)));
            }
            position += size;
        }
        return records;
    }

    public static void DisposeAll(IEnumerable<FetchPartitionResult> results)
    {
        foreach (var result in results)
        {
            result.Records?.Dispose();
        }
    }
}
