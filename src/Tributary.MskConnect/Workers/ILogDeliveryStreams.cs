namespace Tributary.MskConnect.Workers;

/// <summary>How the host puts records into a Firehose delivery stream (the MSK Connect API knows no Firehose).</summary>
public interface ILogDeliveryStreams
{
    /// <summary>Puts <paramref name="records"/> into <paramref name="deliveryStream"/> (at most 500, 4 MiB in all), as PutRecordBatch.</summary>
    Task PutAsync(string deliveryStream, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken);
}
