using System.Buffers.Binary;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>The gzip member framing we parse ourselves (RFC 1952).</summary>
public class GzipFramingTests
{
    private static byte[] Gzip(ReadOnlySpan<byte> data) => CodecVariants.Compress("gzip", data);

    private static byte[] Gunzip(byte[] data) => CodecVariants.Decompress(CompressionCodec.Gzip, data);

    /// <summary>
    /// The first member is large enough that its deflate data spans many of the inflater's 8 KiB
    /// reads, so the end of each member is found inside a read, not at a read boundary.
    /// </summary>
    [Fact]
    public void ConcatenatedMembersDecodeInOrder()
    {
        var first = CodecVariants.RandomBytes(100_000, seed: 1);
        var third = CodecVariants.Mixed(50_000, seed: 3);
        byte[] joined = [.. Gzip(first), .. Gzip([]), .. Gzip(third), .. Gzip("x"u8)];
        Assert.Equal([.. first, .. third, (byte)'x'], Gunzip(joined));
    }

    [Fact]
    public void TrailingBytesAfterTheLastMemberAreRejected()
    {
        var member = Gzip(CodecVariants.Mixed(20_000, seed: 1));
        Assert.Throws<CompressionException>(() => Gunzip([.. member, 0, 0, 0, 0]));
        Assert.Throws<CompressionException>(() => Gunzip([.. member, .. new byte[20]]));
        Assert.Throws<CompressionException>(() => Gunzip([.. member, 0x1F, 0x8B]));
    }

    [Fact]
    public void GarbageBetweenDeflateDataAndTrailerIsRejected()
    {
        var member = Gzip(CodecVariants.Mixed(20_000, seed: 1));
        byte[] padded = [.. member[..^8], 0x00, .. member[^8..]];
        Assert.Throws<CompressionException>(() => Gunzip(padded));
    }

    [Fact]
    public void EveryCutInTheLastMemberIsRejected()
    {
        var member = Gzip(CodecVariants.Mixed(20_000, seed: 2));
        byte[] two = [.. Gzip("first"u8), .. member];
        for (var cut = two.Length - 40; cut < two.Length; cut++)
        {
            Assert.Throws<CompressionException>(() => Gunzip(two[..cut]));
        }
    }

    [Fact]
    public void OptionalHeaderFieldsAreSkippedAndHeaderCrcIsChecked()
    {
        var plain = Gzip("optional fields"u8);
        var deflateAndTrailer = plain[10..];

        // FEXTRA (2 bytes), FNAME, FCOMMENT and FHCRC.
        byte[] header = [0x1F, 0x8B, 0x08, 0x1E, 0, 0, 0, 0, 0, 3, 0x02, 0x00, 0xAB, 0xCD, (byte)'n', 0, (byte)'c', 0];
        var crc16 = (ushort)Crc32(header);
        byte[] withCrc = [.. header, (byte)crc16, (byte)(crc16 >> 8), .. deflateAndTrailer];
        Assert.Equal("optional fields"u8.ToArray(), Gunzip(withCrc));

        withCrc[header.Length] ^= 1;
        Assert.Contains("header CRC", Assert.Throws<CompressionException>(() => Gunzip(withCrc)).Message);
    }

    [Fact]
    public void UnsupportedHeadersAreRejected()
    {
        var member = Gzip("data"u8);

        var reserved = (byte[])member.Clone();
        reserved[3] = 0x20;
        Assert.Throws<CompressionException>(() => Gunzip(reserved));

        var method = (byte[])member.Clone();
        method[2] = 7;
        Assert.Throws<CompressionException>(() => Gunzip(method));

        var unterminatedName = (byte[])member.Clone();
        unterminatedName[3] = 0x08;
        Array.Fill(unterminatedName, (byte)'n', 10, unterminatedName.Length - 10);
        Assert.Throws<CompressionException>(() => Gunzip(unterminatedName));
    }

    [Fact]
    public void WrongLengthInTrailerIsRejected()
    {
        var member = Gzip("length check"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(member.AsSpan(member.Length - 4), 11);
        Assert.Contains("length", Assert.Throws<CompressionException>(() => Gunzip(member)).Message);
    }

    [Fact]
    public void EmptyInputCompressesToAValidMember() =>
        Assert.Equal(Convert.FromHexString("1f8b080000000000000303000000000000000000"), Gzip([]));

    /// <summary>Reference CRC-32 (bitwise) to build test headers independently of the codec's table.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
