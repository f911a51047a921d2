using System.Text;
using Tributary.Broker;
using Tributary.Broker.Groups;
using Tributary.Protocol.Kafka.Messages;
using Tributary.Protocol.Records;

namespace Tributary.Kafka.Tests;

/// <summary>The Kafka handlers over a real socket against the real broker, at old and new versions.</summary>
public sealed class BrokerProtocolTests : IAsyncLifetime
{
    private InProcessKafka _kafka = null!;

    public async Task InitializeAsync() => _kafka = await InProcessKafka.StartAsync(broker: o => o with { NumPartitions = 2 });

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    private static byte[] Batch(int count, string prefix)
    {
        using var builder = new RecordBatchBuilder(1_700_000_000_000);
        for (var i = 0; i < count; i++)
        {
            builder.Append(1_700_000_000_000 + i, Encoding.UTF8.GetBytes($"{prefix}-k{i}"), Encoding.UTF8.GetBytes($"{prefix}-v{i}"));
        }
        return builder.ToArray(new BatchOptions());
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    [InlineData((short)4)]
    [InlineData((short)9)]
    [InlineData((short)12)]
    public async Task Metadata_auto_creates_topics_and_describes_the_single_broker(short version)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = $"auto-{version}" }], AllowAutoTopicCreation = true };
        var response = await connection.SendAsync<MetadataResponse>(request, 3, version);
        var broker = Assert.Single(response.Brokers);
        Assert.Equal((0, "127.0.0.1", _kafka.Server.Port), (broker.NodeId, broker.Host, broker.Port));
        var topic = Assert.Single(response.Topics);
        Assert.Equal(0, topic.ErrorCode);
        Assert.Equal(2, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(0, p.LeaderId));
        if (version >= 10)
        {
            Assert.NotEqual(Guid.Empty, topic.TopicId);
        }
    }

    [Fact]
    public async Task Metadata_v4_without_auto_create_reports_unknown_topics()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var response = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = "absent" }], AllowAutoTopicCreation = false }, 3, 4);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Assert.Single(response.Topics).ErrorCode);
        var invalid = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = "bad name!" }], AllowAutoTopicCreation = true }, 3, 4);
        Assert.Equal((short)ErrorCode.InvalidTopicException, Assert.Single(invalid.Topics).ErrorCode);
    }

    [Theory]
    [InlineData((short)3, (short)4)]
    [InlineData((short)7, (short)11)]
    [InlineData((short)9, (short)12)]
    [InlineData((short)11, (short)16)]
    public async Task Produce_then_fetch_returns_the_batches_as_stored(short produceVersion, short fetchVersion)
    {
        var topicName = $"pf-{produceVersion}-{fetchVersion}";
        Assert.Equal(ErrorCode.None, _kafka.Broker.CreateTopic(topicName, 1, null).Error);
        var topicId = _kafka.Broker.GetTopic(topicName)!.TopicId;
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var batches = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            var batch = Batch(5, $"b{i}");
            batches.Add(batch);
            var produce = new ProduceRequest { Acks = -1, TimeoutMs = 5000 };
            produce.TopicData.Add(new ProduceRequest.TopicProduceData { Name = topicName, PartitionData = [new() { Index = 0, Records = batch.ToArray() }] });
            var produced = await connection.SendAsync<ProduceResponse>(produce, 0, produceVersion);
            var partition = Assert.Single(Assert.Single(produced.Responses).PartitionResponses);
            Assert.Equal(0, partition.ErrorCode);
            Assert.Equal(i * 5, partition.BaseOffset);
        }

        var fetch = new FetchRequest { MaxWaitMs = 100, MinBytes = 1, MaxBytes = 1 << 20, IsolationLevel = 0 };
        fetch.Topics.Add(new FetchRequest.FetchTopic { Topic = topicName, TopicId = topicId, Partitions = [new() { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] });
        var fetched = await connection.SendAsync<FetchResponse>(fetch, 1, fetchVersion);
        var data = Assert.Single(Assert.Single(fetched.Responses).Partitions);
        Assert.Equal(0, data.ErrorCode);
        Assert.Equal(15, data.HighWatermark);
        var records = data.Records!.Value.ToArray();
        var position = 0;
        for (var i = 0; i < 3; i++)
        {
            var size = RecordBatch.TotalSize(records.AsSpan(position));
            var stored = records.AsSpan(position, size).ToArray();
            Assert.Equal(i * 5, RecordBatch.BaseOffset(stored));
            // The broker assigns the base offset and stamps its leader epoch; neither is covered by the CRC.
            RecordBatch.SetBaseOffset(stored, 0);
            RecordBatch.SetPartitionLeaderEpoch(stored, -1);
            Assert.Equal(batches[i], stored);
            position += size;
        }
        Assert.Equal(records.Length, position);
    }

    [Fact]
    public async Task Produce_errors_come_back_per_partition()
    {
        Assert.Equal(ErrorCode.None, _kafka.Broker.CreateTopic("errors", 1, null).Error);
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var corrupt = Batch(2, "c");
        corrupt[^1] ^= 1;
        var produce = new ProduceRequest { Acks = 1, TimeoutMs = 5000 };
        produce.TopicData.Add(new() { Name = "errors", PartitionData = [new() { Index = 0, Records = corrupt }, new() { Index = 7, Records = Batch(1, "x") }] });
        produce.TopicData.Add(new() { Name = "nope", PartitionData = [new() { Index = 0, Records = Batch(1, "y") }] });
        var response = await connection.SendAsync<ProduceResponse>(produce, 0, 9);
        Assert.Equal((short)ErrorCode.CorruptMessage, response.Responses[0].PartitionResponses[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, response.Responses[0].PartitionResponses[1].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, response.Responses[1].PartitionResponses[0].ErrorCode);
        Assert.Equal(0, _kafka.Broker.GetOffsets("errors", 0)!.Value.LogEndOffset);
    }

    [Theory]
    [InlineData((short)8)]
    [InlineData((short)9)]
    [InlineData((short)11)]
    public async Task Keyless_records_for_a_compacted_topic_are_named_in_record_errors(short version)
    {
        // KIP-467: the batch is refused with INVALID_RECORD (87), the keyless records listed by their batch index.
        var topic = $"compacted-v{version}";
        Assert.Equal(ErrorCode.None, _kafka.Broker.CreateTopic(topic, 1, new Dictionary<string, string?> { ["cleanup.policy"] = "compact" }).Error);
        using var builder = new RecordBatchBuilder(1_700_000_000_000);
        builder.Append(1_700_000_000_000, default, Encoding.UTF8.GetBytes("no key"), hasKey: false);
        builder.Append(1_700_000_000_001, Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("keyed"));
        builder.Append(1_700_000_000_002, default, Encoding.UTF8.GetBytes("no key either"), hasKey: false);
        var produce = new ProduceRequest { Acks = -1, TimeoutMs = 5000 };
        produce.TopicData.Add(new() { Name = topic, PartitionData = [new() { Index = 0, Records = builder.ToArray(new BatchOptions()) }] });
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var partition = (await connection.SendAsync<ProduceResponse>(produce, 0, version)).Responses[0].PartitionResponses[0];
        Assert.Equal((short)ErrorCode.InvalidRecord, partition.ErrorCode);
        Assert.Equal([0, 2], partition.RecordErrors.Select(e => e.BatchIndex));
        Assert.All(partition.RecordErrors, e => Assert.Contains("without a key", e.BatchIndexErrorMessage));
        Assert.Contains("2 record(s)", partition.ErrorMessage);
        Assert.Equal(0, _kafka.Broker.GetOffsets(topic, 0)!.Value.LogEndOffset);
    }

    [Fact]
    public async Task Fetch_out_of_range_and_list_offsets()
    {
        Assert.Equal(ErrorCode.None, _kafka.Broker.CreateTopic("offsets", 1, null).Error);
        await _kafka.Broker.ProduceAsync("offsets", 0, Batch(4, "o"), Acks.All);
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var fetch = new FetchRequest { MaxWaitMs = 0, MinBytes = 0, MaxBytes = 1 << 20 };
        fetch.Topics.Add(new() { Topic = "offsets", Partitions = [new() { Partition = 0, FetchOffset = 99, PartitionMaxBytes = 1024 }] });
        var fetched = await connection.SendAsync<FetchResponse>(fetch, 1, 11);
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, fetched.Responses[0].Partitions[0].ErrorCode);

        foreach (var version in new short[] { 0, 1, 5, 8 })
        {
            var list = new ListOffsetsRequest { ReplicaId = -1 };
            list.Topics.Add(new() { Name = "offsets", Partitions = [new() { PartitionIndex = 0, Timestamp = -1, MaxNumOffsets = 1 }, new() { PartitionIndex = 0, Timestamp = -2, MaxNumOffsets = 1 }] });
            var listed = await connection.SendAsync<ListOffsetsResponse>(list, 2, version);
            var latest = listed.Topics[0].Partitions[0];
            var earliest = listed.Topics[0].Partitions[1];
            if (version == 0)
            {
                Assert.Equal([4L], latest.OldStyleOffsets);
                Assert.Equal([0L], earliest.OldStyleOffsets);
            }
            else
            {
                Assert.Equal((4L, 0L), (latest.Offset, earliest.Offset));
            }
        }
    }

    [Fact]
    public async Task Create_and_delete_topics_through_the_protocol()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var create = new CreateTopicsRequest { TimeoutMs = 5000 };
        create.Topics.Add(new() { Name = "made", NumPartitions = 3, ReplicationFactor = 1, Configs = [new() { Name = "retention.ms", Value = "60000" }] });
        create.Topics.Add(new() { Name = "replicated", NumPartitions = 1, ReplicationFactor = 3 });
        create.Topics.Add(new() { Name = "bad/name", NumPartitions = 1, ReplicationFactor = 1 });
        var created = await connection.SendAsync<CreateTopicsResponse>(create, 19, 7);
        Assert.Equal(0, created.Topics[0].ErrorCode);
        Assert.Equal(3, created.Topics[0].NumPartitions);
        Assert.Equal((short)ErrorCode.InvalidReplicationFactor, created.Topics[1].ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidTopicException, created.Topics[2].ErrorCode);
        var again = await connection.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest { Topics = [new() { Name = "made", NumPartitions = 1, ReplicationFactor = 1 }] }, 19, 2);
        Assert.Equal((short)ErrorCode.TopicAlreadyExists, again.Topics[0].ErrorCode);

        var deleted = await connection.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = ["made", "never"] }, 20, 4);
        Assert.Equal(0, deleted.Responses[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, deleted.Responses[1].ErrorCode);
        Assert.Null(_kafka.Broker.GetTopic("made"));
    }

    [Fact]
    public async Task InitProducerId_hands_out_ids_and_transactional_ones()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var first = await connection.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 1000 }, 22, 1);
        var second = await connection.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 1000, ProducerId = -1, ProducerEpoch = -1 }, 22, 4);
        Assert.Equal((0, 0), (first.ErrorCode, second.ErrorCode));
        Assert.NotEqual(first.ProducerId, second.ProducerId);
        var transactional = await connection.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = "tx-init", TransactionTimeoutMs = 1000 }, 22, 4);
        Assert.Equal(0, transactional.ErrorCode);
        var again = await connection.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = "tx-init", TransactionTimeoutMs = 1000 }, 22, 1);
        Assert.Equal((0, transactional.ProducerId, (short)(transactional.ProducerEpoch + 1)), (again.ErrorCode, again.ProducerId, again.ProducerEpoch));
        // KIP-360 resume with a stale epoch: PRODUCER_FENCED (90) from v4, INVALID_PRODUCER_EPOCH (47) at v3.
        var stale = new InitProducerIdRequest { TransactionalId = "tx-init", TransactionTimeoutMs = 1000, ProducerId = transactional.ProducerId, ProducerEpoch = transactional.ProducerEpoch };
        Assert.Equal(90, (await connection.SendAsync<InitProducerIdResponse>(stale, 22, 4)).ErrorCode);
        Assert.Equal(47, (await connection.SendAsync<InitProducerIdResponse>(stale, 22, 3)).ErrorCode);
        Assert.Equal(50, (await connection.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = "tx-init", TransactionTimeoutMs = 900_001 }, 22, 4)).ErrorCode);
    }

    [Fact]
    public async Task Transaction_apis_answer_bad_input_with_kafkas_error_codes()
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        _kafka.Broker.CreateTopic("txn-bad", 1, null);
        var init = await connection.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = "tx-bad", TransactionTimeoutMs = 10_000 }, 22, 1);
        Assert.Equal(0, init.ErrorCode);
        // EndTxn without a transaction: INVALID_TXN_STATE (48).
        var end = new EndTxnRequest { TransactionalId = "tx-bad", ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, Committed = true };
        Assert.Equal(48, (await connection.SendAsync<EndTxnResponse>(end, 26, 0)).ErrorCode);
        // A wrong epoch: PRODUCER_FENCED (90) from v2, INVALID_PRODUCER_EPOCH (47) before.
        var wrongEpoch = new EndTxnRequest { TransactionalId = "tx-bad", ProducerId = init.ProducerId, ProducerEpoch = (short)(init.ProducerEpoch + 5), Committed = true };
        Assert.Equal(47, (await connection.SendAsync<EndTxnResponse>(wrongEpoch, 26, 1)).ErrorCode);
        Assert.Equal(90, (await connection.SendAsync<EndTxnResponse>(wrongEpoch, 26, 3)).ErrorCode);
        // An unknown transactional id: INVALID_PRODUCER_ID_MAPPING (49).
        Assert.Equal(49, (await connection.SendAsync<AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest { TransactionalId = "nobody", ProducerId = 1, ProducerEpoch = 0, GroupId = "g" }, 25, 0)).ErrorCode);
        var add = await connection.SendAsync<AddPartitionsToTxnResponse>(new AddPartitionsToTxnRequest
        {
            TransactionalId = "tx-bad",
            ProducerId = init.ProducerId,
            ProducerEpoch = init.ProducerEpoch,
            Topics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = "txn-bad", Partitions = [0] }, new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = "txn-missing", Partitions = [0] }],
        }, 24, 3);
        Assert.Equal([("txn-bad", 55), ("txn-missing", 3)], add.Results.Select(r => (r.Name, (int)r.Results.Single().ErrorCode)));
        // DescribeTransactions of an unknown id: TRANSACTIONAL_ID_NOT_FOUND (105); of a known one its state.
        var described = await connection.SendAsync<DescribeTransactionsResponse>(new DescribeTransactionsRequest { TransactionalIds = ["tx-bad", "nobody"] }, 65, 0);
        Assert.Equal([(0, "Empty"), (105, "")], described.TransactionStates.Select(s => ((int)s.ErrorCode, s.TransactionState)));
        var listed = await connection.SendAsync<ListTransactionsResponse>(new ListTransactionsRequest { StateFilters = ["Empty", "Bogus"] }, 66, 1);
        Assert.Equal(["Bogus"], listed.UnknownStateFilters);
        Assert.Contains(listed.TransactionStates, s => s.TransactionalId == "tx-bad" && s.TransactionState == "Empty");
    }
    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    public async Task WriteTxnMarkers_ends_a_hanging_transaction_and_answers_per_partition(short version)
    {
        using var connection = await RawKafkaConnection.ConnectAsync(_kafka.Server.Port);
        var topic = $"txn-markers-{version}";
        _kafka.Broker.CreateTopic(topic, 1, null);
        await _kafka.Broker.Transactions.InitProducerIdAsync(topic, 60_000, -1, -1);
        var init = await _kafka.Broker.Transactions.InitProducerIdAsync(topic, 60_000, -1, -1);
        Assert.Equal((ErrorCode.None, (short)1), (init.Error, init.ProducerEpoch));
        Assert.Equal(ErrorCode.None, (await _kafka.Broker.Transactions.AddPartitionsAsync(topic, init.ProducerId, init.ProducerEpoch, [new TopicPartition(topic, 0)]))[0].Error);
        using (var builder = new Tributary.Protocol.Records.RecordBatchBuilder(1_700_000_000_000))
        {
            builder.Append(1_700_000_000_000, "k"u8.ToArray(), "v"u8.ToArray());
            var batch = builder.ToArray(new Tributary.Protocol.Records.BatchOptions { ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, BaseSequence = 0, AttributeFlags = Tributary.Protocol.Records.RecordBatchLayout.TransactionalFlag });
            Assert.Equal(ErrorCode.None, (await _kafka.Broker.ProduceAsync(topic, 0, batch, Acks.All)).Error);
        }
        Assert.Equal(0, _kafka.Broker.ListOffset(topic, 0, -1, IsolationLevel.ReadCommitted).Offset);

        var request = new WriteTxnMarkersRequest
        {
            Markers =
            [
                new WriteTxnMarkersRequest.WritableTxnMarker
                {
                    ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, TransactionResult = false, CoordinatorEpoch = 0,
                    Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic, PartitionIndexes = [0] }, new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = "no-such-topic", PartitionIndexes = [0] }],
                },
                // An epoch older than the one the partition has seen from the producer.
                new WriteTxnMarkersRequest.WritableTxnMarker
                {
                    ProducerId = init.ProducerId, ProducerEpoch = (short)(init.ProducerEpoch - 1), TransactionResult = true, CoordinatorEpoch = 0,
                    Topics = [new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic, PartitionIndexes = [0] }],
                },
            ],
        };
        var response = await connection.SendAsync<WriteTxnMarkersResponse>(request, 27, version);
        Assert.Equal(
            [(init.ProducerId, topic, 0, 0), (init.ProducerId, "no-such-topic", 0, 3), (init.ProducerId, topic, 0, 47)],
            response.Markers.SelectMany(m => m.Topics.SelectMany(t => t.Partitions.Select(p => (m.ProducerId, t.Name, p.PartitionIndex, (int)p.ErrorCode)))));
        // The ABORT marker at offset 1 ends the transaction: the last stable offset reaches the high watermark and
        // read_committed readers are told the record at offset 0 was aborted.
        Assert.Equal(2, _kafka.Broker.ListOffset(topic, 0, -1, IsolationLevel.ReadCommitted).Offset);
        var fetched = await _kafka.Broker.FetchAsync([new(topic, 0, 0, 1 << 20)], 0, 1, 1 << 20, isolation: IsolationLevel.ReadCommitted);
        var aborted = Assert.Single(fetched[0].AbortedTransactions!);
        Assert.Equal((init.ProducerId, 0L, 1L), (aborted.ProducerId, aborted.FirstOffset, aborted.LastOffset));
        fetched[0].Records?.Dispose();
    }
}
