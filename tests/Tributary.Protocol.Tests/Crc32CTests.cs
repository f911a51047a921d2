using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tributary.Foundation.Checksums;

namespace Tributary.Protocol.Tests;

public class Crc32CTests
{
    [Fact]
    public void StandardCheckValue()
    {
        // The "check" value of the CRC-32C (Castagnoli) parameter set: CRC of ASCII "123456789".
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void EmptyInputIsZero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(~0u, Crc32C.Update(~0u, []));
    }

    /// <summary>RFC 3720 (iSCSI) appendix B.4; the RFC prints the CRC bytes least significant first.</summary>
    [Theory]
    [InlineData("zeros", 0x8A9136AAu)]
    [InlineData("ones", 0x62A8AB43u)]
    [InlineData("ascending", 0x46DD794Eu)]
    [InlineData("descending", 0x113FDB5Cu)]
    public void Rfc3720Vectors(string kind, uint expected)
    {
        var data = new byte[32];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = kind switch
            {
                "zeros" => 0x00,
                "ones" => 0xFF,
                "ascending" => (byte)i,
                "descending" => (byte)(31 - i),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }
        Assert.Equal(expected, Crc32C.Compute(data));
    }

    [Fact]
    public void Rfc3720ReadCommandPdu()
    {
        // RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU, 48 bytes.
        byte[] pdu =
        [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(0xD9963A56u, Crc32C.Compute(pdu));
    }

    [Fact]
    public void EveryLengthMatchesABitwiseReference()
    {
        // Covers the 32-byte, 8-byte and single-byte loops and every tail length.
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 4)));
        for (var length = 0; length <= data.Length; length++)
        {
            Assert.Equal(BitwiseReference(data.AsSpan(0, length)), Crc32C.Compute(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void LongInputsThroughTheThreeWayPathMatchTheBitwiseReference()
    {
        // Inputs of 3 KiB and more take the interleaved three-chain path and the shift tables.
        var random = new Random(3720);
        var data = new byte[40 * 1024];
        random.NextBytes(data);
        foreach (var length in new[] { 3071, 3072, 3073, 6144, 6151, 16 * 1024, 16_361, 40 * 1024 })
        {
            Assert.Equal(BitwiseReference(data.AsSpan(0, length)), Crc32C.Compute(data.AsSpan(0, length)));
        }
        for (var i = 0; i < 50; i++)
        {
            var start = random.Next(0, 1000);
            var length = random.Next(0, data.Length - start);
            var cut = random.Next(0, length + 1);
            var slice = data.AsSpan(start, length);
            var pieces = ~Crc32C.Update(Crc32C.Update(~0u, slice[..cut]), slice[cut..]);
            Assert.Equal(BitwiseReference(slice), pieces);
        }
    }

    [Fact]
    public void UpdateInPiecesEqualsOneShot()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(300),
            Prop.ForAll(Arb.From(DataAndCuts), input =>
            {
                var (data, cuts) = input;
                var state = ~0u;
                var start = 0;
                foreach (var cut in cuts.Append(data.Length))
                {
                    state = Crc32C.Update(state, data.AsSpan(start, cut - start));
                    start = cut;
                }
                Assert.Equal(Crc32C.Compute(data), ~state);
                Assert.Equal(BitwiseReference(data), ~state);
            }));
    }

    /// <summary>Random bytes and sorted cut points within them (duplicates give empty pieces).</summary>
    private static readonly Gen<(byte[] Data, int[] Cuts)> DataAndCuts =
        Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Resize(300).SelectMany(
            data => Gen.Choose(0, data.Length).ArrayOf().Resize(8),
            (data, cuts) => (data, cuts.Order().ToArray()));

    private static uint BitwiseReference(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }
        return ~crc;
    }
}
