using FsCheck;
using FsCheck.Fluent;

namespace Tributary.Protocol.Tests;

public class VarintTests
{
    private static readonly Gen<int> Ints = Gen.Frequency(
        (1, Gen.Elements(0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, int.MaxValue, int.MinValue, int.MaxValue - 1, int.MinValue + 1)),
        (2, Gen.Choose(-1000, 1000)),
        (4, Gen.Choose(int.MinValue, int.MaxValue)),
        (2, Gen.Choose(0, 31).Select(bit => 1 << bit)));

    private static readonly Gen<long> Longs = Gen.Frequency(
        (1, Gen.Elements(0L, 1L, -1L, long.MaxValue, long.MinValue, long.MaxValue - 1, long.MinValue + 1, int.MaxValue, (long)int.MinValue - 1)),
        (4, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue), (hi, lo) => ((long)hi << 32) | (uint)lo)),
        (2, Gen.Choose(0, 63).Select(bit => 1L << bit)),
        (2, Gen.Choose(0, 63).Select(bit => -(1L << bit))));

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(63, "7E")]
    [InlineData(-64, "7F")]
    [InlineData(64, "8001")]
    [InlineData(-65, "8101")]
    [InlineData(300, "D804")]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void KnownVarintEncodings(int value, string hex)
    {
        var expected = Convert.FromHexString(hex);
        var buffer = new byte[5];
        var written = Varint.WriteVarint(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, Varint.SizeOfVarint(value));
        Assert.True(Varint.TryReadVarint(expected, out var read, out var bytesRead));
        Assert.Equal(value, read);
        Assert.Equal(expected.Length, bytesRead);

        // A varint is the same bytes as a varlong of the same value.
        Assert.True(Varint.TryReadVarlong(expected, out var asLong, out _));
        Assert.Equal(value, asLong);
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L, "02")]
    [InlineData(64L, "8001")]
    [InlineData(1700000000000L, "80A0ABFEF962")] // from kafka-python 2.0.2's encode_varint
    [InlineData(-1700000000000L, "FF9FABFEF962")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    public void KnownVarlongEncodings(long value, string hex)
    {
        var expected = Convert.FromHexString(hex);
        var buffer = new byte[10];
        var written = Varint.WriteVarlong(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, Varint.SizeOfVarlong(value));
        Assert.True(Varint.TryReadVarlong(expected, out var read, out var bytesRead));
        Assert.Equal(value, read);
        Assert.Equal(expected.Length, bytesRead);
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void KnownUnsignedVarintEncodings(uint value, string hex)
    {
        var expected = Convert.FromHexString(hex);
        var buffer = new byte[5];
        var written = Varint.WriteUnsignedVarint(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, Varint.SizeOfUnsigned(value));
        Assert.True(Varint.TryReadUnsignedVarint(expected, out var read, out var bytesRead));
        Assert.Equal(value, read);
        Assert.Equal(expected.Length, bytesRead);
    }

    [Fact]
    public void VarintRoundTripsAndSizeOfMatchesBytesWritten()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(1000),
            Prop.ForAll(Arb.From(Ints), value =>
            {
                var buffer = new byte[6];
                buffer[^1] = 0xAB; // a following byte must not be consumed
                var written = Varint.WriteVarint(buffer, value);
                Assert.Equal(Varint.SizeOfVarint(value), written);
                Assert.InRange(written, 1, 5);
                Assert.True(Varint.TryReadVarint(buffer, out var read, out var bytesRead));
                Assert.Equal(value, read);
                Assert.Equal(written, bytesRead);
                for (var prefix = 0; prefix < written; prefix++)
                {
                    Assert.False(Varint.TryReadVarint(buffer.AsSpan(0, prefix), out _, out _));
                }
            }));
    }

    [Fact]
    public void VarlongRoundTripsAndSizeOfMatchesBytesWritten()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(1000),
            Prop.ForAll(Arb.From(Longs), value =>
            {
                var buffer = new byte[11];
                buffer[^1] = 0xAB;
                var written = Varint.WriteVarlong(buffer, value);
                Assert.Equal(Varint.SizeOfVarlong(value), written);
                Assert.InRange(written, 1, 10);
                Assert.True(Varint.TryReadVarlong(buffer, out var read, out var bytesRead));
                Assert.Equal(value, read);
                Assert.Equal(written, bytesRead);
                for (var prefix = 0; prefix < written; prefix++)
                {
                    Assert.False(Varint.TryReadVarlong(buffer.AsSpan(0, prefix), out _, out _));
                }
            }));
    }

    [Fact]
    public void UnsignedVarintRoundTrips()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(500),
            Prop.ForAll(Arb.From(Ints), signed =>
            {
                var value = (uint)signed;
                var buffer = new byte[5];
                var written = Varint.WriteUnsignedVarint(buffer, value);
                Assert.Equal(Varint.SizeOfUnsigned(value), written);
                Assert.True(Varint.TryReadUnsignedVarint(buffer, out var read, out var bytesRead));
                Assert.Equal(value, read);
                Assert.Equal(written, bytesRead);
            }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("FF")]
    [InlineData("FFFF")]
    [InlineData("FEFFFFFF")]
    public void TruncatedInputIsRejected(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.False(Varint.TryReadVarint(bytes, out var value, out _));
        Assert.Equal(0, value);
        Assert.False(Varint.TryReadVarlong(bytes, out var longValue, out _));
        Assert.Equal(0, longValue);
        Assert.False(Varint.TryReadUnsignedVarint(bytes, out var unsignedValue, out _));
        Assert.Equal(0u, unsignedValue);
    }

    [Theory]
    [InlineData("808080808000")] // six bytes: longer than any 32-bit varint
    [InlineData("FFFFFFFFFF01")]
    [InlineData("FFFFFFFF10")] // five bytes, but the value needs 33 bits
    [InlineData("FFFFFFFF7F")]
    [InlineData("8080808080")] // five bytes, the last still says "more follows"
    public void OverLongVarintIsRejected(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.False(Varint.TryReadVarint(bytes, out var value, out _));
        Assert.Equal(0, value);
        Assert.False(Varint.TryReadUnsignedVarint(bytes, out var unsignedValue, out _));
        Assert.Equal(0u, unsignedValue);
    }

    [Theory]
    [InlineData("8080808080808080808000")] // eleven bytes
    [InlineData("FFFFFFFFFFFFFFFFFF8101")]
    [InlineData("FFFFFFFFFFFFFFFFFF02")] // ten bytes, but the value needs 65 bits
    [InlineData("FFFFFFFFFFFFFFFFFF7F")]
    [InlineData("80808080808080808080")] // ten bytes, the last still says "more follows"
    public void OverLongVarlongIsRejected(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.False(Varint.TryReadVarlong(bytes, out var value, out _));
        Assert.Equal(0, value);
    }

    [Fact]
    public void NonMinimalEncodingsWithinRangeAreAccepted()
    {
        // Kafka's readers accept zero-padded varints; so do ours (the value is what counts).
        Assert.True(Varint.TryReadVarint([0x82, 0x80, 0x80, 0x80, 0x00], out var value, out var read));
        Assert.Equal(1, value);
        Assert.Equal(5, read);
        Assert.True(Varint.TryReadVarlong([0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], out var longValue, out read));
        Assert.Equal(1, longValue);
        Assert.Equal(10, read);
    }
}
