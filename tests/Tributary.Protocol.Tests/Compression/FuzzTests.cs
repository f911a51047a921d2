using System.Buffers;
using Tributary.Protocol.Compression;

namespace Tributary.Protocol.Tests.Compression;

/// <summary>
/// Decompress faces bytes from the network and from disk. Whatever they are, it must either
/// decode them or throw <see cref="CompressionException"/>: no other exception, no hang, no
/// output past the limit.
/// </summary>
[Trait("Category", "slow")]
public class FuzzTests
{
    private const int MutationsPerVariant = 2000;
    private const int Limit = 1 << 20;

    /// <summary>Asserts the contract for one input; returns true if it decoded.</summary>
    internal static bool DecodesOrRejects(CompressionCodec codec, byte[] data, int max)
    {
        var writer = new ArrayBufferWriter<byte>();
        try
        {
            BatchCompression.Decompress(codec, data, writer, max);
            Assert.True(writer.WrittenCount <= max);
            return true;
        }
        catch (CompressionException e)
        {
            Assert.Equal(codec, e.Codec);
            Assert.True(writer.WrittenCount <= max);
            return false;
        }
    }

    [Theory]
    [MemberData(nameof(CodecVariants.Names), MemberType = typeof(CodecVariants))]
    public void MutatedInputsDecodeOrThrowCompressionException(string variant)
    {
        var codec = CodecVariants.ByName[variant].Codec;
        byte[][] seeds =
        [
            CodecVariants.Compress(variant, []),
            CodecVariants.Compress(variant, "hello hello hello hello world"u8),
            CodecVariants.Compress(variant, CodecVariants.Compressible(5000)),
            CodecVariants.Compress(variant, CodecVariants.RandomBytes(700, seed: 1)),
            CodecVariants.Compress(variant, CodecVariants.Mixed(150_000, seed: 2)),
        ];

        // A stable seed per variant (string.GetHashCode is randomised per process).
        var random = new Random(variant.Sum(c => c) * 7919);
        var rejected = 0;
        for (var i = 0; i < MutationsPerVariant; i++)
        {
            var mutated = Mutate(seeds[random.Next(seeds.Length)], seeds[random.Next(seeds.Length)], random);
            if (!DecodesOrRejects(codec, mutated, Limit))
            {
                rejected++;
            }
        }

        Assert.True(rejected > MutationsPerVariant / 4, $"only {rejected} of {MutationsPerVariant} mutations were rejected");
    }

    [Fact]
    public void EveryCodecsOutputFedToEveryOtherDecoderDecodesOrThrowsCompressionException()
    {
        var input = CodecVariants.Mixed(20_000, seed: 9);
        foreach (var producer in CodecVariants.ByName.Keys)
        {
            var compressed = CodecVariants.Compress(producer, input);
            foreach (var codec in Enum.GetValues<CompressionCodec>())
            {
                DecodesOrRejects(codec, compressed, Limit);
            }
        }
    }

    [Fact]
    public void RandomGarbageDecodesOrThrowsCompressionException()
    {
        var random = new Random(4242);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(0, 300)];
            random.NextBytes(garbage);
            foreach (var codec in Enum.GetValues<CompressionCodec>())
            {
                DecodesOrRejects(codec, garbage, Limit);
            }
        }
    }

    private static byte[] Mutate(byte[] data, byte[] other, Random random)
    {
        var result = new List<byte>(data);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            switch (random.Next(7))
            {
                case 0 when result.Count > 0:
                    // Flip one bit.
                    var bit = random.Next(result.Count);
                    result[bit] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when result.Count > 0:
                    // Overwrite a byte, favouring the interesting values.
                    byte[] values = [0x00, 0xFF, 0x7F, 0x80, 0x01, (byte)random.Next(256)];
                    result[random.Next(result.Count)] = values[random.Next(values.Length)];
                    break;
                case 2:
                    // Truncate.
                    var keep = random.Next(result.Count + 1);
                    result.RemoveRange(keep, result.Count - keep);
                    break;
                case 3 when result.Count > 0:
                    // Delete a range.
                    var start = random.Next(result.Count);
                    result.RemoveRange(start, random.Next(1, Math.Min(16, result.Count - start) + 1));
                    break;
                case 4:
                    // Insert random bytes.
                    var inserted = new byte[random.Next(1, 16)];
                    random.NextBytes(inserted);
                    result.InsertRange(random.Next(result.Count + 1), inserted);
                    break;
                case 5 when result.Count > 0:
                    // Duplicate a range (repeats frames, blocks or headers).
                    var from = random.Next(result.Count);
                    var count = random.Next(1, Math.Min(64, result.Count - from) + 1);
                    result.InsertRange(random.Next(result.Count + 1), result.GetRange(from, count));
                    break;
                default:
                    // Splice in the tail of another valid input.
                    result.AddRange(other.Skip(random.Next(other.Length + 1)));
                    break;
            }
        }

        return [.. result];
    }
}
