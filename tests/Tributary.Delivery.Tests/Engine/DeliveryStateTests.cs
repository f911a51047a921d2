using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Tests.Engine;

/// <summary>The state file (docs/formats/delivery-state.md) byte for byte: a change here is a change of format.</summary>
public sealed class DeliveryStateTests
{
    [Fact]
    public void The_state_file_format_is_frozen()
    {
        var state = new DeliveryState { Version = 3 };
        state.Positions[0] = 10;
        state.Positions[1] = 7;
        state.Delivered[1] = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["ok|q3:day=2:01"] = 12 };
        state.Pending.Add(new PendingObject { Spool = "a.obj", Bucket = "b", Key = "k", Records = 2, Bytes = 20, OldestArrivalMs = 5 });
        var directory = Path.Combine(Path.GetTempPath(), "tributary-state-" + Guid.NewGuid().ToString("N"));
        state.Save(directory);
        Assert.Equal(
            """{"format":1,"version":3,"positions":{"0":10,"1":7},"delivered":{"1":{"ok|q3:day=2:01":12}},"pending":[{"spool":"a.obj","bucket":"b","key":"k","records":2,"bytes":20,"error":null,"oldest":5}]}""",
            File.ReadAllText(Path.Combine(directory, DeliveryState.FileName)));
        var loaded = DeliveryState.Load(directory);
        Assert.True(loaded.IsDelivered(1, 11, "ok|q3:day=2:01"));
        Assert.False(loaded.IsDelivered(1, 12, "ok|q3:day=2:01"));
        Assert.True(loaded.IsDelivered(0, 9, "ok"));
        Directory.Delete(directory, recursive: true);
    }
}
