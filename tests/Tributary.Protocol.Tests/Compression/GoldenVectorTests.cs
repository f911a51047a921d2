using System.Text;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>
/// Inputs produced by the reference tools (gzip 1.12, zstd 1.5.4, lz4 1.9.4, python3-snappy 0.5.3
/// over libsnappy 1.1.9, on Debian 12) and Snappy blocks built by hand from
/// format_description.txt, so decoding is checked against real encoders and not only our own.
/// </summary>
public class GoldenVectorTests
{
    // printf 'kafka kafka kafka kafka tributary tributary\n' > payload.txt
    private static readonly byte[] Payload = "kafka kafka kafka kafka tributary tributary\n"u8.ToArray();

    // gzip -9 -c payload.txt   (header carries FNAME "payload.txt")
    private static readonly byte[] GzipWithName =
    [
        0x1f, 0x8b, 0x08, 0x08, 0x80, 0x9f, 0x02, 0x6b, 0x02, 0x03, 0x70, 0x61,
        0x79, 0x6c, 0x6f, 0x61, 0x64, 0x2e, 0x74, 0x78, 0x74, 0x00, 0xcb, 0x4e,
        0x4c, 0xcb, 0x4e, 0x54, 0xc8, 0xc6, 0x20, 0x4b, 0x8a, 0x32, 0x93, 0x4a,
        0x4b, 0x12, 0x8b, 0x2a, 0x11, 0x2c, 0x2e, 0x00, 0x39, 0x30, 0x7b, 0x15,
        0x2c, 0x00, 0x00, 0x00,
    ];

    // (printf 'first member\n' | gzip -n -c; printf 'second member\n' | gzip -n -c)
    private static readonly byte[] GzipTwoMembers =
    [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0xcb,
        0x2c, 0x2a, 0x2e, 0x51, 0xc8, 0x4d, 0xcd, 0x4d, 0x4a, 0x2d, 0xe2, 0x02,
        0x00, 0xa7, 0xf4, 0x85, 0x0a, 0x0d, 0x00, 0x00, 0x00, 0x1f, 0x8b, 0x08,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x2b, 0x4e, 0x4d, 0xce, 0xcf,
        0x4b, 0x51, 0xc8, 0x4d, 0xcd, 0x4d, 0x4a, 0x2d, 0xe2, 0x02, 0x00, 0x36,
        0x18, 0x4b, 0x0e, 0x0e, 0x00, 0x00, 0x00,
    ];

    // cat payload.txt | zstd -q -19 -c   (streamed: no content size in the header; checksum)
    internal static readonly byte[] ZstdNoContentSize =
    [
        0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x68, 0xc5, 0x00, 0x00, 0x80, 0x6b, 0x61,
        0x66, 0x6b, 0x61, 0x20, 0x74, 0x72, 0x69, 0x62, 0x75, 0x74, 0x61, 0x72,
        0x79, 0x0a, 0x02, 0x00, 0x2d, 0xdb, 0x89, 0x57, 0x8a, 0x58, 0xf9, 0x51,
        0xce,
    ];

    // zstd -q -3 -c payload.txt   (single segment with content size 44; checksum)
    private static readonly byte[] ZstdWithContentSize =
    [
        0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x2c, 0xc5, 0x00, 0x00, 0x80, 0x6b, 0x61,
        0x66, 0x6b, 0x61, 0x20, 0x74, 0x72, 0x69, 0x62, 0x75, 0x74, 0x61, 0x72,
        0x79, 0x0a, 0x02, 0x00, 0x2d, 0xdb, 0x89, 0x57, 0x8a, 0x58, 0xf9, 0x51,
        0xce,
    ];

    // cat payload.txt | lz4 -q -c   (independent 4 MiB blocks, content checksum)
    internal static readonly byte[] Lz4WithContentChecksum =
    [
        0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7, 0x1f, 0x00, 0x00, 0x00, 0x6e,
        0x6b, 0x61, 0x66, 0x6b, 0x61, 0x20, 0x06, 0x00, 0xf0, 0x05, 0x74, 0x72,
        0x69, 0x62, 0x75, 0x74, 0x61, 0x72, 0x79, 0x20, 0x74, 0x72, 0x69, 0x62,
        0x75, 0x74, 0x61, 0x72, 0x79, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x4a, 0x7e,
        0x28, 0xc4,
    ];

