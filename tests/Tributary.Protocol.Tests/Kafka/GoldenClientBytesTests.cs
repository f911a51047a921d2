using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Protocol.Tests.Kafka;

/// <summary>
/// Frames captured from real clients (librdkafka 2.0.2 through kcat 1.7.1, kafka-python 2.0.2) and from
/// tributary's answers to them: each is decoded with the generated codec at its captured version, its
/// fields are checked, and it is encoded again byte for byte. Captured with a recording TCP proxy in
/// front of <c>tributary serve</c> (the broker advertising the proxy's address), or with a listener
/// that records the first frames and never answers. The 4-byte frame length prefix is not included.
/// </summary>
public class GoldenClientBytesTests
{
    [Fact]
    public void Librdkafka_ApiVersions_v3_request()
    {
        var (header, body) = DecodeRequest<ApiVersionsRequest>(RdkafkaApiVersionsV3Request, 18, 3, 2);
        Assert.Equal((1, "kcat-golden"), (header.CorrelationId, header.ClientId));
        Assert.Equal(("librdkafka", "2.0.2"), (body.ClientSoftwareName, body.ClientSoftwareVersion));

        (header, body) = DecodeRequest<ApiVersionsRequest>(RdkafkaDefaultClientIdApiVersionsV3Request, 18, 3, 2);
        Assert.Equal((1, "rdkafka"), (header.CorrelationId, header.ClientId));
        Assert.Equal(("librdkafka", "2.0.2"), (body.ClientSoftwareName, body.ClientSoftwareVersion));
    }

    [Fact]
    public void Tributary_ApiVersions_v3_response_uses_header_v0()
    {
        var (header, body) = DecodeResponse<ApiVersionsResponse>(TributaryApiVersionsV3Response, 18, 3);
        Assert.Equal(1, header.CorrelationId);
        Assert.Equal(0, body.ErrorCode);
        Assert.Equal([0, 1, 2, 3, 18, 19, 20, 21, 22, 32, 33, 35, 37, 44, 60], body.ApiKeys.Select(k => (int)k.ApiKey));
        var produce = body.ApiKeys[0];
        Assert.Equal((3, 11), (produce.MinVersion, produce.MaxVersion));
    }

    [Fact]
    public void Librdkafka_Metadata_v4_request_and_tributary_response()
    {
        var (header, request) = DecodeRequest<MetadataRequest>(RdkafkaMetadataV4Request, 3, 4, 1);
        Assert.Equal((2, "kcat-golden"), (header.CorrelationId, header.ClientId));
        Assert.Equal(["golden"], request.Topics!.Select(t => t.Name));
        Assert.True(request.AllowAutoTopicCreation);

        var (responseHeader, response) = DecodeResponse<MetadataResponse>(TributaryMetadataV4Response, 3, 4);
        Assert.Equal(2, responseHeader.CorrelationId);
        var broker = Assert.Single(response.Brokers);
        Assert.Equal((0, "127.0.0.2", 19393, (string?)null), (broker.NodeId, broker.Host, broker.Port, broker.Rack));
        Assert.Equal("82n-8RXmE0qZfMWukjsMYA", response.ClusterId);
        var topic = Assert.Single(response.Topics);
        Assert.Equal((0, "golden", false), (topic.ErrorCode, topic.Name, topic.IsInternal));
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((0, 0, 0), (partition.ErrorCode, partition.PartitionIndex, partition.LeaderId));
        Assert.Equal([0], partition.ReplicaNodes);
        Assert.Equal([0], partition.IsrNodes);
    }

    [Fact]
    public void Librdkafka_Produce_v7_request_and_tributary_response()
    {
        var (header, request) = DecodeRequest<ProduceRequest>(RdkafkaProduceV7Request, 0, 7, 1);
        Assert.Equal((3, "kcat-golden"), (header.CorrelationId, header.ClientId));
        Assert.Equal(((string?)null, (short)-1, 30000), (request.TransactionalId, request.Acks, request.TimeoutMs));
        var topic = Assert.Single(request.TopicData);
        Assert.Equal("golden", topic.Name);
        var partition = Assert.Single(topic.PartitionData);
        Assert.Equal(0, partition.Index);
        Assert.Equal(84, partition.Records!.Value.Length);
        Assert.Equal(2, partition.Records.Value.Span[16]); // magic byte of the record batch
        Assert.EndsWith(Convert.ToHexString("hello-golden"u8), Convert.ToHexString(partition.Records.Value.Span[..^1]));

        var (responseHeader, response) = DecodeResponse<ProduceResponse>(TributaryProduceV7Response, 0, 7);
        Assert.Equal(3, responseHeader.CorrelationId);
        var result = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((0, (short)0, 0L, -1L, 0L), (result.Index, result.ErrorCode, result.BaseOffset, result.LogAppendTimeMs, result.LogStartOffset));
    }

