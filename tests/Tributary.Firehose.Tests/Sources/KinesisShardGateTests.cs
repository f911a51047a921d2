using Tributary.Firehose.Sources;

namespace Tributary.Firehose.Tests.Sources;

public sealed class KinesisShardGateTests
{
    [Fact]
    public void Children_wait_until_every_parent_is_read_to_its_end()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_000);
        // Shard 0 split into 1 and 2 (closed at offsets 10, 4, 6), which merged into 3 (open).
        List<ShardLineage> shards =
        [
            new(0, null, null, 10, 0),
            new(1, 0, null, 4, 2_000),
            new(2, 0, null, 6, 2_000),
            new(3, 1, 2, -1, 3_000),
        ];
        var gate = new KinesisShardGate(() => shards, start);
        var positions = new Dictionary<int, long> { [0] = 9, [1] = 0, [2] = 0, [3] = 0 };
        Assert.True(gate.CanRead(0, positions));
        Assert.False(gate.CanRead(1, positions));
        Assert.False(gate.CanRead(3, positions));
        positions[0] = 10;
        Assert.False(gate.CanRead(0, positions));
        Assert.True(gate.CanRead(1, positions));
        Assert.True(gate.CanRead(2, positions));
        positions[1] = 4;
        Assert.False(gate.CanRead(3, positions));
        positions[2] = 6;
        Assert.True(gate.CanRead(3, positions));
        // Shards created before the delivery stream start at its start time (LATEST); newer ones at their beginning.
        Assert.Equal(StartPosition.At(start), gate.Start(0));
        Assert.Equal(StartPosition.Earliest, gate.Start(3));
        // An expired parent no longer holds its children back.
        shards.RemoveAt(0);
        Assert.True(gate.CanRead(1, new Dictionary<int, long> { [1] = 0 }));
    }
}
