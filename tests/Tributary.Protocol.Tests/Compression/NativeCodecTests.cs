using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>Frame-level behaviour of the liblz4 and libzstd decoders.</summary>
public class NativeCodecTests
{
    [Theory]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public void ConcatenatedFramesDecodeInOrder(string variant)
    {
        var first = CodecVariants.Mixed(200_000, seed: 1);
        var second = CodecVariants.RandomBytes(1000, seed: 2);
        byte[] joined = [.. CodecVariants.Compress(variant, first), .. CodecVariants.Compress(variant, []), .. CodecVariants.Compress(variant, second)];
        Assert.Equal([.. first, .. second], CodecVariants.Decompress(variant, joined));
    }

    [Fact]
    public void Lz4FrameMatchesWhatKafkaWrites()
    {
        var frame = CodecVariants.Compress("lz4", "abc"u8);
        Assert.Equal(new byte[] { 0x04, 0x22, 0x4D, 0x18 }, frame[..4]);
        Assert.Equal(0x60, frame[4]); // FLG: version 01, independent blocks, no checksums, no content size
        Assert.Equal(0x40, frame[5]); // BD: 64 KiB blocks
    }

    [Fact]
    public void ZstdSkippableFrameIsIgnored()
    {
        // Skippable frame: magic 0x184D2A50, length 3, three bytes of user data.
        byte[] skippable = [0x50, 0x2A, 0x4D, 0x18, 0x03, 0x00, 0x00, 0x00, 0xAA, 0xBB, 0xCC];
        byte[] input = [.. skippable, .. GoldenVectorTests.ZstdNoContentSize];
        Assert.Equal("kafka kafka kafka kafka tributary tributary\n"u8.ToArray(), CodecVariants.Decompress(CompressionCodec.Zstd, input));
    }

    [Theory]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public void DecodesFramesLargerThanTheOutputChunk(string variant)
    {
        // Forces many decoder calls with full output chunks and buffered input.
        var input = CodecVariants.Mixed(3 << 20, seed: 6);
        Assert.Equal(input, CodecVariants.Decompress(variant, CodecVariants.Compress(variant, input)));
    }
}
