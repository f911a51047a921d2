using Tributary.Protocol.Kafka.Messages;
using Tributary.Protocol.Records;

namespace Tributary.Kafka.Tests;

/// <summary>Topics another front end owns (a Kinesis stream's topic) are readable but not writable by Kafka clients.</summary>
public sealed class ReservedTopicTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync()
    {
        _kafka = await InProcessKafka.StartAsync(prepare: broker =>
        {
            broker.ReserveTopicPrefix("kinesis.", "Kinesis stream");
            broker.CreateTopic("kinesis.s", 2, null);
        });
        using var builder = new RecordBatchBuilder(0);
        builder.Append(0, "pk"u8, "data"u8);
        await _kafka.Broker.ProduceAsync("kinesis.s", 0, builder.ToArray(new()), Tributary.Broker.Acks.All);
    }

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    [Fact]
    public async Task Kafka_clients_read_a_reserved_topic_but_cannot_change_it()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        using var builder = new RecordBatchBuilder(0);
        builder.Append(0, "k"u8, "v"u8);
        var produce = await connection.SendAsync<ProduceResponse>(new ProduceRequest
        {
            Acks = 1,
            TimeoutMs = 1000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = "kinesis.s", PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = builder.ToArray(new()) }] }],
        }, 0, 9);
        Assert.Equal(29, produce.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Contains("Kinesis stream", produce.Responses[0].PartitionResponses[0].ErrorMessage);

        var fetch = await connection.SendAsync<FetchResponse>(new FetchRequest
        {
            ReplicaId = -1,
            MaxBytes = 1 << 20,
            Topics = [new FetchRequest.FetchTopic { Topic = "kinesis.s", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        }, 1, 12);
        Assert.Equal((0, 1L), (fetch.Responses[0].Partitions[0].ErrorCode, fetch.Responses[0].Partitions[0].HighWatermark));

        var delete = await connection.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = ["kinesis.s"], TimeoutMs = 1000 }, 20, 4);
        Assert.Equal(29, delete.Responses[0].ErrorCode);
        var create = await connection.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest
        {
            TimeoutMs = 1000,
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = "kinesis.new", NumPartitions = 1, ReplicationFactor = 1 }],
        }, 19, 5);
        Assert.Equal(29, create.Topics[0].ErrorCode);
        var grow = await connection.SendAsync<CreatePartitionsResponse>(new CreatePartitionsRequest
        {
            TimeoutMs = 1000,
            Topics = [new CreatePartitionsRequest.CreatePartitionsTopic { Name = "kinesis.s", Count = 5 }],
        }, 37, 2);
        Assert.Equal(29, grow.Results[0].ErrorCode);
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "kinesis.auto" }], AllowAutoTopicCreation = true }, 3, 9);
        Assert.Equal(3, metadata.Topics[0].ErrorCode);
        Assert.Equal(2, _kafka.Broker.GetTopic("kinesis.s")!.PartitionCount);
    }
}
