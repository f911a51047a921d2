using Tributary.Delivery.Engine;

namespace Tributary.Delivery.Tests.Engine;

public sealed class SegmentedListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(8_192)]
    [InlineData(8_193)]
    [InlineData(30_001)]
    public void Holds_what_was_added_in_order(int count)
    {
        var list = new SegmentedList<string>();
        for (var i = 0; i < count; i++)
        {
            list.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(count, list.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), list[i]);
        }
        Assert.Equal(Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), list);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[count]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
    }
}
