using Tributary.Foundation.Buffers;
using Tributary.Protocol.Buffers;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Protocol.Tests.Buffers;

public class DeferredBytesTests
{
    /// <summary>Counts how often its bytes are produced, so a test sees whether the encoder copied them directly.</summary>
    private sealed class CountingBytes(byte[] source) : DeferredBytes(source.Length)
    {
        public int Copies { get; private set; }

        public bool Disposed { get; private set; }

        public override void CopyTo(Span<byte> destination)
        {
            Copies++;
            source.CopyTo(destination);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private static byte[] Encode(FetchResponse response, short version)
    {
        using var buffer = new PooledBufferWriter();
        response.Write(new KafkaWriter(buffer), version);
        return buffer.WrittenSpan.ToArray();
    }

    private static FetchResponse Response(ReadOnlyMemory<byte> records) => new()
    {
        Responses =
        {
            new FetchResponse.FetchableTopicResponse
            {
                Topic = "t",
                Partitions = { new FetchResponse.PartitionData { PartitionIndex = 3, HighWatermark = 10, Records = records } },
            },
        },
    };

    [Theory]
    [InlineData((short)4)]
    [InlineData((short)12)]
    [InlineData((short)16)]
    public void A_fetch_response_with_deferred_records_encodes_the_same_bytes_and_produces_them_once(short version)
    {
        var records = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        var expected = Encode(Response(records), version);

        var deferred = new CountingBytes(records);
        var response = new FetchResponse();
        var memory = response.Attach(deferred);
        var withDeferred = Response(memory);

        Assert.Equal(expected, Encode(withDeferred, version));
        Assert.Equal(1, deferred.Copies);
        Assert.Equal(records.Length, response.RecordBytes);
        response.Dispose();
        Assert.True(deferred.Disposed);
    }

    [Fact]
    public void Reading_deferred_bytes_as_memory_materializes_them_once()
    {
        var records = new byte[] { 1, 2, 3, 4, 5 };
        using var deferred = new CountingBytes(records);
        Assert.Equal(records, deferred.Memory.ToArray());
        Assert.Equal(records, deferred.Memory.Span.ToArray());
        Assert.Equal(1, deferred.Copies);
    }
}
