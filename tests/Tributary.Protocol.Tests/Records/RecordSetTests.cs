using Tributary.Protocol.Records;

namespace Tributary.Protocol.Tests.Records;

/// <summary>Walking a record set batch by batch: whole batches only, a cut last batch is left alone.</summary>
public class RecordSetTests
{
    [Fact]
    public void FirstWholeBatchSize_walks_whole_batches_and_stops_at_a_partial_one()
    {
        using var builder = new RecordBatchBuilder(0);
        builder.Append(0, "k"u8, "v"u8);
        var one = builder.ToArray(new BatchOptions());
        var two = builder.ToArray(new BatchOptions { BaseOffset = 1 });
        byte[] set = [.. one, .. two, .. two.AsSpan(0, 20)];

        Assert.Equal(one.Length, RecordBatch.FirstWholeBatchSize(set));
        Assert.Equal(two.Length, RecordBatch.FirstWholeBatchSize(set.AsSpan(one.Length)));
        Assert.Equal(0, RecordBatch.FirstWholeBatchSize(set.AsSpan(one.Length + two.Length)));
        Assert.Equal(0, RecordBatch.FirstWholeBatchSize(two.AsSpan(0, two.Length - 1)));
        Assert.Equal(0, RecordBatch.FirstWholeBatchSize([]));
        // A negative length prefix is not a batch.
        byte[] bad = [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        Assert.Equal(0, RecordBatch.FirstWholeBatchSize(bad));
    }
}
