using Tributary.Connect.Errors;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Bad values of the connector's own keys fail parsing with a <see cref="ConfigException"/> naming the key, in Kafka's
/// words (what validate and the task's status show), and the keys this session added read as documented.
/// </summary>
public sealed class ConfigTests
{
    private static Dictionary<string, string> Config(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string>
        {
            ["database.hostname"] = "127.0.0.1",
            ["database.user"] = "postgres",
            ["database.dbname"] = "postgres",
            ["topic.prefix"] = "server",
        };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }
        return config;
    }

    [Theory]
    [InlineData("plugin.name", "decoderbufs", "pgoutput")]
    [InlineData("database.sslmode", "sometimes", "verify-full")]
    [InlineData("skipped.operations", "c,x", "c, u, d, t or none")]
    [InlineData("snapshot.mode", "custom", "configuration_based")]
    [InlineData("xmin.fetch.interval.ms", "soon", "Not a number")]
    [InlineData("message.key.columns", "public.t:a;public.u", "<fully-qualified table>:<column>")]
    [InlineData("message.key.columns", "public.t:a b", "<fully-qualified table>:<column>")]
    [InlineData("message.key.columns", "public.(t:a", "not a regular expression")]
    [InlineData("signal.enabled.channels", "source,jmx", "The jmx signal channel is not supported; the supported channels are source")]
    [InlineData("signal.enabled.channels", "carrier-pigeon", "Unknown signal channel; the supported channels are source")]
    [InlineData("signal.kafka.bootstrap.servers", "", "Missing required configuration \"signal.kafka.bootstrap.servers\"")]
    public void A_bad_value_names_the_key_and_what_is_allowed(string key, string value, string allowed)
    {
        // The kafka channel's keys are read when the channel is enabled.
        var config = Config((key, value));
        if (key.StartsWith("signal.kafka.", StringComparison.Ordinal))
        {
            config["signal.enabled.channels"] = "source,kafka";
        }
        var error = Assert.Throws<ConfigException>(() => PostgresConnectorConfig.Parse(config));
        Assert.Contains(key, error.Message);
        Assert.Contains(allowed, error.Message);
    }

    [Fact]
    public void Message_key_columns_key_matching_tables_pattern_by_pattern_and_leave_the_others_alone()
    {
        var keys = PostgresConnectorConfig.Parse(Config(("message.key.columns", " inventory.CUSTOMERS:pk2,pk1 ; (.*).purchase_orders:pk3,p.*"))).Cdc.MessageKeyColumns;
        string[] columns = ["pk1", "other", "pk2", "pk3", "pk4", "PK5"];
        // Each table:column pair is one case-insensitive pattern over schema.table.column; patterns in the order written.
        Assert.Equal([2, 0], keys.For("inventory", "customers", columns));
        Assert.Equal([3, 0, 2, 4, 5], keys.For("sales", "purchase_orders", columns));
        Assert.Null(keys.For("inventory", "orders", columns));
        Assert.Null(keys.For("inventory", "customers", ["id", "name"]));
        Assert.True(PostgresConnectorConfig.Parse(Config()).Cdc.MessageKeyColumns.IsEmpty);
    }

    [Fact]
    public void Message_prefix_include_and_exclude_lists_cannot_both_be_set()
    {
        var error = Assert.Throws<ConfigException>(() => PostgresConnectorConfig.Parse(Config(("message.prefix.include.list", "a.*"), ("message.prefix.exclude.list", "b.*"))));
        Assert.Contains("message.prefix.include.list", error.Message);
    }

    [Fact]
    public void The_new_keys_read_with_Debeziums_defaults_and_match_whole_prefixes()
    {
        var defaults = PostgresConnectorConfig.Parse(Config());
        Assert.Equal("prefer", defaults.SslMode);
        Assert.Equal(0, defaults.XminFetchIntervalMs);
        Assert.Equal(new[] { "t" }, defaults.SkippedOperations);
        Assert.True(defaults.CapturesMessagePrefix("anything"));

        var set = PostgresConnectorConfig.Parse(Config(("skipped.operations", "none"), ("message.prefix.include.list", "audit,keep.*"), ("database.sslmode", "VERIFY-CA")));
        Assert.Empty(set.SkippedOperations);
        Assert.Equal("verify-ca", set.SslMode);
        Assert.True(set.CapturesMessagePrefix("audit"));
        Assert.True(set.CapturesMessagePrefix("keep-this"));
        Assert.False(set.CapturesMessagePrefix("audit-log"));
        Assert.False(set.CapturesMessagePrefix("other"));
    }

    [Fact]
    public void The_kafka_signal_channel_reads_its_keys_with_debeziums_defaults()
    {
        Assert.Null(PostgresConnectorConfig.Parse(Config()).Cdc.KafkaSignals);
        var defaults = PostgresConnectorConfig.Parse(Config(("signal.enabled.channels", "source, Kafka"), ("signal.kafka.bootstrap.servers", "b1:9092, b2:9092"))).Cdc;
        Assert.Equal(["source", "kafka"], defaults.SignalChannels);
        var options = defaults.KafkaSignals!;
        Assert.Equal(("server-signal", "b1:9092|b2:9092", "kafka-signal", "server-signal-consumer", 0, true),
            (options.Topic, string.Join("|", options.BootstrapServers), options.GroupId, options.ClientId, options.PollTimeoutMs, options.StartAtEarliest));
        Assert.Equal(Tributary.Client.Security.SecurityProtocol.Plaintext, options.Security.Protocol);
        var set = PostgresConnectorConfig.Parse(Config(("signal.enabled.channels", "kafka"), ("signal.kafka.bootstrap.servers", "b1:9092"), ("signal.kafka.topic", "signals"),
            ("signal.kafka.groupId", "g"), ("signal.kafka.poll.timeout.ms", "250"), ("signal.consumer.auto.offset.reset", "latest"), ("signal.consumer.bootstrap.servers", "b3:9093"),
            ("signal.consumer.security.protocol", "SASL_SSL"), ("signal.consumer.sasl.mechanism", "SCRAM-SHA-512"),
            ("signal.consumer.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";"))).Cdc.KafkaSignals!;
        Assert.Equal(("signals", "b3:9093", "g", 250, false), (set.Topic, string.Join(",", set.BootstrapServers), set.GroupId, set.PollTimeoutMs, set.StartAtEarliest));
        Assert.Equal(Tributary.Client.Security.SecurityProtocol.SaslSsl, set.Security.Protocol);
        var badReset = Assert.Throws<ConfigException>(() => PostgresConnectorConfig.Parse(Config(("signal.enabled.channels", "kafka"), ("signal.kafka.bootstrap.servers", "b1:9092"),
            ("signal.consumer.auto.offset.reset", "sideways"))));
        Assert.Contains("signal.consumer.auto.offset.reset", badReset.Message);
    }
}
