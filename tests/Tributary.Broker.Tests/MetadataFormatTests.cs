using System.Text;
using System.Text.Json;

namespace Tributary.Broker.Tests;

/// <summary>
/// Freezes the broker's metadata files (docs/formats/broker-metadata.md): <c>topics.json</c>, <c>cluster.json</c> and
/// <c>producer-state.json</c>. The golden texts are what format version 1 writes (version 2 for <c>producer-state.json</c>, which still reads 1); if one of these tests fails, the
/// on-disk format changed: bump the version, keep reading the old one, and update the page.
/// </summary>
public sealed class MetadataFormatTests
{
    private static readonly Guid TopicId = Guid.Parse("6f1c2a4e-0b7d-4c1e-9a3f-2d5e8b7c9a10");

    private const string TopicsGolden = """
        {
          "version": 1,
          "topics": [
            {
              "name": "orders",
              "topicId": "6f1c2a4e-0b7d-4c1e-9a3f-2d5e8b7c9a10",
              "partitions": 3,
              "configs": {
                "cleanup.policy": "compact"
              }
            }
          ]
        }
        """;

    private const string ClusterGolden = """
        {
          "version": 1,
          "clusterId": "q1Sh-9_ISia_zwGINzRvyQ",
          "producerIdBlockEnd": 2000
        }
        """;