    [Fact]
    public void Librdkafka_ListOffsets_v2_request()
    {
        var (header, request) = DecodeRequest<ListOffsetsRequest>(RdkafkaListOffsetsV2Request, 2, 2, 1);
        Assert.Equal((4, "kcat-golden"), (header.CorrelationId, header.ClientId));
        Assert.Equal((-1, (sbyte)1), (request.ReplicaId, request.IsolationLevel));
        var topic = Assert.Single(request.Topics);
        Assert.Equal("golden", topic.Name);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((0, -2L), (partition.PartitionIndex, partition.Timestamp)); // -2: earliest
    }

    [Fact]
    public void Librdkafka_Fetch_v11_request_and_tributary_response()
    {
        var (header, request) = DecodeRequest<FetchRequest>(RdkafkaFetchV11Request, 1, 11, 1);
        Assert.Equal((5, "kcat-golden"), (header.CorrelationId, header.ClientId));
        Assert.Equal((-1, 500, 1, 52428800, (sbyte)1), (request.ReplicaId, request.MaxWaitMs, request.MinBytes, request.MaxBytes, request.IsolationLevel));
        Assert.Equal((0, -1), (request.SessionId, request.SessionEpoch));
        var topic = Assert.Single(request.Topics);
        Assert.Equal("golden", topic.Topic);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((0, -1, 0L, -1L, 1048576), (partition.Partition, partition.CurrentLeaderEpoch, partition.FetchOffset, partition.LogStartOffset, partition.PartitionMaxBytes));
        Assert.Empty(request.ForgottenTopicsData);
        Assert.Equal("", request.RackId);

        var (responseHeader, response) = DecodeResponse<FetchResponse>(TributaryFetchV11Response, 1, 11);
        Assert.Equal(5, responseHeader.CorrelationId);
        Assert.Equal((0, (short)0, 0), (response.ThrottleTimeMs, response.ErrorCode, response.SessionId));
        var data = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.Equal((0, (short)0, 1L, 1L, 0L, -1), (data.PartitionIndex, data.ErrorCode, data.HighWatermark, data.LastStableOffset, data.LogStartOffset, data.PreferredReadReplica));
        Assert.Empty(data.AbortedTransactions!);
        // The batch comes back exactly as kcat produced it.
        var produced = DecodeRequest<ProduceRequest>(RdkafkaProduceV7Request, 0, 7, 1).Body.TopicData[0].PartitionData[0].Records!.Value;
        Assert.Equal(produced.ToArray(), data.Records!.Value.ToArray());
    }

    [Fact]
    public void KafkaPython_ApiVersions_v0_and_Metadata_v0_requests()
    {
        var (header, _) = DecodeRequest<ApiVersionsRequest>(KafkaPythonApiVersionsV0Request, 18, 0, 1);
        Assert.Equal((1, "kp-golden"), (header.CorrelationId, header.ClientId));

        var (metadataHeader, metadata) = DecodeRequest<MetadataRequest>(KafkaPythonMetadataV0Request, 3, 0, 1);
        Assert.Equal((2, "kp-golden"), (metadataHeader.CorrelationId, metadataHeader.ClientId));
        Assert.Empty(metadata.Topics!); // v0: an empty list means all topics
    }

    [Fact]
    public void KafkaPython_Metadata_v1_request()
    {
        var (header, request) = DecodeRequest<MetadataRequest>(KafkaPythonMetadataV1Request, 3, 1, 1);
        Assert.Equal("kp-golden", header.ClientId);
        Assert.Null(request.Topics); // v1+: null means all topics
    }

    [Fact]
    public void KafkaPython_Produce_v7_request()
    {
        var (header, request) = DecodeRequest<ProduceRequest>(KafkaPythonProduceV7Request, 0, 7, 1);
        Assert.Equal("kp-golden", header.ClientId);
        Assert.Equal(((string?)null, (short)1, 30000), (request.TransactionalId, request.Acks, request.TimeoutMs));
        var topic = Assert.Single(request.TopicData);
        Assert.Equal("golden", topic.Name);
        var partition = Assert.Single(topic.PartitionData);
        Assert.Equal(0, partition.Index);
        Assert.Equal(2, partition.Records!.Value.Span[16]);
        Assert.EndsWith(Convert.ToHexString("from-kafka-python"u8), Convert.ToHexString(partition.Records.Value.Span[..^1]));
    }

