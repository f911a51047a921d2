using System.Buffers;
using System.Buffers.Binary;

namespace Tributary.Protocol.Compression;

/// <summary>
/// snappy-java's stream format, which the Java Kafka client writes for Snappy batches: a 16-byte
/// header (magic 82 'S' 'N' 'A' 'P' 'P' 'Y' 00, int32 BE version, int32 BE minimum compatible
/// version) followed by blocks, each an int32 BE length and a raw Snappy block of that size.
/// </summary>
internal static class SnappyXerialFraming
{
    internal const int HeaderLength = 16;
    private const int BlockLengthSize = 4;
    private const int Version = 1;
    private const int MinimumCompatibleVersion = 1;

    internal static ReadOnlySpan<byte> Magic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0x00];

    /// <summary>
    /// True when <paramref name="source"/> starts with the xerial magic. A raw block cannot be
    /// confused with it in practice: it would have to declare a length of 10,626 bytes and then
    /// start with a tag that runs into the rest of the magic.
    /// </summary>
    public static bool HasHeader(ReadOnlySpan<byte> source) => source.StartsWith(Magic);

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        var header = destination.GetSpan(HeaderLength);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], MinimumCompatibleVersion);
        destination.Advance(HeaderLength);

        while (!source.IsEmpty)
        {
            var block = source[..Math.Min(SnappyCodec.FragmentSize, source.Length)];
            var output = destination.GetSpan(BlockLengthSize + SnappyCodec.MaxCompressedLength(block.Length));
            var written = SnappyCodec.CompressBlock(block, output[BlockLengthSize..]);
            BinaryPrimitives.WriteInt32BigEndian(output, written);
            destination.Advance(BlockLengthSize + written);
            source = source[block.Length..];
        }
    }

    /// <summary>
    /// Decodes a stream that <see cref="HasHeader"/> accepted. Like snappy-java, a repeated
    /// header between blocks (the result of concatenating two streams) is skipped; it cannot be
    /// mistaken for a block length because its first four bytes read as a negative int32.
    /// Versions in the header are not checked: every snappy-java version writes the same blocks.
    /// </summary>
    public static void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        var position = 0;
        while (position < source.Length)
        {
            var rest = source[position..];
            if (rest.StartsWith(Magic[..4]))
            {
                if (rest.Length < HeaderLength || !rest.StartsWith(Magic))
                {
                    throw Error($"xerial header at offset {position} is truncated or corrupt");
                }

                position += HeaderLength;
                continue;
            }

            if (rest.Length < BlockLengthSize)
            {
                throw Error($"xerial block length at offset {position} is truncated");
            }

            var blockLength = BinaryPrimitives.ReadInt32BigEndian(rest);
            if (blockLength <= 0)
            {
                throw Error($"xerial block at offset {position} has invalid length {blockLength}");
            }

            if (blockLength > rest.Length - BlockLengthSize)
            {
                throw Error($"xerial block at offset {position} declares {blockLength} bytes but only {rest.Length - BlockLengthSize} remain");
            }

            SnappyCodec.DecompressBlock(rest.Slice(BlockLengthSize, blockLength), ref output);
            position += BlockLengthSize + blockLength;
        }
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Snappy, message);
}
