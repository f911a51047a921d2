using Tributary.Foundation.Buffers;
using Tributary.Protocol.Kafka;

namespace Tributary.Protocol.Tests.Kafka;

public class HeaderTests
{
    [Fact]
    public void Request_header_v2_keeps_an_int16_client_id_and_adds_tagged_fields()
    {
        // An ApiVersions v3 request header as librdkafka sends it first (header v2):
        byte[] bytes =
        [
            0x00, 0x12,             // ApiKey 18 (ApiVersions)
            0x00, 0x03,             // ApiVersion 3
            0x00, 0x00, 0x00, 0x01, // CorrelationId 1
            0x00, 0x07,             // ClientId length 7 (int16, not compact, even in header v2)
            (byte)'r', (byte)'d', (byte)'k', (byte)'a', (byte)'f', (byte)'k', (byte)'a',
            0x00,                   // no tagged fields
        ];
        Assert.Equal(((short)18, (short)3), RequestHeader.Peek(bytes));
        var header = new RequestHeader();
        var reader = new KafkaReader(bytes);
        header.Read(ref reader, 2);
        Assert.True(reader.End);
        Assert.Equal((18, 3, 1, "rdkafka"), (header.ApiKey, header.ApiVersion, header.CorrelationId, header.ClientId));
        using var buffer = new PooledBufferWriter();
        header.Write(new KafkaWriter(buffer), 2);
        Assert.Equal(bytes, buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData((short)0, "000A00030000002A")]
    [InlineData((short)1, "000A00030000002AFFFF")]
    [InlineData((short)2, "000A00030000002AFFFF00")]
    public void Request_header_versions_have_their_layouts(short headerVersion, string hex)
    {
        var header = new RequestHeader { ApiKey = 10, ApiVersion = 3, CorrelationId = 42, ClientId = null };
        using var buffer = new PooledBufferWriter();
        header.Write(new KafkaWriter(buffer), headerVersion);
        Assert.Equal(hex, Convert.ToHexString(buffer.WrittenSpan));
    }

    [Fact]
    public void Response_header_v1_ends_with_tagged_fields()
    {
        using var buffer = new PooledBufferWriter();
        new ResponseHeader { CorrelationId = 7 }.Write(new KafkaWriter(buffer), 1);
        Assert.Equal("0000000700", Convert.ToHexString(buffer.WrittenSpan));
        var reader = new KafkaReader(buffer.WrittenMemory);
        var header = new ResponseHeader();
        header.Read(ref reader, 1);
        Assert.Equal(7, header.CorrelationId);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("0012000300000001")]
    [InlineData("00120003000000010009727264")]
    [InlineData("0012000300000001FFFF05")]
    public void Truncated_headers_fail_with_a_protocol_error(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(bytes);
            new RequestHeader().Read(ref reader, 2);
        });
    }
}
