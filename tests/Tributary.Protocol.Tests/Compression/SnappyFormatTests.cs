using System.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>Element-level checks of the Snappy decoder against hand-built blocks.</summary>
public class SnappyFormatTests
{
    private static byte[] Decode(params byte[] block) => CodecVariants.Decompress(CompressionCodec.Snappy, block);

    private static CompressionException Rejects(params byte[] block) =>
        Assert.Throws<CompressionException>(() => CodecVariants.Decompress(CompressionCodec.Snappy, block));

    [Fact]
    public void OverlappingCopyRepeatsThePattern()
    {
        // varint 65; literal "a"; copy-2 length 64 offset 1.
        Assert.Equal(Enumerable.Repeat((byte)'a', 65), Decode(0x41, 0x00, 0x61, 0xFE, 0x01, 0x00));

        // varint 20; literal "abc"; copy-1 length 11 offset 3 ("abcabcabcab"); copy-1 length 6 offset 2.
        Assert.Equal("abcabcabcabcabababab"u8.ToArray(), Decode(0x14, 0x08, 0x61, 0x62, 0x63, 0x1D, 0x03, 0x09, 0x02));
    }

    [Fact]
    public void LiteralLengthsInOneToFourExtraBytesDecode()
    {
        var data = CodecVariants.RandomBytes(70_000, seed: 2);

        // Tag 62: length - 1 in three bytes.
        byte[] threeBytes = [0xF0, 0xA2, 0x04, 0xF8, 0x6F, 0x11, 0x01, .. data];
        Assert.Equal(data, Decode(threeBytes));

        // Tag 63 (four bytes) for a short literal: not what encoders write, but valid.
        Assert.Equal("hello"u8.ToArray(), Decode([0x05, 0xFC, 0x04, 0x00, 0x00, 0x00, .. "hello"u8]));

        // Tag 60 (one byte): 61-byte literal.
        var sixtyOne = data[..61];
        Assert.Equal(sixtyOne, Decode([0x3D, 0xF0, 0x3C, .. sixtyOne]));
    }

    [Fact]
    public void CopyOffsetZeroIsRejected() => Assert.Contains("offset", Rejects(0x05, 0x00, 0x61, 0x01, 0x00).Message);

    [Fact]
    public void ElementsAfterADeclaredLengthOfZeroAreRejected()
    {
        Assert.Empty(Decode(0x00));
        Rejects(0x00, 0x00, 0x61);
        Rejects(new byte[100]);
    }

    [Fact]
    public void CopyBeforeTheStartOfOutputIsRejected()
    {
        Rejects(0x05, 0x00, 0x61, 0x01, 0x02); // copy-1 offset 2 after 1 byte
        Rejects(0x05, 0x00, 0x61, 0x0E, 0x02, 0x00); // copy-2 offset 2 after 1 byte
        Rejects(0x05, 0x00, 0x61, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF); // copy-4 offset 2^32 - 1
        Rejects(0x04, 0x01, 0x01); // copy before any output
    }

    [Fact]
    public void ElementsThatOverflowTheDeclaredLengthAreRejected()
    {
        Rejects(0x01, 0x04, 0x61, 0x62); // literal of 2 into 1
        Rejects(0x04, 0x00, 0x61, 0x01, 0x01); // copy of 4 after 1 into 4
    }

    [Fact]
    public void DataShorterThanTheDeclaredLengthIsRejected() => Rejects(0x03, 0x04, 0x61, 0x62);

    [Fact]
    public void TruncatedElementsAreRejected()
    {
        Rejects(0x05, 0x10, 0x61); // literal of 5 with one byte
        Rejects(0x05, 0xF0); // tag 60 without its length byte
        Rejects(0x05, 0x00, 0x61, 0x01); // copy-1 without its offset byte
        Rejects(0x05, 0x00, 0x61, 0x0E, 0x01); // copy-2 with one offset byte
        Rejects(0x05, 0x00, 0x61, 0x0F, 0x01, 0x00, 0x00); // copy-4 with three offset bytes
    }

    [Fact]
    public void MalformedLengthPreambleIsRejected()
    {
        Rejects(0x80); // continuation without a next byte
        Rejects(0x80, 0x80, 0x80, 0x80, 0x80, 0x01); // six bytes
        Rejects(0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00); // more than 32 bits
    }

    /// <summary>A 4 GiB claim in a 7-byte input is refused before any space is reserved.</summary>
    [Fact]
    public void ImpossibleDeclaredLengthReservesNothing()
    {
        var destination = new ArrayBufferWriter<byte>(16);
        Assert.Throws<CompressionException>(() =>
            BatchCompression.Decompress(CompressionCodec.Snappy, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x61], destination, int.MaxValue));
        Assert.Equal(16, destination.Capacity);
    }

    [Fact]
    public void XerialStreamsConcatenatedDecodeAsOne()
    {
        var first = CodecVariants.Mixed(100_000, seed: 1);
        var second = CodecVariants.Mixed(5_000, seed: 2);
        byte[] joined = [.. CodecVariants.Compress("snappy-xerial", first), .. CodecVariants.Compress("snappy-xerial", second)];
        Assert.Equal([.. first, .. second], CodecVariants.Decompress("snappy-xerial", joined));
    }

    [Fact]
    public void BadXerialFramingIsRejected()
    {
        var header = GoldenVectorTests.SnappyXerialTwoBlocks[..16];
        Rejects([.. header[..12]]); // truncated header
        Rejects([.. header, 0x00, 0x00, 0x00, 0x00]); // zero block length
        Rejects([.. header, 0xFF, 0xFF, 0xFF, 0xF0, 0x00]); // negative block length
        Rejects([.. header, 0x00, 0x00, 0x00, 0x0A, .. GoldenVectorTests.SnappyRawLiteralAndCopy1]); // longer than what follows
        Rejects([.. header, 0x00, 0x00, 0x00, 0x08, .. GoldenVectorTests.SnappyRawLiteralAndCopy1]); // block cut short by its length
        Rejects([.. header, 0x00, 0x00]); // truncated block length
        Rejects([.. header, .. header[..8]]); // second header cut short
    }

    [Fact]
    public void XerialHeaderWithNoBlocksIsEmpty() =>
        Assert.Empty(Decode(GoldenVectorTests.SnappyXerialTwoBlocks[..16]));

    [Fact]
    public void EncoderSplitsLongMatchesAndLongLiterals()
    {
        // 64 KiB of one byte: a literal then copies of 64, ending in pieces no shorter than 4.
        foreach (var length in new[] { 16, 67, 68, 69, 131, 65_536, 65_537, 200_003 })
        {
            var input = Enumerable.Repeat((byte)7, length).ToArray();
            Assert.Equal(input, CodecVariants.Decompress("snappy-raw", CodecVariants.Compress("snappy-raw", input)));
        }
    }
}
