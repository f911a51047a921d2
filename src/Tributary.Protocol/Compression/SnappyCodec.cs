using System.Buffers;
using Snappier;

namespace Tributary.Protocol.Compression;

/// <summary>
/// Raw Snappy blocks (google/snappy format_description.txt: a varint of the uncompressed length, then
/// literal and copy elements) through Snappier, a managed port of Google's C++ snappy. It replaced our own
/// block codec after bench/results/codecs.jsonl measured it 2-3x faster on record batches (docs/architecture.md).
/// What stays ours is the bounding: a block's declared length is checked against the output limit and against
/// what its size can possibly expand to before any output space is reserved.
/// </summary>
internal static class SnappyCodec
{
    /// <summary>The xerial block size (snappy-java's default), and the unit snappy matches within.</summary>
    internal const int FragmentSize = 64 * 1024;

    /// <summary>Upper bound of a varint-encoded 32-bit length.</summary>
    internal const int MaxVarintLength = 5;

    // Snappy's densest element, a copy-2 (3 bytes), yields at most 64 bytes.
    private const int MaxOutputPerThreeInputBytes = 64;

    /// <summary>Worst-case size of a complete block (length varint included) for <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length) => Snappy.GetMaxCompressedLength(length);

    /// <summary>Writes <paramref name="source"/> as one raw Snappy block.</summary>
    public static void CompressBlock(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        var output = destination.GetSpan(MaxCompressedLength(source.Length));
        destination.Advance(Snappy.Compress(source, output));
    }

    /// <summary>
    /// Writes a complete raw block for <paramref name="source"/> into <paramref name="output"/>, which must hold
    /// <see cref="MaxCompressedLength"/> bytes. Returns the size.
    /// </summary>
    public static int CompressBlock(ReadOnlySpan<byte> source, Span<byte> output) => Snappy.Compress(source, output);

    /// <summary>
    /// Decodes one raw block and appends it to <paramref name="output"/>. The whole of
    /// <paramref name="block"/> must be the block, and it must produce exactly its declared length.
    /// </summary>
    public static void DecompressBlock(ReadOnlySpan<byte> block, ref BoundedOutput output)
    {
        if (block.IsEmpty)
        {
            throw Error("input is empty");
        }

        int length;
        try
        {
            length = Snappy.GetUncompressedLength(block);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw Error("length preamble is invalid", e);
        }

        // Reject impossible lengths before reserving space for them: garbage must not make us
        // allocate far more than its own size. (Snappier reads lengths of 2^31 and more as negative.)
        if (length < 0 || (long)length * 3 > (long)block.Length * MaxOutputPerThreeInputBytes)
        {
            throw Error($"declared length {(uint)length} is impossible for {block.Length} bytes of compressed data");
        }

        // Snappier stops reading at once when nothing is declared; anything after the preamble is garbage.
        if (length == 0 && block.Length > PreambleLength(block))
        {
            throw Error("elements follow a declared length of 0");
        }

        var target = output.GetExact(length);
        int written;
        try
        {
            written = Snappy.Decompress(block, target);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw Error(e.Message, e);
        }

        if (written != length)
        {
            throw Error($"data ends after {written} of the {length} declared bytes");
        }

        output.Advance(length);
    }

    /// <summary>Bytes of the length varint (Snappier has validated it already).</summary>
    private static int PreambleLength(ReadOnlySpan<byte> block)
    {
        var length = 1;
        while ((block[length - 1] & 0x80) != 0)
        {
            length++;
        }

        return length;
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Snappy, message);

    private static CompressionException Error(string message, Exception inner) => new(CompressionCodec.Snappy, message, inner);
}
