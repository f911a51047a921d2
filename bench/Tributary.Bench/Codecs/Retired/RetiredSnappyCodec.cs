// Retired from src/ by the codec re-check (issue 12): Tributary's own implementation as it was at e269ddc, kept
// unchanged but for names so that `Tributary.Bench codecs` can keep measuring it against its replacement.
using System.Buffers;
using System.Buffers.Binary;
using Tributary.Protocol.Compression;

namespace Tributary.Bench.Codecs.Retired;

/// <summary>
/// The Snappy block format (google/snappy format_description.txt), written from the format
/// description. Managed rather than native because libsnappy is not part of a base Debian system
/// (liblz4 and libzstd are) and the block format is small enough to own.
/// <para>
/// A block is a varint of the uncompressed length followed by elements: literals (tag low bits
/// 00) and back-references with a 1-, 2- or 4-byte offset (01, 10, 11).
/// </para>
/// </summary>
internal static class RetiredSnappyCodec
{
    /// <summary>
    /// The compressor matches within fragments of this size, so every offset fits in two bytes.
    /// It is also the xerial block size.
    /// </summary>
    internal const int FragmentSize = 64 * 1024;

    /// <summary>Upper bound of a varint-encoded 32-bit length.</summary>
    internal const int MaxVarintLength = 5;

    /// <summary>Entries in the largest match-finder hash table; callers rent tables of this size.</summary>
    internal const int HashTableSize = 1 << MaxTableBits;

    // Hash table sizes, in bits; small fragments use small tables so clearing stays cheap.
    private const int MinTableBits = 8;
    private const int MaxTableBits = 14;
    private const uint HashMultiplier = 0x1E35A7BD;

    // Below this, matching cannot pay for itself: emit one literal.
    private const int MinMatchingInput = 16;

    private const int TagLiteral = 0;
    private const int TagCopy1 = 1;
    private const int TagCopy2 = 2;

    // A copy-2 element (3 bytes) yields at most 64 bytes; nothing yields more per input byte.
    private const int MaxOutputPerThreeInputBytes = 64;

    /// <summary>Worst-case compressed size of one fragment's elements (without the length varint).</summary>
    public static int MaxCompressedLength(int length) => 32 + length + (length / 6);

