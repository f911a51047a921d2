using System.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

public class RoundTripTests
{
    public static TheoryData<string, string> VariantsAndInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var variant in CodecVariants.ByName.Keys)
        {
            foreach (var kind in CodecVariants.InputKinds)
            {
                data.Add(variant, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VariantsAndInputs))]
    public void DecompressReturnsTheOriginal(string variant, string kind)
    {
        var input = CodecVariants.Input(kind);
        var compressed = CodecVariants.Compress(variant, input);
        Assert.Equal(input, CodecVariants.Decompress(variant, compressed));
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void CompressibleInputShrinks(string variant)
    {
        var input = CodecVariants.Compressible(256 * 1024);
        Assert.True(CodecVariants.Compress(variant, input).Length < input.Length / 10);
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void IncompressibleInputGrowsOnlySlightly(string variant)
    {
        var input = CodecVariants.RandomBytes(256 * 1024, seed: 3);
        Assert.True(CodecVariants.Compress(variant, input).Length < input.Length + (input.Length / 100) + 64);
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void BothDirectionsAppendToExistingContent(string variant)
    {
        var (codec, framing) = CodecVariants.ByName[variant];
        var input = CodecVariants.Mixed(100_000, seed: 5);
        byte[] prefix = [1, 2, 3];

        var compressed = new ArrayBufferWriter<byte>();
        compressed.Write(prefix);
        BatchCompression.Compress(codec, input, compressed, framing);
        Assert.Equal(prefix, compressed.WrittenSpan[..3].ToArray());

        var decompressed = new ArrayBufferWriter<byte>();
        decompressed.Write(prefix);
        BatchCompression.Decompress(codec, compressed.WrittenSpan[3..], decompressed);
        Assert.Equal([.. prefix, .. input], decompressed.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip, 0)]
    [InlineData(CompressionCodec.Gzip, 1)]
    [InlineData(CompressionCodec.Gzip, 9)]
    [InlineData(CompressionCodec.Lz4, 0)]
    [InlineData(CompressionCodec.Lz4, 9)]
    [InlineData(CompressionCodec.Lz4, 17)]
    [InlineData(CompressionCodec.Zstd, 1)]
    [InlineData(CompressionCodec.Zstd, 19)]
    [InlineData(CompressionCodec.Zstd, -5)]
    public void EveryLevelRoundTrips(CompressionCodec codec, int level)
    {
        var input = CodecVariants.Mixed(300_000, seed: level + 100);
        var compressed = new ArrayBufferWriter<byte>();
        BatchCompression.Compress(codec, input, compressed, level: level);
        Assert.Equal(input, CodecVariants.Decompress(codec, compressed.WrittenSpan));
    }

    [Theory]
    [InlineData(CompressionCodec.Gzip, 10)]
    [InlineData(CompressionCodec.Gzip, -2)]
    [InlineData(CompressionCodec.Lz4, 18)]
    [InlineData(CompressionCodec.Zstd, 23)]
    public void OutOfRangeLevelIsAnArgumentError(CompressionCodec codec, int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchCompression.Compress(codec, [1, 2, 3], new ArrayBufferWriter<byte>(), level: level));

    [Fact]
    public void UnknownCodecIsAnArgumentErrorWhenCompressing() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchCompression.Compress((CompressionCodec)5, [1], new ArrayBufferWriter<byte>()));

    [Fact]
    public void NoneCopiesBothWays()
    {
        var input = CodecVariants.RandomBytes(1000, seed: 1);
        var writer = new ArrayBufferWriter<byte>();
        BatchCompression.Compress(CompressionCodec.None, input, writer);
        Assert.Equal(input, writer.WrittenSpan.ToArray());
        Assert.Equal(input, CodecVariants.Decompress(CompressionCodec.None, input));
    }

    [Theory]
    [InlineData(CompressionCodec.None)]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Lz4)]
    [InlineData(CompressionCodec.Zstd)]
    public void EveryCodecIsAvailable(CompressionCodec codec) => Assert.True(BatchCompression.IsAvailable(codec));

    [Fact]
    public void SnappyRawOutputIsOneBlockAndXerialOutputIsFramed()
    {
        var input = CodecVariants.Compressible(200_000);
        var raw = CodecVariants.Compress("snappy-raw", input);
        var xerial = CodecVariants.Compress("snappy-xerial", input);

        // Raw: varint 200000 = C0 9A 0C.
        Assert.Equal(new byte[] { 0xC0, 0x9A, 0x0C }, raw[..3]);
        Assert.Equal(new byte[] { 0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1 }, xerial[..16]);

        // Four 64 KiB blocks: walk the length prefixes.
        var blocks = 0;
        for (var p = 16; p < xerial.Length; p += 4 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(xerial.AsSpan(p)))
        {
            blocks++;
        }

        Assert.Equal(4, blocks);
    }
}
