using FsCheck;
using FsCheck.Fluent;

namespace Tributary.Protocol.Tests.Compression;

[Trait("Category", "slow")]
public class PropertyTests
{
    /// <summary>
    /// Random bytes (incompressible), bytes from a tiny alphabet (matches everywhere, many
    /// overlapping copies) and a random chunk repeated (long matches, varied offsets).
    /// </summary>
    private static readonly Arbitrary<byte[]> Payloads = Arb.From(Gen.OneOf(
        Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(),
        Gen.Choose(0, 3).Select(b => (byte)b).ArrayOf().Resize(3000),
        Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Resize(40).SelectMany(
            chunk => Gen.Choose(1, 200),
            (chunk, copies) => Enumerable.Repeat(chunk, copies).SelectMany(c => c).ToArray())));

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void RoundTripsAnyInput(string variant)
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(150),
            Prop.ForAll(Payloads, data => CodecVariants.Decompress(variant, CodecVariants.Compress(variant, data)).AsSpan().SequenceEqual(data)));
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void DecompressingAnyBytesSucceedsOrThrowsCompressionException(string variant)
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(300),
            Prop.ForAll(Payloads, data =>
            {
                FuzzTests.DecodesOrRejects(CodecVariants.ByName[variant].Codec, data, max: 1 << 20);
            }));
    }
}
