using System.Text;
using Tributary.Firehose.Processing;

namespace Tributary.Firehose.Tests.Processing;

public sealed class DeaggregationTests
{
    [Fact]
    public void Kpl_aggregates_json_streams_and_delimited_records_are_split()
    {
        var aggregated = Deaggregation.BuildKpl([("a", "one"u8.ToArray()), ("b", "two"u8.ToArray()), ("a", "three"u8.ToArray())]);
        Assert.Equal(["one", "two", "three"], Deaggregation.TryKpl(aggregated)!.Select(Encoding.UTF8.GetString));
        aggregated[^1] ^= 1;
        Assert.Null(Deaggregation.TryKpl(aggregated));
        Assert.Null(Deaggregation.TryKpl("plain"u8.ToArray()));
        Assert.Equal(["{\"a\":1}", "{\"b\":[2]}"], Deaggregation.TrySplitJson("{\"a\":1} {\"b\":[2]}\n"u8.ToArray())!.Select(Encoding.UTF8.GetString));
        Assert.Null(Deaggregation.TrySplitJson("{\"a\":"u8.ToArray()));
        Assert.Equal(["x", "", "y"], Deaggregation.SplitDelimited("x||||y||"u8.ToArray(), "||"u8.ToArray()).Select(Encoding.UTF8.GetString));
    }
}
