using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4.Streams;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>Frame-level behaviour of the LZ4 and zstd decoders.</summary>
public class FrameTests
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

    /// <summary>
    /// Linked blocks refer back into the previous 64 KiB of output; written here by another encoder (K4os's frame
    /// writer) over several blocks, uncompressed ones among them, with block and content checksums.
    /// </summary>
    [Theory]
    [InlineData(true, 64 * 1024)]
    [InlineData(true, 256 * 1024)]
    [InlineData(false, 1024 * 1024)]
    public void MultiBlockFramesOfAnotherEncoderDecode(bool linked, int blockSize)
    {
        byte[] input = [.. CodecVariants.Mixed(700_000, seed: 11), .. CodecVariants.RandomBytes(300_000, seed: 12), .. CodecVariants.Compressible(400_000)];
        var frame = new ArrayBufferWriter<byte>();
        LZ4Frame.Encode(input.AsSpan(), frame, new LZ4EncoderSettings { ChainBlocks = linked, BlockSize = blockSize, BlockChecksum = true, ContentChecksum = true });
        Assert.Equal(input, CodecVariants.Decompress(CompressionCodec.Lz4, frame.WrittenSpan));
    }

    [Fact]
    public void Lz4SkippableFrameIsIgnored()
    {
        byte[] skippable = [0x5F, 0x2A, 0x4D, 0x18, 0x02, 0x00, 0x00, 0x00, 0xAA, 0xBB];
        var frame = CodecVariants.Compress("lz4", "abcabcabcabc"u8);
        Assert.Equal("abcabcabcabc"u8.ToArray(), CodecVariants.Decompress(CompressionCodec.Lz4, [.. skippable, .. frame, .. skippable]));
        Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Lz4, skippable[..9]));
    }

    [Fact]
    public void Lz4ContentSizeIsChecked()
    {
        var input = CodecVariants.Mixed(5000, seed: 3);
        Assert.Equal(input, CodecVariants.Decompress(CompressionCodec.Lz4, WithContentSize(input, input.Length)));
        var e = Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Lz4, WithContentSize(input, input.Length + 1)));
        Assert.Contains("declares", e.Message);
    }

    /// <summary>Our frame of <paramref name="input"/> with FLG's content-size bit set and <paramref name="declared"/> in the header.</summary>
    private static byte[] WithContentSize(byte[] input, long declared)
    {
        var frame = CodecVariants.Compress("lz4", input);
        var header = new byte[15];
        frame.AsSpan(0, 6).CopyTo(header);
        header[4] |= 0x08;
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(6), (ulong)declared);
        header[14] = (byte)(XxHash32.HashToUInt32(header.AsSpan(4, 10)) >> 8);
        return [.. header, .. frame.AsSpan(7)];
    }

    [Fact]
    public void Lz4FrameNeedingADictionaryIsRejected()
    {
        // FLG 0x61: version 01, independent blocks, dictionary id; BD 64 KiB; dictionary id 7; then an end mark.
        byte[] frame = [0x04, 0x22, 0x4D, 0x18, 0x61, 0x40, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        frame[10] = (byte)(XxHash32.HashToUInt32(frame.AsSpan(4, 6)) >> 8);
        Assert.Contains("dictionary", Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Lz4, frame)).Message);
    }
}