    // cat payload.txt | lz4 -q -BD -BX -c   (linked blocks, block checksums, content checksum)
    private static readonly byte[] Lz4LinkedWithBlockChecksum =
    [
        0x04, 0x22, 0x4d, 0x18, 0x74, 0x40, 0xbd, 0x1f, 0x00, 0x00, 0x00, 0x6e,
        0x6b, 0x61, 0x66, 0x6b, 0x61, 0x20, 0x06, 0x00, 0xf0, 0x05, 0x74, 0x72,
        0x69, 0x62, 0x75, 0x74, 0x61, 0x72, 0x79, 0x20, 0x74, 0x72, 0x69, 0x62,
        0x75, 0x74, 0x61, 0x72, 0x79, 0x0a, 0x37, 0x4b, 0x47, 0x5d, 0x00, 0x00,
        0x00, 0x00, 0x4a, 0x7e, 0x28, 0xc4,
    ];

    // /usr/bin/python3 -c "import snappy; print(snappy.compress(open('payload.txt','rb').read()).hex())"
    // varint 44; literal "kafka "; copy-2 length 18 offset 6; literal "tributary tributary\n".
    private static readonly byte[] SnappyRawFromLibsnappy = Convert.FromHexString(
        "2c146b61666b61204606004c747269627574617279207472696275746172790a");

    // By hand: varint 13; literal "abc" (tag 0x08); copy-1 length 9 offset 3 (tag 0x15, 0x03);
    // literal "!" (tag 0x00). Cross-checked with python3-snappy's uncompress.
    internal static readonly byte[] SnappyRawLiteralAndCopy1 = [0x0d, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03, 0x00, 0x21];

    // By hand: varint 9; literal "xyz"; copy-4 length 6 offset 3 (tag 0x17, 03 00 00 00).
    private static readonly byte[] SnappyRawCopy4 = [0x09, 0x08, 0x78, 0x79, 0x7a, 0x17, 0x03, 0x00, 0x00, 0x00];

    // By hand: xerial header (magic, version 1, compatible version 1), then the two blocks above,
    // each prefixed with its int32 big-endian length.
    internal static readonly byte[] SnappyXerialTwoBlocks =
    [
        0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x09, 0x0d, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03, 0x00, 0x21,
        0x00, 0x00, 0x00, 0x0a, 0x09, 0x08, 0x78, 0x79, 0x7a, 0x17, 0x03, 0x00, 0x00, 0x00,
    ];

    public static TheoryData<string, CompressionCodec, byte[], byte[]> Fixtures => new()
    {
        { "gzip with FNAME", CompressionCodec.Gzip, GzipWithName, Payload },
        { "gzip two members", CompressionCodec.Gzip, GzipTwoMembers, "first member\nsecond member\n"u8.ToArray() },
        { "zstd without content size", CompressionCodec.Zstd, ZstdNoContentSize, Payload },
        { "zstd with content size", CompressionCodec.Zstd, ZstdWithContentSize, Payload },
        { "zstd two frames", CompressionCodec.Zstd, [.. ZstdNoContentSize, .. ZstdWithContentSize], [.. Payload, .. Payload] },
        { "lz4 content checksum", CompressionCodec.Lz4, Lz4WithContentChecksum, Payload },
        { "lz4 linked blocks", CompressionCodec.Lz4, Lz4LinkedWithBlockChecksum, Payload },
        { "lz4 two frames", CompressionCodec.Lz4, [.. Lz4WithContentChecksum, .. Lz4LinkedWithBlockChecksum], [.. Payload, .. Payload] },
        { "snappy raw from libsnappy", CompressionCodec.Snappy, SnappyRawFromLibsnappy, Payload },
        { "snappy raw literal + copy-1", CompressionCodec.Snappy, SnappyRawLiteralAndCopy1, "abcabcabcabc!"u8.ToArray() },
        { "snappy raw copy-4", CompressionCodec.Snappy, SnappyRawCopy4, "xyzxyzxyz"u8.ToArray() },
        { "snappy xerial", CompressionCodec.Snappy, SnappyXerialTwoBlocks, "abcabcabcabc!xyzxyzxyz"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DecodesWhatReferenceEncodersWrote(string name, CompressionCodec codec, byte[] compressed, byte[] expected)
    {
        Assert.NotNull(name);
        Assert.Equal(Encoding.ASCII.GetString(expected), Encoding.ASCII.GetString(CodecVariants.Decompress(codec, compressed)));
    }

    /// <summary>
    /// Pins our Snappy encoder's output for the payload: literal "kafka ", copy-2 (18 bytes at
    /// offset 6), literal "tributary ", copy-1 (9 bytes at offset 10), literal "\n". Checked with
    /// python3-snappy's uncompress (libsnappy 1.1.9), which rejects anything malformed. It differs
    /// from libsnappy's own output only in also matching the second "tributary".
    /// </summary>
    [Fact]
    public void SnappyEncoderOutputIsStable() =>
        Assert.Equal(
            "2C146B61666B61204606002474726962757461727920150A000A",
            Convert.ToHexString(CodecVariants.Compress("snappy-raw", Payload)));
}
