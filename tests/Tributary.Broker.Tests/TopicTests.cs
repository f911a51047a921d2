namespace Tributary.Broker.Tests;

public class TopicTests
{
    [Fact]
    public async Task Topics_and_their_ids_survive_a_restart_and_deletion_removes_the_logs()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        var clusterId = broker.ClusterId;
        Assert.Equal(22, clusterId.Length);
        var (error, _, orders) = broker.CreateTopic("orders", 3, new Dictionary<string, string?> { ["retention.ms"] = "1000" });
        Assert.Equal(ErrorCode.None, error);
        broker.CreateTopic("gone", 1, null);
        await broker.ProduceAsync("orders", 2, Batches.Make(3), Acks.All);
        Assert.Equal(ErrorCode.None, broker.DeleteTopic("gone"));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, broker.DeleteTopic("gone"));
        Assert.False(Directory.Exists(Path.Combine(fixture.DataDirectory, "gone-0")));

        broker = await fixture.ReopenAsync();
        Assert.Equal(clusterId, broker.ClusterId);
        var reopened = broker.GetTopic("orders");
        Assert.NotNull(reopened);
        Assert.Equal((orders!.TopicId, 3), (reopened.TopicId, reopened.PartitionCount));
        Assert.Equal("1000", reopened.Configs["retention.ms"]);
        Assert.Same(reopened, broker.GetTopic(orders.TopicId));
        Assert.Null(broker.GetTopic("gone"));
        Assert.Equal(["orders"], broker.ListTopics().Select(t => t.Name));
        Assert.Equal(3, broker.GetOffsets("orders", 2)!.Value.HighWatermark);
        Assert.Equal(1000, TopicConfigs.Resolve(new Dictionary<string, string>(), reopened.Configs, Tributary.Storage.LogConfig.Default).Log.RetentionMs);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("ünicode")]
    public async Task Invalid_topic_names_are_refused(string name)
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        Assert.Equal(ErrorCode.InvalidTopicException, broker.CreateTopic(name, 1, null).Error);
        Assert.Equal(ErrorCode.InvalidTopicException, broker.CreateTopic(new string('a', 250), 1, null).Error);
        Assert.Equal(ErrorCode.None, broker.CreateTopic(new string('a', 249), 2, null).Error);
        Assert.Equal(ErrorCode.None, broker.DeleteTopic(new string('a', 249)));
    }

    [Fact]
    public async Task Topics_differing_only_in_dot_and_underscore_collide_as_in_kafka()
    {
        await using var fixture = new BrokerFixture();
        var broker = await fixture.OpenAsync();
        Assert.Equal(ErrorCode.None, broker.CreateTopic("orders.eu", 1, null).Error);
        var (error, message, _) = broker.CreateTopic("orders_eu", 1, null);
        Assert.Equal(ErrorCode.InvalidTopicException, error);
        Assert.Contains("orders.eu", message);
        Assert.Equal(ErrorCode.InvalidTopicException, broker.GetOrAutoCreateTopic("orders_eu", allowAutoCreate: true).Error);
        Assert.Equal(ErrorCode.TopicAlreadyExists, broker.CreateTopic("orders.eu", 1, null).Error);
        Assert.Equal(ErrorCode.None, broker.DeleteTopic("orders.eu"));
        Assert.Equal(ErrorCode.None, broker.CreateTopic("orders_eu", 1, null).Error);
    }

    [Fact]
    public async Task Create_topic_errors()
    {
        await using var fixture = new BrokerFixture(o => o with { NumPartitions = 4 });
        var broker = await fixture.OpenAsync();
        Assert.Equal(4, broker.CreateTopic("defaulted", -1, null).Topic!.PartitionCount);
        Assert.Equal(ErrorCode.TopicAlreadyExists, broker.CreateTopic("defaulted", 1, null).Error);
        Assert.Equal(ErrorCode.InvalidPartitions, broker.CreateTopic("zero", 0, null).Error);
        Assert.Equal(ErrorCode.InvalidPartitions, broker.CreateTopic("negative", -2, null).Error);
        Assert.Equal(ErrorCode.InvalidConfig, broker.CreateTopic("c1", 1, new Dictionary<string, string?> { ["no.such.config"] = "1" }).Error);
        Assert.Equal(ErrorCode.InvalidConfig, broker.CreateTopic("c2", 1, new Dictionary<string, string?> { ["retention.ms"] = "soon" }).Error);
        Assert.Equal(ErrorCode.InvalidConfig, broker.CreateTopic("c3", 1, new Dictionary<string, string?> { ["cleanup.policy"] = "shred" }).Error);
        Assert.Equal(ErrorCode.InvalidConfig, broker.CreateTopic("c4", 1, new Dictionary<string, string?> { ["min.cleanable.dirty.ratio"] = "2" }).Error);
        Assert.Equal(ErrorCode.InvalidConfig, broker.CreateTopic("c5", 1, new Dictionary<string, string?> { ["message.timestamp.type"] = "Now" }).Error);
        var validated = broker.CreateTopic("dry", 2, new Dictionary<string, string?> { ["cleanup.policy"] = "compact,delete" }, validateOnly: true);
        Assert.Equal(ErrorCode.None, validated.Error);
        Assert.Null(broker.GetTopic("dry"));
    }

    [Fact]
    public async Task Auto_creation_follows_the_option_and_the_caller()
    {
        await using var fixture = new BrokerFixture(o => o with { NumPartitions = 2 });
        var broker = await fixture.OpenAsync();
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, broker.GetOrAutoCreateTopic("auto", allowAutoCreate: false).Error);
        var (error, topic) = broker.GetOrAutoCreateTopic("auto", allowAutoCreate: true);
        Assert.Equal((ErrorCode.None, 2), (error, topic!.PartitionCount));
        Assert.Same(topic, broker.GetOrAutoCreateTopic("auto", allowAutoCreate: true).Topic);
        Assert.Equal(ErrorCode.InvalidTopicException, broker.GetOrAutoCreateTopic("bad name", allowAutoCreate: true).Error);
    }

    [Fact]
    public async Task Describe_configs_lists_every_supported_config_with_its_source()
    {
        await using var fixture = new BrokerFixture(o => o with { DefaultTopicConfigs = new Dictionary<string, string> { ["segment.bytes"] = "1048576" } });
        var broker = await fixture.OpenAsync();
        broker.CreateTopic("t", 1, new Dictionary<string, string?> { ["cleanup.policy"] = "compact" });
        var configs = broker.DescribeTopicConfigs("t")!.ToDictionary(c => c.Name);
        Assert.Equal(TopicConfigs.Supported.Count, configs.Count);
        Assert.Equal(("compact", ConfigSource.Topic, false), (configs["cleanup.policy"].Value, configs["cleanup.policy"].Source, configs["cleanup.policy"].IsDefault));
        Assert.Equal(("1048576", ConfigSource.BrokerDefault), (configs["segment.bytes"].Value, configs["segment.bytes"].Source));
        Assert.Equal(("604800000", ConfigSource.Default, true), (configs["retention.ms"].Value, configs["retention.ms"].Source, configs["retention.ms"].IsDefault));
        Assert.Equal("1048588", configs["max.message.bytes"].Value);
        Assert.Null(broker.DescribeTopicConfigs("missing"));
    }
}
