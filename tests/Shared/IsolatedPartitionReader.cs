using System.Text;
using Tributary.Client;
using Tributary.Foundation.Buffers;
using Tributary.Protocol.Records;

namespace Tributary.Testing;

/// <summary>What a reader of one partition saw: the record values (UTF-8; "" for a null value) and whether any batch it handed on was transactional.</summary>
public sealed record PartitionRead(List<string> Values, bool Transactional);

/// <summary>
/// Reads one partition from its start to the end a fetch returns, as a consumer of the isolation level would:
/// read_committed skips control batches and the data of the aborted transactions the fetch lists
/// (<see cref="ReadCommittedFilter"/>); read_uncommitted skips only control batches. A topic not created yet reads empty.
/// Shared by the Client and Connect tests (linked into both).
/// </summary>
public static class IsolatedPartitionReader
{
    public static async Task<PartitionRead> ReadAsync(KafkaClient client, string topic, int partition, bool readCommitted)
    {
        var values = new List<string>();
        var transactional = false;
        var filter = new ReadCommittedFilter();
        using var scratch = new PooledBufferWriter();
        var offset = 0L;
        while (true)
        {
            FetchedPartition fetched;
            try
            {
                fetched = await client.FetchAsync(topic, partition, offset, maxWaitMs: 0, readCommitted: readCommitted);
            }
            catch (KafkaClientException e) when (e.ErrorCode == 3)
            {
                return new PartitionRead(values, transactional);
            }
            if (fetched.ErrorCode != 0)
            {
                return new PartitionRead(values, transactional);
            }
            filter.Add(fetched.AbortedTransactions);
            var span = fetched.Records.Span;
            var before = offset;
            int size;
            while ((size = RecordBatch.FirstWholeBatchSize(span)) > 0)
            {
                var batch = span[..size];
                var committed = filter.Accept(batch);
                if (!RecordBatch.IsControl(batch) && (committed || !readCommitted))
                {
                    transactional |= RecordBatch.IsTransactional(batch);
                    scratch.Reset();
                    var reader = BatchRecords.Read(batch, scratch);
                    while (reader.TryReadNext(out var record))
                    {
                        values.Add(record.HasValue ? Encoding.UTF8.GetString(record.Value) : "");
                    }
                }
                offset = RecordBatch.NextOffset(batch);
                span = span[size..];
            }
            if (offset == before)
            {
                return new PartitionRead(values, transactional);
            }
        }
    }
}
