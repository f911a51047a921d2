using Tributary.Protocol.Records;

namespace Tributary.Broker.Tests;

public class KeylessCompactedTests
{
    [Fact]
    public async Task A_compacted_topic_refuses_records_without_a_key()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tributary-keyless-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var broker = await Broker.OpenAsync(new BrokerOptions { DataDirectory = dataDir });
            Assert.Equal(ErrorCode.None, broker.CreateTopic("compacted", 1, new Dictionary<string, string?> { ["cleanup.policy"] = "compact" }).Error);
            using var builder = new RecordBatchBuilder(1000);
            builder.Append(1000, [1], [2]);
            builder.Append(1000, default, [3], hasKey: false);
            builder.Append(1000, [4], [5]);
            builder.Append(1000, default, [6], hasKey: false);
            var keyless = builder.ToArray(new BatchOptions());
            var refused = await broker.ProduceAsync("compacted", 0, keyless, Acks.Leader);
            Assert.Equal(ErrorCode.InvalidRecord, refused.Error);
            Assert.Contains("without a key", refused.ErrorMessage);
            // KIP-467: the keyless records are named by their index in the batch; the keyed ones are not.
            Assert.Equal([1, 3], refused.RecordErrors!.Select(e => e.BatchIndex));
            Assert.All(refused.RecordErrors!, e => Assert.Contains("compacted-0", e.Message));
            Assert.Equal(0, broker.GetOffsets("compacted", 0)!.Value.LogEndOffset);

            using var keyed = new RecordBatchBuilder(1000);
            keyed.Append(1000, [1], [2]);
            Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("compacted", 0, keyed.ToArray(new BatchOptions()), Acks.Leader)).Error);
            Assert.Equal(1, broker.GetOffsets("compacted", 0)!.Value.LogEndOffset);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