    private const string ProducerStateGolden = """
        {
          "version": 1,
          "partitions": [
            {
              "log": "orders-0",
              "topicId": "6f1c2a4e-0b7d-4c1e-9a3f-2d5e8b7c9a10",
              "endOffset": 42,
              "producers": [
                {
                  "producerId": 1000,
                  "epoch": 2,
                  "batches": [
                    {
                      "firstSequence": 0,
                      "lastSequence": 9,
                      "baseOffset": 32
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    [Fact]
    public void Topics_file_version_1_is_frozen()
    {
        var file = new TopicsFile(1, [new TopicRecord("orders", TopicId, 3, new Dictionary<string, string> { ["cleanup.policy"] = "compact" })]);
        Assert.Equal(Normalize(TopicsGolden), Normalize(Serialize(file, BrokerJsonContext.Default.TopicsFile)));
        var read = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(TopicsGolden), BrokerJsonContext.Default.TopicsFile)!;
        Assert.Equal(1, read.Version);
        Assert.Equal("orders", read.Topics[0].Name);
        Assert.Equal(TopicId, read.Topics[0].TopicId);
        Assert.Equal(3, read.Topics[0].Partitions);
        Assert.Equal("compact", read.Topics[0].Configs["cleanup.policy"]);
    }

    [Fact]
    public void Cluster_file_version_1_is_frozen()
    {
        var file = new ClusterFile(1, "q1Sh-9_ISia_zwGINzRvyQ", 2000);
        Assert.Equal(Normalize(ClusterGolden), Normalize(Serialize(file, BrokerJsonContext.Default.ClusterFile)));
        Assert.Equal(file, JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(ClusterGolden), BrokerJsonContext.Default.ClusterFile));
    }

    [Fact]
    public void Producer_state_file_version_1_is_still_read()
    {
        // Version 1 (before transactions) is read, not written: it has no transaction fields.
        var read = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(ProducerStateGolden), BrokerJsonContext.Default.ProducerStateFile)!;
        Assert.Equal(new BatchSnapshot(0, 9, 32), read.Partitions[0].Producers[0].Batches[0]);
        Assert.Equal(42, read.Partitions[0].EndOffset);
        Assert.Null(read.Partitions[0].OngoingTransactions);
    }

    private const string ProducerStateGoldenV2 = """
        {
          "version": 2,
          "partitions": [
            {
              "log": "orders-0",
              "topicId": "6f1c2a4e-0b7d-4c1e-9a3f-2d5e8b7c9a10",
              "endOffset": 42,
              "producers": [
                {
                  "producerId": 1000,
                  "epoch": 2,
                  "batches": [
                    {
                      "firstSequence": 0,
                      "lastSequence": 9,
                      "baseOffset": 32
                    }
                  ]
                }
              ],
              "ongoingTransactions": [
                {
                  "producerId": 1000,
                  "firstOffset": 32
                }
              ],
              "abortedTransactions": [
                {
                  "producerId": 1001,
                  "firstOffset": 3,
                  "lastOffset": 20
                }
              ]
            }
          ]
        }
        """;

    private const string ProducerStateGoldenV3 = """
        {
          "version": 3,
          "partitions": [
            {
              "log": "orders-0",
              "topicId": "6f1c2a4e-0b7d-4c1e-9a3f-2d5e8b7c9a10",
              "endOffset": 42,
              "producers": [
                {
                  "producerId": 1000,
                  "epoch": 2,
                  "batches": [
                    {
                      "firstSequence": 0,
                      "lastSequence": 9,
                      "baseOffset": 32
                    }
                  ]
                }
              ],
              "ongoingTransactions": [
                {
                  "producerId": 1000,
                  "firstOffset": 32
                }
              ]
            }
          ]
        }
        """;

    [Fact]
    public void Producer_state_file_version_3_is_frozen_without_the_aborted_list_which_the_txnindex_files_keep()
    {
        var file = new ProducerStateFile(3, [new PartitionProducerSnapshot("orders-0", TopicId, 42, [new ProducerSnapshot(1000, 2, [new BatchSnapshot(0, 9, 32)])],
            [new OngoingTransactionSnapshot(1000, 32)])]);
        Assert.Equal(Normalize(ProducerStateGoldenV3), Normalize(Serialize(file, BrokerJsonContext.Default.ProducerStateFile)));
        var read = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(ProducerStateGoldenV3), BrokerJsonContext.Default.ProducerStateFile)!;
        Assert.Null(read.Partitions[0].AbortedTransactions);
    }

    [Fact]
    public void Producer_state_file_version_2_is_frozen()
    {
        var file = new ProducerStateFile(2, [new PartitionProducerSnapshot("orders-0", TopicId, 42, [new ProducerSnapshot(1000, 2, [new BatchSnapshot(0, 9, 32)])],
            [new OngoingTransactionSnapshot(1000, 32)], [new AbortedTransactionSnapshot(1001, 3, 20)])]);
        Assert.Equal(Normalize(ProducerStateGoldenV2), Normalize(Serialize(file, BrokerJsonContext.Default.ProducerStateFile)));
        var read = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(ProducerStateGoldenV2), BrokerJsonContext.Default.ProducerStateFile)!;
        Assert.Equal(new OngoingTransactionSnapshot(1000, 32), read.Partitions[0].OngoingTransactions![0]);
        Assert.Equal(new AbortedTransactionSnapshot(1001, 3, 20), read.Partitions[0].AbortedTransactions![0]);
    }

    [Fact]
    public async Task A_broker_reads_golden_version_1_files_and_refuses_an_unknown_version()
    {
        await using var fixture = new BrokerFixture();
        var cluster = Path.Combine(fixture.DataDirectory, Broker.ClusterDirectoryName);
        Directory.CreateDirectory(cluster);
        await File.WriteAllTextAsync(Path.Combine(cluster, TopicRegistry.FileName), TopicsGolden);
        await File.WriteAllTextAsync(Path.Combine(cluster, ClusterMetadata.FileName), ClusterGolden);
        await using (var broker = await Broker.OpenAsync(fixture.Options))
        {
            Assert.Equal("q1Sh-9_ISia_zwGINzRvyQ", broker.ClusterId);
            var topic = broker.GetTopic("orders");
            Assert.NotNull(topic);
            Assert.Equal(TopicId, topic.TopicId);
            Assert.Equal(3, topic.PartitionCount);
            Assert.Equal("compact", topic.Configs["cleanup.policy"]);
            // Producer ids continue above the reserved block, never below it.
            Assert.True(broker.InitProducerId().ProducerId >= 2000);
        }

        await File.WriteAllTextAsync(Path.Combine(cluster, ClusterMetadata.FileName), ClusterGolden.Replace("\"version\": 1", "\"version\": 2"));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Broker.OpenAsync(fixture.Options));
        Assert.Contains("format version 2", error.Message);
    }

    private static string Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, type));

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Trim();
}
