using System.Buffers;
using System.Buffers.Binary;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

public class BadInputTests
{
    public static TheoryData<CompressionCodec> CompressedCodecs =>
        [CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd];

    [Theory]
    [MemberData(nameof(CompressedCodecs))]
    public void EmptyInputIsRejected(CompressionCodec codec)
    {
        var e = Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, []));
        Assert.Equal(codec, e.Codec);
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void MessageNamesTheCodec(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        var e = Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, "not compressed at all"u8));
        Assert.StartsWith(CodecName(codec) + ": ", e.Message);
    }

    /// <summary>
    /// Every proper prefix of a single-block stream is rejected. The one exception is xerial's
    /// 16-byte header alone: the format has no end marker, so a cut between blocks (here: before
    /// the first) is a valid, shorter stream, and snappy-java reads it the same way.
    /// </summary>
    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void EveryTruncationOfASmallInputIsRejected(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        var compressed = CodecVariants.Compress(variant, "hello hello hello hello world, hello tributary"u8);
        for (var cut = 0; cut < compressed.Length; cut++)
        {
            if (variant == "snappy-xerial" && cut == 16)
            {
                continue;
            }

            var prefix = compressed[..cut];
            Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, prefix));
        }
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void TruncationsOfALargeInputAreRejected(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        var compressed = CodecVariants.Compress(variant, CodecVariants.Mixed(300_000, seed: 21));
        var blockEnds = variant == "snappy-xerial" ? XerialBlockEnds(compressed) : [];
        int[] cuts = [1, 5, 17, compressed.Length / 3, compressed.Length / 2, compressed.Length - 9, compressed.Length - 8, compressed.Length - 4, compressed.Length - 1];
        foreach (var cut in cuts.Where(c => !blockEnds.Contains(c)))
        {
            Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, compressed.AsSpan(0, cut)));
        }
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void FlippedFirstByteIsRejected(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        var compressed = CodecVariants.Compress(variant, "hello hello hello hello world, hello tributary"u8);
        compressed[0] ^= 0xFF;
        Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, compressed));
    }

    /// <summary>gzip's CRC-32 catches any corruption of the deflate data or the trailer.</summary>
    [Fact]
    public void GzipRejectsEveryFlippedByteAfterTheHeader()
    {
        var compressed = CodecVariants.Compress("gzip", CodecVariants.Mixed(3000, seed: 4));
        for (var i = 10; i < compressed.Length; i++)
        {
            compressed[i] ^= 0xFF;
            Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Gzip, compressed));
            compressed[i] ^= 0xFF;
        }
    }

    /// <summary>With a content checksum (the lz4 CLI default) every flipped byte is caught.</summary>
    [Fact]
    public void Lz4RejectsEveryFlippedByteOfAChecksummedFrame()
    {
        var frame = (byte[])GoldenVectorTests.Lz4WithContentChecksum.Clone();
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] ^= 0xFF;
            Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Lz4, frame));
            frame[i] ^= 0xFF;
        }
    }

    /// <summary>
    /// With a checksum (the zstd CLI default) every flipped byte is caught, except in the window
    /// descriptor (offset 5), where a different but sufficient window size still decodes correctly.
    /// </summary>
    [Fact]
    public void ZstdRejectsFlippedBytesOfAChecksummedFrame()
    {
        var frame = (byte[])GoldenVectorTests.ZstdNoContentSize.Clone();
        for (var i = 0; i < frame.Length; i++)
        {
            if (i == 5)
            {
                continue;
            }

            frame[i] ^= 0xFF;
            Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Zstd, frame));
            frame[i] ^= 0xFF;
        }
    }

    public static TheoryData<string> Garbage => ["text", "zeros", "ones", "random"];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void GarbageIsRejectedByEveryCodec(string kind)
    {
        var garbage = kind switch
        {
            "text" => "this is plainly not compressed data, just an ordinary sentence"u8.ToArray(),
            "zeros" => new byte[100],
            "ones" => Enumerable.Repeat((byte)0xFF, 100).ToArray(),
            _ => CodecVariants.RandomBytes(1000, seed: 99),
        };

        foreach (CompressionCodec codec in CompressedCodecs)
        {
            Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, garbage));
        }
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void TrailingGarbageIsRejected(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        var compressed = CodecVariants.Compress(variant, CodecVariants.Mixed(10_000, seed: 8));
        Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, [.. compressed, 0x42, 0x13, 0x37]));
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void OutputLimitIsExactAndEnforced(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        var input = CodecVariants.Mixed(100_000, seed: 12);
        var compressed = CodecVariants.Compress(variant, input);

        Assert.Equal(input, CodecVariants.Decompress(codec, compressed, max: input.Length));
        var e = Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, compressed, max: input.Length - 1));
        Assert.Contains("limit", e.Message);
        Assert.Throws<CompressionException>(() => CodecVariants.Decompress(codec, compressed, max: 0));
    }

    [Fact]
    public void OutputLimitAppliesToNone()
    {
        Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.None, new byte[11], max: 10));
        Assert.Equal(10, CodecVariants.Decompress(CompressionCodec.None, new byte[10], max: 10).Length);
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void EmptyPayloadDecodesUnderAZeroLimit(string variant) =>
        Assert.Empty(CodecVariants.Decompress(variant, CodecVariants.Compress(variant, []), max: 0));

    /// <summary>
    /// 32 MiB of zeros compresses to almost nothing; with a 1 MiB limit decoding must stop near
    /// 1 MiB of output, not materialise the whole payload first.
    /// </summary>
    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void DecompressionBombStopsAtTheLimit(string variant)
    {
        const int Limit = 1 << 20;
        var (codec, framing) = CodecVariants.ByName[variant];
        var bomb = new ArrayBufferWriter<byte>();
        BatchCompression.Compress(codec, new byte[32 << 20], bomb, framing);

        var destination = new MeasuringWriter();
        Assert.Throws<CompressionException>(() => BatchCompression.Decompress(codec, bomb.WrittenSpan, destination, Limit));
        Assert.True(destination.Written <= Limit);
        Assert.True(destination.LargestRequest <= Limit + 1, $"asked the destination for {destination.LargestRequest} bytes");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(200)]
    public void UnknownCodecIdIsRejected(int id)
    {
        var e = Assert.Throws<CompressionException>(() => CodecVariants.Decompress((CompressionCodec)id, [1, 2, 3]));
        Assert.Contains("unknown", e.Message);
    }

    [Fact]
    public void ArgumentErrorsAreNotCompressionErrors()
    {
        Assert.Throws<ArgumentNullException>(() => BatchCompression.Decompress(CompressionCodec.Gzip, [], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchCompression.Decompress(CompressionCodec.Gzip, [], new ArrayBufferWriter<byte>(), -1));
    }

    private static string CodecName(CompressionCodec codec) => codec.ToString().ToLowerInvariant();

    private static HashSet<int> XerialBlockEnds(byte[] stream)
    {
        var ends = new HashSet<int> { 16 };
        for (var p = 16; p < stream.Length;)
        {
            p += 4 + BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(p));
            ends.Add(p);
        }

        return ends;
    }

    /// <summary>Records how much was written and the largest span requested.</summary>
    private sealed class MeasuringWriter : IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[1024];

        public int Written { get; private set; }

        public int LargestRequest { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(Written);

        private byte[] Ensure(int sizeHint)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            var needed = Written + Math.Max(sizeHint, 1);
            if (needed > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
            }

            return _buffer;
        }
    }
}
