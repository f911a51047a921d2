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
    public void A_bad_value_names_the_key_and_what_is_allowed(string key, string value, string allowed)
    {
        var error = Assert.Throws<ConfigException>(() => PostgresConnectorConfig.Parse(Config((key, value))));
        Assert.Contains(key, error.Message);
        Assert.Contains(allowed, error.Message);
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
}
