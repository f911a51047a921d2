using System.Runtime.CompilerServices;

namespace Tributary.Formats.Parquet.Encodings;

/// <summary>
/// DELTA_BINARY_PACKED for INT32 and INT64: header <c>&lt;block size 128&gt; &lt;4 miniblocks&gt; &lt;count&gt; &lt;first value, zigzag&gt;</c>,
/// then per block the minimum delta (zigzag varint), one bit width per miniblock and the miniblocks of
/// (delta − min delta) bit-packed. Deltas wrap at the column's width (32 or 64 bits), so an INT32 column
/// never needs more than 32 bits per value. Stateless apart from the scratch arrays of an instance.
/// </summary>
public sealed class DeltaBinaryPackedEncoder
{
    public const int BlockSize = 128;
    public const int MiniblocksPerBlock = 4;
    public const int MiniblockSize = BlockSize / MiniblocksPerBlock;

    private readonly long[] _deltas = new long[BlockSize];
    private readonly ulong[] _adjusted = new ulong[MiniblockSize];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<long> values, bool is32Bit, GrowableBuffer output)
    {
        output.WriteUnsignedVarint(BlockSize);
        output.WriteUnsignedVarint(MiniblocksPerBlock);
        output.WriteUnsignedVarint((ulong)values.Length);
        output.WriteZigZagVarint(values.Length == 0 ? 0 : values[0]);
        var index = 1;
        while (index < values.Length)
        {
            var count = Math.Min(BlockSize, values.Length - index);
            var minDelta = long.MaxValue;
            for (var i = 0; i < count; i++)
            {
                var delta = is32Bit
                    ? (int)values[index + i] - (int)values[index + i - 1]
                    : unchecked(values[index + i] - values[index + i - 1]);
                _deltas[i] = delta;
                if (delta < minDelta)
                {
                    minDelta = delta;
                }
            }
            output.WriteZigZagVarint(minDelta);
            var widthsAt = output.Length;
            output.GetSpan(MiniblocksPerBlock)[..MiniblocksPerBlock].Clear();
            output.Advance(MiniblocksPerBlock);
            var miniblocks = (count + MiniblockSize - 1) / MiniblockSize;
            for (var m = 0; m < miniblocks; m++)
            {
                var start = m * MiniblockSize;
                var end = Math.Min(count, start + MiniblockSize);
                ulong max = 0;
                for (var i = start; i < MiniblockSize + start; i++)
                {
                    ulong adjusted = 0;
                    if (i < end)
                    {
                        adjusted = is32Bit ? (uint)((int)_deltas[i] - (int)minDelta) : unchecked((ulong)(_deltas[i] - minDelta));
                    }
                    _adjusted[i - start] = adjusted;
                    max |= adjusted;
                }
                var width = BitPacking.BitWidth(max);
                output.WrittenSpan[widthsAt + m] = (byte)width;
                BitPacking.Pack(_adjusted, width, output);
            }
            index += count;
        }
    }
}

/// <summary>Decodes DELTA_BINARY_PACKED; returns the values and how many bytes the encoding used.</summary>
public static class DeltaBinaryPackedDecoder
{
    public static long[] Decode(ReadOnlySpan<byte> data, bool is32Bit, out int consumed)
    {
        var position = 0;
        var blockSize = (long)ReadVarint(data, ref position);
        var miniblocks = (long)ReadVarint(data, ref position);
        var total = ReadVarint(data, ref position);
        var first = ZigZag(ReadVarint(data, ref position));
        if (blockSize <= 0 || blockSize % 128 != 0 || miniblocks <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0 || total > int.MaxValue)
        {
            throw new ParquetFormatException("Invalid DELTA_BINARY_PACKED header.");
        }
        var values = new long[(int)total];
        var miniblockSize = (int)(blockSize / miniblocks);
        var scratch = new ulong[miniblockSize];
        if (total > 0)
        {
            values[0] = first;
        }
        var index = 1;
        var previous = first;
        while (index < values.Length)
        {
            var minDelta = ZigZag(ReadVarint(data, ref position));
            if (miniblocks > data.Length - position)
            {
                throw new ParquetFormatException("DELTA_BINARY_PACKED block is truncated.");
            }
            var widths = data.Slice(position, (int)miniblocks);
            position += (int)miniblocks;
            for (var m = 0; m < miniblocks && index < values.Length; m++)
            {
                var width = widths[m];
                if (width > (is32Bit ? 32 : 64))
                {
                    throw new ParquetFormatException($"DELTA_BINARY_PACKED bit width {width} is too large.");
                }
                var bytes = miniblockSize * width / 8;
                if (bytes > data.Length - position)
                {
                    throw new ParquetFormatException("DELTA_BINARY_PACKED miniblock is truncated.");
                }
                BitPacking.Unpack(data.Slice(position, bytes), width, scratch);
                position += bytes;
                for (var i = 0; i < miniblockSize && index < values.Length; i++)
                {
                    var value = unchecked(previous + minDelta + (long)scratch[i]);
                    if (is32Bit)
                    {
                        value = (int)value;
                    }
                    values[index++] = value;
                    previous = value;
                }
            }
        }
        consumed = position;
        return values;
    }

    private static long ZigZag(ulong raw) => (long)(raw >> 1) ^ -(long)(raw & 1);

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new ParquetFormatException("DELTA_BINARY_PACKED data is truncated.");
            }
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new ParquetFormatException("DELTA_BINARY_PACKED varint is too long.");
    }
}
