namespace Tributary.Broker.Tests;

/// <summary>
/// Dynamic broker-wide topic defaults (what MSK's UpdateClusterConfiguration sets): over the options' static defaults,
/// under each topic's own overrides, applied to existing topics at once, refused whole when a value is invalid.
/// </summary>
public class DynamicBrokerDefaultsTests
{
    [Fact]
    public async Task Dynamic_defaults_override_static_ones_and_yield_to_topic_overrides()
    {
        await using var fixture = new BrokerFixture(options => options with { DefaultTopicConfigs = new Dictionary<string, string> { ["retention.ms"] = "5000" } });
        var broker = await fixture.OpenAsync();
        Assert.Equal(ErrorCode.None, broker.CreateTopic("plain", 1, null).Error);
        Assert.Equal(ErrorCode.None, broker.CreateTopic("own", 1, new Dictionary<string, string?> { ["max.message.bytes"] = "9999" }).Error);

        Assert.Equal((ErrorCode.None, null), broker.SetDynamicBrokerDefaults(new Dictionary<string, string> { ["max.message.bytes"] = "100", ["retention.ms"] = "7000" }));
        var plain = broker.DescribeTopicConfigs("plain")!.ToDictionary(e => e.Name);
        Assert.Equal(("100", ConfigSource.BrokerDefault), (plain["max.message.bytes"].Value, plain["max.message.bytes"].Source));
        Assert.Equal("7000", plain["retention.ms"].Value);
        var own = broker.DescribeTopicConfigs("own")!.ToDictionary(e => e.Name);
        Assert.Equal(("9999", ConfigSource.Topic), (own["max.message.bytes"].Value, own["max.message.bytes"].Source));
        // Enforced on the existing topic at once.
        Assert.Equal(ErrorCode.MessageTooLarge, (await broker.ProduceAsync("plain", 0, Batches.Make(3, valueSize: 200), Acks.All)).Error);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("own", 0, Batches.Make(3, valueSize: 200), Acks.All)).Error);

        var (error, message) = broker.SetDynamicBrokerDefaults(new Dictionary<string, string> { ["retention.ms"] = "1", ["cleanup.policy"] = "shred" });
        Assert.Equal(ErrorCode.InvalidConfig, error);
        Assert.Contains("cleanup.policy", message, StringComparison.Ordinal);
        Assert.Equal("7000", broker.DescribeTopicConfigs("plain")!.Single(e => e.Name == "retention.ms").Value);

        // Clearing them returns to the static defaults.
        Assert.Equal(ErrorCode.None, broker.SetDynamicBrokerDefaults(new Dictionary<string, string>()).Error);
        Assert.Equal("5000", broker.DescribeTopicConfigs("plain")!.Single(e => e.Name == "retention.ms").Value);
        Assert.Equal(ErrorCode.None, (await broker.ProduceAsync("plain", 0, Batches.Make(3, valueSize: 200), Acks.All)).Error);
    }
}
