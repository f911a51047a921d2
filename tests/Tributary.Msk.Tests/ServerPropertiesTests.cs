using System.Text;
using Tributary.Msk.Properties;

namespace Tributary.Msk.Tests;

/// <summary>server.properties as MSK takes them: parsing, MSK's key rules, and the mapping onto topic defaults.</summary>
public sealed class ServerPropertiesTests
{
    private static IReadOnlyDictionary<string, string> Parse(string text) => ServerProperties.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Comments_blank_lines_and_both_separators_are_read()
    {
        var properties = Parse("# comment\n! also a comment\n\n  log.retention.ms = 1000 \r\nnum.partitions:3\nmessage.max.bytes=a=b\n");
        Assert.Equal(new Dictionary<string, string> { ["log.retention.ms"] = "1000", ["num.partitions"] = "3", ["message.max.bytes"] = "a=b" }, properties);
    }

    [Theory]
    [InlineData("just words\n", "Line 1 of the server properties is not of the form key=value")]
    [InlineData("ok.key=1\n=value\n", "Line 2 of the server properties is not of the form key=value")]
    [InlineData("bad key=1\n", "has an invalid key")]
    public void Malformed_lines_are_bad_requests(string text, string message)
    {
        var error = Assert.Throws<MskException>(() => Parse(text));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("BadRequestException", error.ErrorType);
        Assert.Equal("serverProperties", error.InvalidParameter);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_msk_does_not_accept_are_refused_and_known_ones_without_effect_are_kept()
    {
        var error = Assert.Throws<MskException>(() => ServerProperties.Validate(Parse("broker.id=5\n")));
        Assert.Contains("Unsupported property 'broker.id'", error.Message, StringComparison.Ordinal);
        var kept = Parse("default.replication.factor=3\nmin.insync.replicas=2\n");
        ServerProperties.Validate(kept);
        Assert.Empty(ServerProperties.TopicDefaults(kept));
    }

    [Fact]
    public void Broker_properties_become_topic_defaults_with_kafkas_precedence_of_time_units()
    {
        var defaults = ServerProperties.TopicDefaults(Parse(
            "log.retention.hours=1\nlog.retention.minutes=2\nlog.roll.hours=3\nmessage.max.bytes=4096\nlog.cleanup.policy=compact\ncompression.type=zstd\n"));
        Assert.Equal("120000", defaults["retention.ms"]);
        Assert.Equal("10800000", defaults["segment.ms"]);
        Assert.Equal("4096", defaults["max.message.bytes"]);
        Assert.Equal("compact", defaults["cleanup.policy"]);
        Assert.Equal("zstd", defaults["compression.type"]);
        Assert.Equal("-1", ServerProperties.TopicDefaults(Parse("log.retention.hours=-1\n"))["retention.ms"]);
        Assert.Equal("5", ServerProperties.TopicDefaults(Parse("log.retention.ms=5\nlog.retention.hours=1\n"))["retention.ms"]);
    }

    [Theory]
    [InlineData("log.retention.hours=two\n", "Invalid value 'two' for log.retention.hours")]
    [InlineData("log.cleanup.policy=shred\n", "Invalid value 'shred' for log.cleanup.policy")]
    [InlineData("compression.type=brotli\n", "Invalid value 'brotli' for compression.type")]
    public void Invalid_values_of_applied_properties_are_bad_requests(string text, string message)
    {
        var error = Assert.Throws<MskException>(() => ServerProperties.Validate(Parse(text)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