    [Fact]
    public void KafkaPython_ListOffsets_v1_and_Fetch_v4_requests()
    {
        var (header, listOffsets) = DecodeRequest<ListOffsetsRequest>(KafkaPythonListOffsetsV1Request, 2, 1, 1);
        Assert.Equal("kp-golden-c", header.ClientId);
        Assert.Equal(-1, listOffsets.ReplicaId);
        var offsets = Assert.Single(Assert.Single(listOffsets.Topics).Partitions);
        Assert.Equal((0, -2L), (offsets.PartitionIndex, offsets.Timestamp));

        var (fetchHeader, fetch) = DecodeRequest<FetchRequest>(KafkaPythonFetchV4Request, 1, 4, 1);
        Assert.Equal("kp-golden-c", fetchHeader.ClientId);
        Assert.Equal((-1, 500, 1, 52428800, (sbyte)0), (fetch.ReplicaId, fetch.MaxWaitMs, fetch.MinBytes, fetch.MaxBytes, fetch.IsolationLevel));
        var topic = Assert.Single(fetch.Topics);
        Assert.Equal("golden", topic.Topic);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((0, 0L, 1048576), (partition.Partition, partition.FetchOffset, partition.PartitionMaxBytes));
    }

    private static (RequestHeader Header, T Body) DecodeRequest<T>(byte[] frame, short apiKey, short version, short headerVersion)
        where T : IKafkaMessage, new()
    {
        var api = KafkaApis.All.Single(a => a.ApiKey == apiKey);
        Assert.Equal(headerVersion, api.RequestHeaderVersion(version));
        Assert.Equal((apiKey, version), RequestHeader.Peek(frame));
        var reader = new KafkaReader(frame);
        var header = new RequestHeader();
        header.Read(ref reader, headerVersion);
        Assert.Equal((apiKey, version), (header.ApiKey, header.ApiVersion));
        var body = new T();
        body.Read(ref reader, version);
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread");

        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        header.Write(writer, headerVersion);
        body.Write(writer, version);
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(buffer.WrittenSpan));
        return (header, body);
    }

    private static (ResponseHeader Header, T Body) DecodeResponse<T>(byte[] frame, short apiKey, short version)
        where T : IKafkaMessage, new()
    {
        var headerVersion = KafkaApis.All.Single(a => a.ApiKey == apiKey).ResponseHeaderVersion(version);
        var reader = new KafkaReader(frame);
        var header = new ResponseHeader();
        header.Read(ref reader, headerVersion);
        var body = new T();
        body.Read(ref reader, version);
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread");

        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        header.Write(writer, headerVersion);
        body.Write(writer, version);
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(buffer.WrittenSpan));
        return (header, body);
    }

    // librdkafka 2.0.2 (kcat 1.7.1, `kcat -P`), first request on a connection: ApiVersions v3, request header v2.
    private static readonly byte[] RdkafkaApiVersionsV3Request =
    [
        0x00, 0x12,                                                       // ApiKey 18 (ApiVersions)
        0x00, 0x03,                                                       // ApiVersion 3
        0x00, 0x00, 0x00, 0x01,                                           // CorrelationId 1
        0x00, 0x0B,                                                       // ClientId (int16 length, even in header v2) length 11
        0x6B, 0x63, 0x61, 0x74, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kcat-golden"
        0x00,                                                             // header: no tagged fields
        0x0B,                                                             // ClientSoftwareName compact length 10+1
        0x6C, 0x69, 0x62, 0x72, 0x64, 0x6B, 0x61, 0x66, 0x6B, 0x61,       //   "librdkafka"
        0x06,                                                             // ClientSoftwareVersion compact length 5+1
        0x32, 0x2E, 0x30, 0x2E, 0x32,                                     //   "2.0.2"
        0x00,                                                             // body: no tagged fields
    ];

    // librdkafka 2.0.2 (`kcat -L`, default client.id, captured by a listener that never answers): ApiVersions v3, request header v2.
    private static readonly byte[] RdkafkaDefaultClientIdApiVersionsV3Request =
    [
        0x00, 0x12,                                                 // ApiKey 18 (ApiVersions)
        0x00, 0x03,                                                 // ApiVersion 3
        0x00, 0x00, 0x00, 0x01,                                     // CorrelationId 1
        0x00, 0x07,                                                 // ClientId (int16 length, even in header v2) length 7
        0x72, 0x64, 0x6B, 0x61, 0x66, 0x6B, 0x61,                   //   "rdkafka"
        0x00,                                                       // header: no tagged fields
        0x0B,                                                       // ClientSoftwareName compact length 10+1
        0x6C, 0x69, 0x62, 0x72, 0x64, 0x6B, 0x61, 0x66, 0x6B, 0x61, //   "librdkafka"
        0x06,                                                       // ClientSoftwareVersion compact length 5+1
        0x32, 0x2E, 0x30, 0x2E, 0x32,                               //   "2.0.2"
        0x00,                                                       // body: no tagged fields
    ];

    // tributary's answer to it: ApiVersions v3 response, response header v0 (KIP-511).
    private static readonly byte[] TributaryApiVersionsV3Response =
    [
        0x00, 0x00, 0x00, 0x01, // CorrelationId 1
        0x00, 0x00,             // ErrorCode 0
        0x10,                   // ApiKeys: compact count 15+1
            0x00, 0x00,         // ApiKey 0
            0x00, 0x03,         // MinVersion 3
            0x00, 0x0B,         // MaxVersion 11
            0x00,               // no tagged fields
            0x00, 0x01,         // ApiKey 1
            0x00, 0x04,         // MinVersion 4
            0x00, 0x10,         // MaxVersion 16
            0x00,               // no tagged fields
            0x00, 0x02,         // ApiKey 2
            0x00, 0x00,         // MinVersion 0
            0x00, 0x08,         // MaxVersion 8
            0x00,               // no tagged fields
            0x00, 0x03,         // ApiKey 3
            0x00, 0x00,         // MinVersion 0
            0x00, 0x0C,         // MaxVersion 12
            0x00,               // no tagged fields
            0x00, 0x12,         // ApiKey 18
            0x00, 0x00,         // MinVersion 0
            0x00, 0x03,         // MaxVersion 3
            0x00,               // no tagged fields
            0x00, 0x13,         // ApiKey 19
            0x00, 0x00,         // MinVersion 0
            0x00, 0x07,         // MaxVersion 7
            0x00,               // no tagged fields
            0x00, 0x14,         // ApiKey 20
            0x00, 0x00,         // MinVersion 0
            0x00, 0x06,         // MaxVersion 6
            0x00,               // no tagged fields
            0x00, 0x15,         // ApiKey 21
            0x00, 0x00,         // MinVersion 0
            0x00, 0x02,         // MaxVersion 2
            0x00,               // no tagged fields
            0x00, 0x16,         // ApiKey 22
            0x00, 0x00,         // MinVersion 0
            0x00, 0x05,         // MaxVersion 5
            0x00,               // no tagged fields
            0x00, 0x20,         // ApiKey 32
            0x00, 0x00,         // MinVersion 0
            0x00, 0x04,         // MaxVersion 4
            0x00,               // no tagged fields
            0x00, 0x21,         // ApiKey 33
            0x00, 0x00,         // MinVersion 0
            0x00, 0x02,         // MaxVersion 2
            0x00,               // no tagged fields
            0x00, 0x23,         // ApiKey 35
            0x00, 0x00,         // MinVersion 0
            0x00, 0x04,         // MaxVersion 4
            0x00,               // no tagged fields
            0x00, 0x25,         // ApiKey 37
            0x00, 0x00,         // MinVersion 0
            0x00, 0x03,         // MaxVersion 3
            0x00,               // no tagged fields
            0x00, 0x2C,         // ApiKey 44
            0x00, 0x00,         // MinVersion 0
            0x00, 0x01,         // MaxVersion 1
            0x00,               // no tagged fields
            0x00, 0x3C,         // ApiKey 60
            0x00, 0x00,         // MinVersion 0
            0x00, 0x01,         // MaxVersion 1
            0x00,               // no tagged fields
        0x00, 0x00, 0x00, 0x00, // ThrottleTimeMs 0
        0x00,                   // body: no tagged fields
    ];

    // librdkafka 2.0.2 (`kcat -P -t golden`): Metadata v4, request header v1.
    private static readonly byte[] RdkafkaMetadataV4Request =
    [
        0x00, 0x03,                                                       // ApiKey 3 (Metadata)
        0x00, 0x04,                                                       // ApiVersion 4
        0x00, 0x00, 0x00, 0x02,                                           // CorrelationId 2
        0x00, 0x0B,                                                       // ClientId length 11
        0x6B, 0x63, 0x61, 0x74, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kcat-golden"
        0x00, 0x00, 0x00, 0x01,                                           // Topics: 1 element(s)
            0x00, 0x06,                                                   // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                           //   "golden"
        0x01,                                                             // AllowAutoTopicCreation true
    ];

    // tributary's Metadata v4 response to it (topic auto-created), response header v0.
    private static readonly byte[] TributaryMetadataV4Response =
    [
        0x00, 0x00, 0x00, 0x02,                                                                         // CorrelationId 2
        0x00, 0x00, 0x00, 0x00,                                                                         // ThrottleTimeMs 0
        0x00, 0x00, 0x00, 0x01,                                                                         // Brokers: 1 element(s)
            0x00, 0x00, 0x00, 0x00,                                                                     // NodeId 0
            0x00, 0x09,                                                                                 // Host length 9
            0x31, 0x32, 0x37, 0x2E, 0x30, 0x2E, 0x30, 0x2E, 0x32,                                       //   "127.0.0.2"
            0x00, 0x00, 0x4B, 0xC1,                                                                     // Port 19393
            0xFF, 0xFF,                                                                                 // Rack: null (int16 length -1)
        0x00, 0x16,                                                                                     // ClusterId length 22
        0x38, 0x32, 0x6E, 0x2D, 0x38, 0x52, 0x58, 0x6D, 0x45, 0x30, 0x71, 0x5A, 0x66, 0x4D, 0x57, 0x75, //   "82n-8RXmE0qZfMWukjsMYA"
        0x6B, 0x6A, 0x73, 0x4D, 0x59, 0x41,
        0x00, 0x00, 0x00, 0x00,                                                                         // ControllerId 0
        0x00, 0x00, 0x00, 0x01,                                                                         // Topics: 1 element(s)
            0x00, 0x00,                                                                                 // ErrorCode 0
            0x00, 0x06,                                                                                 // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                                                         //   "golden"
            0x00,                                                                                       // IsInternal false
            0x00, 0x00, 0x00, 0x01,                                                                     // Partitions: 1 element(s)
                0x00, 0x00,                                                                             // ErrorCode 0
                0x00, 0x00, 0x00, 0x00,                                                                 // PartitionIndex 0
                0x00, 0x00, 0x00, 0x00,                                                                 // LeaderId 0
                0x00, 0x00, 0x00, 0x01,                                                                 // ReplicaNodes: 1 element(s)
                    0x00, 0x00, 0x00, 0x00,                                                             // node 0
                0x00, 0x00, 0x00, 0x01,                                                                 // IsrNodes: 1 element(s)
                    0x00, 0x00, 0x00, 0x00,                                                             // node 0
    ];

    // librdkafka 2.0.2 (`kcat -P -t golden -k key1 -z none`, value "hello-golden"): Produce v7, request header v1.
    private static readonly byte[] RdkafkaProduceV7Request =
    [
        0x00, 0x00,                                                                         // ApiKey 0 (Produce)
        0x00, 0x07,                                                                         // ApiVersion 7
        0x00, 0x00, 0x00, 0x03,                                                             // CorrelationId 3
        0x00, 0x0B,                                                                         // ClientId length 11
        0x6B, 0x63, 0x61, 0x74, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                   //   "kcat-golden"
        0xFF, 0xFF,                                                                         // TransactionalId: null (int16 length -1)
        0xFF, 0xFF,                                                                         // Acks -1
        0x00, 0x00, 0x75, 0x30,                                                             // TimeoutMs 30000
        0x00, 0x00, 0x00, 0x01,                                                             // TopicData: 1 element(s)
            0x00, 0x06,                                                                     // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                                             //   "golden"
            0x00, 0x00, 0x00, 0x01,                                                         // PartitionData: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                                     // Index 0
                0x00, 0x00, 0x00, 0x54,                                                     // Records: 84 bytes
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                         //   batch BaseOffset 0
                    0x00, 0x00, 0x00, 0x48,                                                 //   batch Length 72
                    0x00, 0x00, 0x00, 0x00,                                                 //   batch PartitionLeaderEpoch 0
                    0x02,                                                                   //   batch Magic 2
                    0x21, 0x38, 0xF5, 0x6D,                                                 //   batch CRC-32C
                    0x00, 0x00,                                                             //   batch Attributes 0
                    0x00, 0x00, 0x00, 0x00,                                                 //   batch LastOffsetDelta 0
                    0x00, 0x00, 0x01, 0xA2, 0x02, 0x94, 0xCC, 0x2F,                         //   batch BaseTimestamp 1795339635759
                    0x00, 0x00, 0x01, 0xA2, 0x02, 0x94, 0xCC, 0x2F,                         //   batch MaxTimestamp 1795339635759
                    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,                         //   batch ProducerId -1
                    0xFF, 0xFF,                                                             //   batch ProducerEpoch -1
                    0xFF, 0xFF, 0xFF, 0xFF,                                                 //   batch BaseSequence -1
                    0x00, 0x00, 0x00, 0x01,                                                 //   batch record count 1
                    0x2C,                                                                   //     record length 22 (varint)
                    0x00,                                                                   //     record attributes
                    0x00,                                                                   //     record timestamp delta 0
                    0x00,                                                                   //     record offset delta 0
                    0x08,                                                                   //     record key length 4
                    0x6B, 0x65, 0x79, 0x31,                                                 //       key "key1"
                    0x18,                                                                   //     record value length 12
                    0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //       value "hello-golden"
                    0x00,                                                                   //     record header count 0
    ];

    // tributary's Produce v7 response to it, response header v0.
    private static readonly byte[] TributaryProduceV7Response =
    [
        0x00, 0x00, 0x00, 0x03,                                 // CorrelationId 3
        0x00, 0x00, 0x00, 0x01,                                 // Responses: 1 element(s)
            0x00, 0x06,                                         // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                 //   "golden"
            0x00, 0x00, 0x00, 0x01,                             // PartitionResponses: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                         // Index 0
                0x00, 0x00,                                     // ErrorCode 0
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // BaseOffset 0
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // LogAppendTimeMs -1
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // LogStartOffset 0
        0x00, 0x00, 0x00, 0x00,                                 // ThrottleTimeMs 0
    ];

    // librdkafka 2.0.2 (`kcat -C -t golden -o beginning`): ListOffsets v2, request header v1.
    private static readonly byte[] RdkafkaListOffsetsV2Request =
    [
        0x00, 0x02,                                                       // ApiKey 2 (ListOffsets)
        0x00, 0x02,                                                       // ApiVersion 2
        0x00, 0x00, 0x00, 0x04,                                           // CorrelationId 4
        0x00, 0x0B,                                                       // ClientId length 11
        0x6B, 0x63, 0x61, 0x74, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kcat-golden"
        0xFF, 0xFF, 0xFF, 0xFF,                                           // ReplicaId -1
        0x01,                                                             // IsolationLevel 1
        0x00, 0x00, 0x00, 0x01,                                           // Topics: 1 element(s)
            0x00, 0x06,                                                   // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                           //   "golden"
            0x00, 0x00, 0x00, 0x01,                                       // Partitions: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                   // PartitionIndex 0
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,           // Timestamp -2
    ];

    // librdkafka 2.0.2 (`kcat -C -t golden -o beginning`): Fetch v11, request header v1.
    private static readonly byte[] RdkafkaFetchV11Request =
    [
        0x00, 0x01,                                                       // ApiKey 1 (Fetch)
        0x00, 0x0B,                                                       // ApiVersion 11
        0x00, 0x00, 0x00, 0x05,                                           // CorrelationId 5
        0x00, 0x0B,                                                       // ClientId length 11
        0x6B, 0x63, 0x61, 0x74, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kcat-golden"
        0xFF, 0xFF, 0xFF, 0xFF,                                           // ReplicaId -1
        0x00, 0x00, 0x01, 0xF4,                                           // MaxWaitMs 500
        0x00, 0x00, 0x00, 0x01,                                           // MinBytes 1
        0x03, 0x20, 0x00, 0x00,                                           // MaxBytes 52428800
        0x01,                                                             // IsolationLevel 1
        0x00, 0x00, 0x00, 0x00,                                           // SessionId 0
        0xFF, 0xFF, 0xFF, 0xFF,                                           // SessionEpoch -1
        0x00, 0x00, 0x00, 0x01,                                           // Topics: 1 element(s)
            0x00, 0x06,                                                   // Topic length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                           //   "golden"
            0x00, 0x00, 0x00, 0x01,                                       // Partitions: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                   // Partition 0
                0xFF, 0xFF, 0xFF, 0xFF,                                   // CurrentLeaderEpoch -1
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,           // FetchOffset 0
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,           // LogStartOffset -1
                0x00, 0x10, 0x00, 0x00,                                   // PartitionMaxBytes 1048576
        0x00, 0x00, 0x00, 0x00,                                           // ForgottenTopicsData: 0 element(s)
        0x00, 0x00,                                                       // RackId length 0
    ];

    // tributary's Fetch v11 response to it, carrying the batch kcat produced, response header v0.
    private static readonly byte[] TributaryFetchV11Response =
    [
        0x00, 0x00, 0x00, 0x05,                                                             // CorrelationId 5
        0x00, 0x00, 0x00, 0x00,                                                             // ThrottleTimeMs 0
        0x00, 0x00,                                                                         // ErrorCode 0
        0x00, 0x00, 0x00, 0x00,                                                             // SessionId 0
        0x00, 0x00, 0x00, 0x01,                                                             // Responses: 1 element(s)
            0x00, 0x06,                                                                     // Topic length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                                             //   "golden"
            0x00, 0x00, 0x00, 0x01,                                                         // Partitions: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                                     // PartitionIndex 0
                0x00, 0x00,                                                                 // ErrorCode 0
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,                             // HighWatermark 1
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,                             // LastStableOffset 1
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                             // LogStartOffset 0
                0x00, 0x00, 0x00, 0x00,                                                     // AbortedTransactions: 0 element(s)
                0xFF, 0xFF, 0xFF, 0xFF,                                                     // PreferredReadReplica -1
                0x00, 0x00, 0x00, 0x54,                                                     // Records: 84 bytes
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                         //   batch BaseOffset 0
                    0x00, 0x00, 0x00, 0x48,                                                 //   batch Length 72
                    0x00, 0x00, 0x00, 0x00,                                                 //   batch PartitionLeaderEpoch 0
                    0x02,                                                                   //   batch Magic 2
                    0x21, 0x38, 0xF5, 0x6D,                                                 //   batch CRC-32C
                    0x00, 0x00,                                                             //   batch Attributes 0
                    0x00, 0x00, 0x00, 0x00,                                                 //   batch LastOffsetDelta 0
                    0x00, 0x00, 0x01, 0xA2, 0x02, 0x94, 0xCC, 0x2F,                         //   batch BaseTimestamp 1795339635759
                    0x00, 0x00, 0x01, 0xA2, 0x02, 0x94, 0xCC, 0x2F,                         //   batch MaxTimestamp 1795339635759
                    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,                         //   batch ProducerId -1
                    0xFF, 0xFF,                                                             //   batch ProducerEpoch -1
                    0xFF, 0xFF, 0xFF, 0xFF,                                                 //   batch BaseSequence -1
                    0x00, 0x00, 0x00, 0x01,                                                 //   batch record count 1
                    0x2C,                                                                   //     record length 22 (varint)
                    0x00,                                                                   //     record attributes
                    0x00,                                                                   //     record timestamp delta 0
                    0x00,                                                                   //     record offset delta 0
                    0x08,                                                                   //     record key length 4
                    0x6B, 0x65, 0x79, 0x31,                                                 //       key "key1"
                    0x18,                                                                   //     record value length 12
                    0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //       value "hello-golden"
                    0x00,                                                                   //     record header count 0
    ];

    // kafka-python 2.0.2 (KafkaProducer, client_id 'kp-golden'), first request: ApiVersions v0, request header v1, empty body.
    private static readonly byte[] KafkaPythonApiVersionsV0Request =
    [
        0x00, 0x12,                                           // ApiKey 18 (ApiVersions)
        0x00, 0x00,                                           // ApiVersion 0
        0x00, 0x00, 0x00, 0x01,                               // CorrelationId 1
        0x00, 0x09,                                           // ClientId length 9
        0x6B, 0x70, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kp-golden"
    ];

    // kafka-python 2.0.2, pipelined right after ApiVersions v0 (version probe): Metadata v0, request header v1.
    private static readonly byte[] KafkaPythonMetadataV0Request =
    [
        0x00, 0x03,                                           // ApiKey 3 (Metadata)
        0x00, 0x00,                                           // ApiVersion 0
        0x00, 0x00, 0x00, 0x02,                               // CorrelationId 2
        0x00, 0x09,                                           // ClientId length 9
        0x6B, 0x70, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kp-golden"
        0x00, 0x00, 0x00, 0x00,                               // Topics: 0 element(s)
    ];

    // kafka-python 2.0.2 (KafkaProducer against tributary): Metadata v1 for all topics, request header v1.
    private static readonly byte[] KafkaPythonMetadataV1Request =
    [
        0x00, 0x03,                                           // ApiKey 3 (Metadata)
        0x00, 0x01,                                           // ApiVersion 1
        0x00, 0x00, 0x00, 0x03,                               // CorrelationId 3
        0x00, 0x09,                                           // ClientId length 9
        0x6B, 0x70, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, //   "kp-golden"
        0xFF, 0xFF, 0xFF, 0xFF,                               // Topics: null (-1)
    ];

    // kafka-python 2.0.2 (KafkaProducer.send('golden', key=b'k2', value=b'from-kafka-python')): Produce v7, request header v1.
    private static readonly byte[] KafkaPythonProduceV7Request =
    [
        0x00, 0x00,                                                                                                 // ApiKey 0 (Produce)
        0x00, 0x07,                                                                                                 // ApiVersion 7
        0x00, 0x00, 0x00, 0x01,                                                                                     // CorrelationId 1
        0x00, 0x09,                                                                                                 // ClientId length 9
        0x6B, 0x70, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                                                       //   "kp-golden"
        0xFF, 0xFF,                                                                                                 // TransactionalId: null (int16 length -1)
        0x00, 0x01,                                                                                                 // Acks 1
        0x00, 0x00, 0x75, 0x30,                                                                                     // TimeoutMs 30000
        0x00, 0x00, 0x00, 0x01,                                                                                     // TopicData: 1 element(s)
            0x00, 0x06,                                                                                             // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                                                                     //   "golden"
            0x00, 0x00, 0x00, 0x01,                                                                                 // PartitionData: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                                                             // Index 0
                0x00, 0x00, 0x00, 0x57,                                                                             // Records: 87 bytes
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                                 //   batch BaseOffset 0
                    0x00, 0x00, 0x00, 0x4B,                                                                         //   batch Length 75
                    0x00, 0x00, 0x00, 0x00,                                                                         //   batch PartitionLeaderEpoch 0
                    0x02,                                                                                           //   batch Magic 2
                    0x8C, 0x15, 0x06, 0xCC,                                                                         //   batch CRC-32C
                    0x00, 0x00,                                                                                     //   batch Attributes 0
                    0x00, 0x00, 0x00, 0x00,                                                                         //   batch LastOffsetDelta 0
                    0x00, 0x00, 0x01, 0xA2, 0x02, 0x94, 0xE2, 0xB4,                                                 //   batch BaseTimestamp 1795339641524
                    0x00, 0x00, 0x01, 0xA2, 0x02, 0x94, 0xE2, 0xB4,                                                 //   batch MaxTimestamp 1795339641524
                    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,                                                 //   batch ProducerId -1
                    0xFF, 0xFF,                                                                                     //   batch ProducerEpoch -1
                    0xFF, 0xFF, 0xFF, 0xFF,                                                                         //   batch BaseSequence -1
                    0x00, 0x00, 0x00, 0x01,                                                                         //   batch record count 1
                    0x32,                                                                                           //     record length 25 (varint)
                    0x00,                                                                                           //     record attributes
                    0x00,                                                                                           //     record timestamp delta 0
                    0x00,                                                                                           //     record offset delta 0
                    0x04,                                                                                           //     record key length 2
                    0x6B, 0x32,                                                                                     //       key "k2"
                    0x22,                                                                                           //     record value length 17
                    0x66, 0x72, 0x6F, 0x6D, 0x2D, 0x6B, 0x61, 0x66, 0x6B, 0x61, 0x2D, 0x70, 0x79, 0x74, 0x68, 0x6F, //       value "from-kafka-python"
                    0x6E,
                    0x00,                                                                                           //     record header count 0
    ];

    // kafka-python 2.0.2 (KafkaConsumer, auto_offset_reset='earliest'): ListOffsets v1, request header v1.
    private static readonly byte[] KafkaPythonListOffsetsV1Request =
    [
        0x00, 0x02,                                                       // ApiKey 2 (ListOffsets)
        0x00, 0x01,                                                       // ApiVersion 1
        0x00, 0x00, 0x00, 0x01,                                           // CorrelationId 1
        0x00, 0x0B,                                                       // ClientId length 11
        0x6B, 0x70, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, 0x2D, 0x63, //   "kp-golden-c"
        0xFF, 0xFF, 0xFF, 0xFF,                                           // ReplicaId -1
        0x00, 0x00, 0x00, 0x01,                                           // Topics: 1 element(s)
            0x00, 0x06,                                                   // Name length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                           //   "golden"
            0x00, 0x00, 0x00, 0x01,                                       // Partitions: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                   // PartitionIndex 0
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,           // Timestamp -2
    ];

    // kafka-python 2.0.2 (KafkaConsumer): Fetch v4, request header v1.
    private static readonly byte[] KafkaPythonFetchV4Request =
    [
        0x00, 0x01,                                                       // ApiKey 1 (Fetch)
        0x00, 0x04,                                                       // ApiVersion 4
        0x00, 0x00, 0x00, 0x02,                                           // CorrelationId 2
        0x00, 0x0B,                                                       // ClientId length 11
        0x6B, 0x70, 0x2D, 0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E, 0x2D, 0x63, //   "kp-golden-c"
        0xFF, 0xFF, 0xFF, 0xFF,                                           // ReplicaId -1
        0x00, 0x00, 0x01, 0xF4,                                           // MaxWaitMs 500
        0x00, 0x00, 0x00, 0x01,                                           // MinBytes 1
        0x03, 0x20, 0x00, 0x00,                                           // MaxBytes 52428800
        0x00,                                                             // IsolationLevel 0
        0x00, 0x00, 0x00, 0x01,                                           // Topics: 1 element(s)
            0x00, 0x06,                                                   // Topic length 6
            0x67, 0x6F, 0x6C, 0x64, 0x65, 0x6E,                           //   "golden"
            0x00, 0x00, 0x00, 0x01,                                       // Partitions: 1 element(s)
                0x00, 0x00, 0x00, 0x00,                                   // Partition 0
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,           // FetchOffset 0
                0x00, 0x10, 0x00, 0x00,                                   // PartitionMaxBytes 1048576
    ];
}
