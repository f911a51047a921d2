using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>
/// The codec ids are bits 0-2 of a record batch's attributes on the wire and on disk; changing
/// one would make every stored compressed batch unreadable.
/// </summary>
public class CompressionCodecStabilityTests
{
    [Theory]
    [InlineData(CompressionCodec.None, 0)]
    [InlineData(CompressionCodec.Gzip, 1)]
    [InlineData(CompressionCodec.Snappy, 2)]
    [InlineData(CompressionCodec.Lz4, 3)]
    [InlineData(CompressionCodec.Zstd, 4)]
    public void NumericValueIsFrozen(CompressionCodec codec, int expected) => Assert.Equal(expected, (int)codec);

    [Fact]
    public void NoOtherCodecsAndByteSized()
    {
        Assert.Equal(5, Enum.GetValues<CompressionCodec>().Length);
        Assert.Equal(typeof(byte), Enum.GetUnderlyingType(typeof(CompressionCodec)));
    }
}