    /// <summary>Writes <paramref name="source"/> as one raw Snappy block.</summary>
    public static void CompressBlock(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        destination.Advance(WriteVarint(destination.GetSpan(MaxVarintLength), (uint)source.Length));
        var table = ArrayPool<int>.Shared.Rent(HashTableSize);
        try
        {
            while (!source.IsEmpty)
            {
                var fragment = source[..Math.Min(FragmentSize, source.Length)];
                var output = destination.GetSpan(MaxCompressedLength(fragment.Length));
                destination.Advance(CompressFragment(fragment, output, table));
                source = source[fragment.Length..];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    /// <summary>
    /// Writes a complete raw block (length varint and elements) for an input of at most
    /// <see cref="FragmentSize"/> bytes into <paramref name="output"/>, which must hold
    /// <see cref="MaxVarintLength"/> + <see cref="MaxCompressedLength"/> bytes. Returns the size.
    /// </summary>
    public static int CompressSmallBlock(ReadOnlySpan<byte> source, Span<byte> output, int[] table)
    {
        var written = WriteVarint(output, (uint)source.Length);
        return written + CompressFragment(source, output[written..], table);
    }

    /// <summary>
    /// Decodes one raw block and appends it to <paramref name="output"/>. The whole of
    /// <paramref name="block"/> must be the block: trailing bytes are an error.
    /// </summary>
    public static void DecompressBlock(ReadOnlySpan<byte> block, ref BoundedOutput output)
    {
        var headerLength = ReadVarint(block, out var length);
        var elements = block[headerLength..];

        // Reject impossible lengths before reserving space for them: garbage must not make us
        // allocate far more than its own size.
        if (length * 3 > (long)elements.Length * MaxOutputPerThreeInputBytes)
        {
            throw Error($"declared length {length} is impossible for {elements.Length} bytes of compressed data");
        }

        output.EnsureRoom(length); // before narrowing to int: the preamble allows up to 2^32 - 1
        var target = output.GetExact((int)length);
        DecodeElements(elements, target);
        output.Advance(target.Length);
    }

    private static void DecodeElements(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var ip = 0;
        var op = 0;
        while (ip < input.Length)
        {
            int tag = input[ip++];
            if ((tag & 3) == TagLiteral)
            {
                long length = (tag >> 2) + 1;
                if (length > 60)
                {
                    // Tags 60-63: the length minus one follows in 1-4 little-endian bytes.
                    var lengthBytes = (int)length - 60;
                    if (lengthBytes > input.Length - ip)
                    {
                        throw Error("literal length is truncated");
                    }

                    var raw = 0u;
                    for (var i = 0; i < lengthBytes; i++)
                    {
                        raw |= (uint)input[ip + i] << (8 * i);
                    }

                    ip += lengthBytes;
                    length = (long)raw + 1;
                }

                if (length > input.Length - ip)
                {
                    throw Error($"literal of {length} bytes runs past the end of the input");
                }

                if (length > output.Length - op)
                {
                    throw Error($"literal of {length} bytes overflows the declared length {output.Length}");
                }

                input.Slice(ip, (int)length).CopyTo(output[op..]);
                ip += (int)length;
                op += (int)length;
                continue;
            }

            int copyLength;
            long offset;
            switch (tag & 3)
            {
                case TagCopy1:
                    if (input.Length - ip < 1)
                    {
                        throw Error("copy element is truncated");
                    }

                    copyLength = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | input[ip];
                    ip += 1;
                    break;
                case TagCopy2:
                    if (input.Length - ip < 2)
                    {
                        throw Error("copy element is truncated");
                    }

                    copyLength = (tag >> 2) + 1;
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(input[ip..]);
                    ip += 2;
                    break;
                default:
                    if (input.Length - ip < 4)
                    {
                        throw Error("copy element is truncated");
                    }

                    copyLength = (tag >> 2) + 1;
                    offset = BinaryPrimitives.ReadUInt32LittleEndian(input[ip..]);
                    ip += 4;
                    break;
            }

            if (offset == 0 || offset > op)
            {
                throw Error($"copy offset {offset} is invalid at output position {op}");
            }

            if (copyLength > output.Length - op)
            {
                throw Error($"copy of {copyLength} bytes overflows the declared length {output.Length}");
            }

            CopyBack(output, op, (int)offset, copyLength);
            op += copyLength;
        }

        if (op != output.Length)
        {
            throw Error($"data ends after {op} of the {output.Length} declared bytes");
        }
    }

    /// <summary>
    /// Repeats the <paramref name="offset"/> bytes before <paramref name="position"/>. When the
    /// copy overlaps its own output (offset smaller than length) the pattern is periodic, so each
    /// step can copy everything produced so far, doubling the step size.
    /// </summary>
    private static void CopyBack(Span<byte> output, int position, int offset, int length)
    {
        var from = position - offset;
        var to = position;
        var end = position + length;
        while (to < end)
        {
            var count = Math.Min(to - from, end - to);
            output.Slice(from, count).CopyTo(output.Slice(to, count));
            to += count;
        }
    }

    /// <summary>
    /// Greedy single-pass LZ77 over one fragment: hash the 4 bytes at each position, and when the
    /// table's previous position with that hash holds the same 4 bytes, extend the match and emit
    /// a copy. The lookup stride grows while nothing matches, so incompressible data is skipped
    /// through quickly (as literals) instead of being hashed byte by byte.
    /// </summary>
    private static int CompressFragment(ReadOnlySpan<byte> input, Span<byte> output, int[] tableArray)
    {
        if (input.Length < MinMatchingInput)
        {
            return input.IsEmpty ? 0 : EmitLiteral(input, output);
        }

        var tableBits = Math.Clamp(32 - System.Numerics.BitOperations.LeadingZeroCount((uint)input.Length - 1), MinTableBits, MaxTableBits);
        var table = tableArray.AsSpan(0, 1 << tableBits);
        table.Fill(-1);
        var shift = 32 - tableBits;

        var op = 0;
        var ip = 0;
        var pending = 0;
        var lastHashable = input.Length - 4;
        var skip = 32;
        while (ip <= lastHashable)
        {
            var current = BinaryPrimitives.ReadUInt32LittleEndian(input[ip..]);
            var slot = (int)((current * HashMultiplier) >> shift);
            var candidate = table[slot];
            table[slot] = ip;
            if (candidate < 0 || BinaryPrimitives.ReadUInt32LittleEndian(input[candidate..]) != current)
            {
                ip += skip >> 5;
                skip++;
                continue;
            }

            if (pending < ip)
            {
                op += EmitLiteral(input[pending..ip], output[op..]);
            }

            var matchLength = 4 + input[(ip + 4)..].CommonPrefixLength(input[(candidate + 4)..]);
            op += EmitCopy(ip - candidate, matchLength, output[op..]);
            ip += matchLength;
            pending = ip;
            skip = 32;
        }

        if (pending < input.Length)
        {
            op += EmitLiteral(input[pending..], output[op..]);
        }

        return op;
    }

    private static int EmitLiteral(ReadOnlySpan<byte> literal, Span<byte> output)
    {
        var n = (uint)literal.Length - 1;
        int headerLength;
        if (n < 60)
        {
            output[0] = (byte)(n << 2);
            headerLength = 1;
        }
        else
        {
            var lengthBytes = n < 1 << 8 ? 1 : n < 1 << 16 ? 2 : n < 1 << 24 ? 3 : 4;
            output[0] = (byte)((59 + lengthBytes) << 2);
            for (var i = 0; i < lengthBytes; i++)
            {
                output[1 + i] = (byte)(n >> (8 * i));
            }

            headerLength = 1 + lengthBytes;
        }

        literal.CopyTo(output[headerLength..]);
        return headerLength + literal.Length;
    }

    /// <summary>Emits a match of any length at an offset below 65536 as copy-1/copy-2 elements.</summary>
    private static int EmitCopy(int offset, int length, Span<byte> output)
    {
        var op = 0;

        // Each element carries at most 64 bytes; split so that no piece is shorter than 4, the
        // minimum a copy-1 element can express.
        while (length >= 68)
        {
            op += EmitShortCopy(offset, 64, output[op..]);
            length -= 64;
        }

        if (length > 64)
        {
            op += EmitShortCopy(offset, 60, output[op..]);
            length -= 60;
        }

        return op + EmitShortCopy(offset, length, output[op..]);
    }

    private static int EmitShortCopy(int offset, int length, Span<byte> output)
    {
        if (length < 12 && offset < 2048)
        {
            output[0] = (byte)(TagCopy1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            output[1] = (byte)offset;
            return 2;
        }

        output[0] = (byte)(TagCopy2 | ((length - 1) << 2));
        BinaryPrimitives.WriteUInt16LittleEndian(output[1..], (ushort)offset);
        return 3;
    }

    private static int WriteVarint(Span<byte> output, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            output[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads the little-endian base-128 length preamble; returns its size in bytes.</summary>
    private static int ReadVarint(ReadOnlySpan<byte> input, out long value)
    {
        value = 0;
        for (var i = 0; i < MaxVarintLength; i++)
        {
            if (i >= input.Length)
            {
                throw Error(input.IsEmpty ? "input is empty" : "length preamble is truncated");
            }

            long b = input[i];
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value > uint.MaxValue
                    ? throw Error("length preamble exceeds 32 bits")
                    : i + 1;
            }
        }

        throw Error("length preamble is longer than 5 bytes");
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Snappy, message);
}
