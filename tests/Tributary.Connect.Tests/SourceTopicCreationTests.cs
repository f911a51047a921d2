using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Connect.Tests;

/// <summary>
/// KIP-158 topic creation in the real worker (what Kafka's SourceConnectorsIntegrationTest pins): a FileStream source
/// whose topic matches a listed group gets that group's partitions and topic configs, one matching nothing gets the
/// default group's, one without topic.creation keys leaves creation to the broker (auto.create.topics.enable,
/// num.partitions), and a replication factor the single broker cannot hold fails the task with the broker's reason.
/// </summary>
[Trait("Category", "process")]
public sealed class SourceTopicCreationTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TributaryProcess _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = new TributaryProcess(_directory.File("data"), () => ["connect.rest.port=-1", "num.partitions=2"]);
        await _broker.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Topics_are_created_with_their_groups_settings_or_left_to_the_broker()
    {
        const string Groups = """
            topic.creation.default.replication.factor=-1
            topic.creation.default.partitions=3
            topic.creation.groups=short
            topic.creation.short.include=state\\..*
            topic.creation.short.partitions=1
            topic.creation.short.retention.ms=3600000
            """;
        var worker = await ConnectStandaloneProcess.StartAsync(
            WorkerFile(),
            Source("grouped", "state.orders", Groups),
            Source("defaulted", "plain-lines", Groups),
            Source("brokered", "auto-lines", ""),
            Source("replicated", "three-copies", "topic.creation.default.replication.factor=3\ntopic.creation.default.partitions=1"));
        try
        {
            await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_broker.Ports.Kafka}"] });
            foreach (var topic in new[] { "state.orders", "plain-lines", "auto-lines" })
            {
                await Eventually.HoldsAsync(async () => await TopicOffsets.EndOffsetsAsync(client, topic) == 3, () => $"{topic} has its 3 lines\n{worker.Output}", TimeSpan.FromSeconds(60));
            }
            Assert.Equal(1, await client.PartitionCountAsync("state.orders"));
            Assert.Equal("3600000", await TopicConfigAsync(client, "state.orders", "retention.ms"));
            Assert.Equal(3, await client.PartitionCountAsync("plain-lines"));
            Assert.Equal("604800000", await TopicConfigAsync(client, "plain-lines", "retention.ms")); // the broker's default
            Assert.Equal(2, await client.PartitionCountAsync("auto-lines")); // the broker's num.partitions

            using var http = new HttpClient();
            JsonNode? task = null;
            await Eventually.HoldsAsync(async () =>
            {
                task = (await http.GetFromJsonAsync<JsonNode>($"{worker.RestUrl}/connectors/replicated/status"))?["tasks"]?[0];
                return task?["state"]?.GetValue<string>() == "FAILED";
            }, () => $"the replicated task failed: {task}\n{worker.Output}", TimeSpan.FromSeconds(60));
            Assert.Contains("larger than the 1 available broker", task!["trace"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(await client.PartitionCountAsync("three-copies"));
            await worker.StopAsync();
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    private static async Task<string?> TopicConfigAsync(KafkaClient client, string topic, string name)
    {
        var connection = await client.AnyConnectionAsync();
        var response = await connection.SendNegotiatedAsync<DescribeConfigsResponse>(new DescribeConfigsRequest
        {
            Resources = [new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = 2, ResourceName = topic, ConfigurationKeys = [name] }],
        }, 32);
        return response.Results.Single().Configs.SingleOrDefault(c => c.Name == name)?.Value;
    }

    private string WorkerFile()
    {
        var path = _directory.File("worker.properties");
        System.IO.File.WriteAllText(path, $"""
            bootstrap.servers=127.0.0.1:{_broker.Ports.Kafka}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={_directory.File("offsets.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            """);
        return path;
    }

    private string Source(string name, string topic, string extra)
    {
        var input = _directory.File(name + ".txt");
        System.IO.File.WriteAllText(input, "one\ntwo\nthree\n");
        var path = _directory.File(name + ".properties");
        System.IO.File.WriteAllText(path, $"name={name}\nconnector.class=FileStreamSource\nfile={input}\ntopic={topic}\n{extra}\n");
        return path;
    }
}
