using System.Text;
using System.Text.Json;

namespace Tributary.Interop.Tests;

/// <summary>
/// Real Kafka clients against the real broker, each as a separate process. Excluded from compilation until the
/// Kafka listener lands (issue 3): see the csproj. Each test first checks its client is installed and fails
/// (never skips) with "run ./test.sh to install X" if not.
///
/// kcat command lines used here (BOOTSTRAP = 127.0.0.1:PORT):
///   metadata:  kcat -b BOOTSTRAP -L -J
///   produce:   kcat -b BOOTSTRAP -t TOPIC -P -K: -H interop=kcat -H codec=CODEC -X compression.codec=CODEC -X linger.ms=5  &lt; lines "key:value"
///   consume:   kcat -b BOOTSTRAP -t TOPIC -C -e -o beginning -q -f '%k:%s|%h\n'
/// (-K: splits each input line at the first ':' into key and value; -H adds the same headers to every record;
/// kcat's -z knows only snappy|gzip|lz4, so the codec is set with -X compression.codec, which also takes zstd;
/// -e exits once every partition is at its end; %h prints headers as name=value,name=value.)
/// </summary>
[Trait("Category", "process")]
public class KafkaInteropTests(TributaryServer server) : IClassFixture<TributaryServer>
{
    private static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    [Fact]
    public async Task Kcat_lists_metadata_with_this_broker()
    {
        InteropClients.RequireKcat();
        var result = (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap, "-L", "-J"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        using var json = JsonDocument.Parse(result.StandardOutput);
        var brokers = json.RootElement.GetProperty("brokers").EnumerateArray().ToList();
        Assert.Single(brokers);
        Assert.EndsWith(":" + server.Port, brokers[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("topics").ValueKind);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("snappy")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public async Task Kcat_produces_100000_records_with_keys_and_headers_and_consumes_them_back_exactly(string codec)
    {
        InteropClients.RequireKcat();
        const int Count = 100_000;
        var topic = NewTopic("kcat-" + codec);
        var input = Path.Combine(Path.GetTempPath(), $"tributary-kcat-input-{Guid.NewGuid():N}.txt");
        var expected = new StringBuilder();
        try
        {
            await using (var writer = new StreamWriter(input, append: false, new UTF8Encoding(false)) { NewLine = "\n" })
            {
                for (var i = 0; i < Count; i++)
                {
                    // Values vary in length and content so the codecs have something to do; no ':' in keys, no newlines.
                    var key = $"key-{i}";
                    var value = $"value-{i}-{new string((char)('a' + (i % 26)), i % 97)}";
                    await writer.WriteLineAsync($"{key}:{value}");
                    expected.Append(key).Append(':').Append(value).Append($"|interop=kcat,codec={codec}\n");
                }
            }
            (await ClientProcess.RunAsync("kcat",
                ["-b", server.Bootstrap, "-t", topic, "-P", "-K:", "-H", "interop=kcat", "-H", $"codec={codec}",
                 "-X", $"compression.codec={codec}", "-X", "linger.ms=5"],
                TimeSpan.FromSeconds(180), stdinFile: input)).EnsureSuccess();

            var consumed = (await ClientProcess.RunAsync("kcat",
                ["-b", server.Bootstrap, "-t", topic, "-C", "-e", "-o", "beginning", "-q", "-f", "%k:%s|%h\\n"],
                TimeSpan.FromSeconds(180))).EnsureSuccess();
            var lines = consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Count, lines.Length);
            // One partition (auto-created) keeps the order; should the default grow, compare as sets of lines.
            Assert.Equal(
                expected.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal),
                lines.Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public async Task Confluent_kafka_idempotent_producer_and_assign_consumer_round_trip()
    {
        InteropClients.RequireConfluentKafka();
        var result = (await ClientProcess.RunAsync(InteropClients.Python,
            [Path.Combine(InteropPaths.Scripts, "confluent_produce_consume.py"), server.Bootstrap, NewTopic("confluent"), "10000"],
            TimeSpan.FromSeconds(180))).EnsureSuccess();
        var done = LastEvent(result);
        Assert.Equal("done", done.GetProperty("event").GetString());
        Assert.Equal(10000, done.GetProperty("consumed").GetInt32());
    }

    [Fact]
    public async Task Confluent_admin_creates_describes_alters_grows_and_deletes_a_topic()
    {
        InteropClients.RequireConfluentKafka();
        var result = (await ClientProcess.RunAsync(InteropClients.Python,
            [Path.Combine(InteropPaths.Scripts, "confluent_admin.py"), server.Bootstrap, NewTopic("admin"), "3", "5"],
            TimeSpan.FromSeconds(180))).EnsureSuccess();
        Assert.Equal("done", LastEvent(result).GetProperty("event").GetString());
    }

    [Fact]
    public async Task Kafka_python_produces_and_consumes_without_a_group()
    {
        InteropClients.RequireKafkaPython();
        var result = (await ClientProcess.RunAsync(InteropClients.Python,
            [Path.Combine(InteropPaths.Scripts, "kafka_python_produce_consume.py"), server.Bootstrap, NewTopic("kafka-python"), "5000"],
            TimeSpan.FromSeconds(180))).EnsureSuccess();
        Assert.Equal(5000, LastEvent(result).GetProperty("consumed").GetInt32());
    }

    [Fact]
    public async Task Kafkajs_produces_with_headers_and_sees_the_offsets()
    {
        InteropClients.RequireKafkaJs();
        // Add "--consume" once consumer groups land: kafkajs can only consume through a group.
        var result = (await ClientProcess.RunAsync(InteropClients.Node,
            [Path.Combine(InteropPaths.NodeScripts, "kafkajs_roundtrip.mjs"), server.Bootstrap, NewTopic("kafkajs"), "5000"],
            TimeSpan.FromSeconds(180), workingDirectory: InteropPaths.NodeScripts)).EnsureSuccess();
        Assert.Equal(5000, LastEvent(result).GetProperty("produced").GetInt32());
    }

    [Fact]
    public async Task Platformatic_kafka_produces_and_fetches_back()
    {
        InteropClients.RequirePlatformatic();
        // Add "--groups" once consumer groups land, to read with Consumer.consume() instead of group-less Fetch.
        var result = (await ClientProcess.RunAsync(InteropClients.Node22,
            [Path.Combine(InteropPaths.NodeScripts, "platformatic_roundtrip.mjs"), server.Bootstrap, NewTopic("platformatic"), "5000"],
            TimeSpan.FromSeconds(180), workingDirectory: InteropPaths.NodeScripts)).EnsureSuccess();
        Assert.Equal(5000, LastEvent(result).GetProperty("consumed").GetInt32());
    }

    /// <summary>The last JSON line a client script printed on stdout (its "done" or "error" event).</summary>
    private static JsonElement LastEvent(ClientResult result)
    {
        var line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        Assert.True(line is not null, "client printed no JSON line:\n" + result);
        using var json = JsonDocument.Parse(line);
        return json.RootElement.Clone();
    }
}
