using System.Runtime.CompilerServices;

namespace Tributary.Formats.Parquet.Encodings;

/// <summary>
/// Bit-packing as Parquet uses it (RLE/bit-packed hybrid, DELTA_BINARY_PACKED, PLAIN booleans): values
/// are packed from the least significant bit of the first byte upward.
/// </summary>
public static class BitPacking
{
    /// <summary>Bits needed for values up to <paramref name="maxValue"/> (0 for 0).</summary>
    public static int BitWidth(ulong maxValue) => maxValue == 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(maxValue);

    /// <summary>Packs <paramref name="values"/> (each below 2^bitWidth) into <paramref name="output"/>; writes ceil(count*bitWidth/8) bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ReadOnlySpan<ulong> values, int bitWidth, GrowableBuffer output)
    {
        var bytes = ((values.Length * bitWidth) + 7) / 8;
        var span = output.GetSpan(bytes)[..bytes];
        span.Clear();
        if (bitWidth == 0)
        {
            output.Advance(bytes);
            return;
        }
        var bitPosition = 0;
        foreach (var value in values)
        {
            var remaining = bitWidth;
            var v = value;
            while (remaining > 0)
            {
                var byteIndex = bitPosition >> 3;
                var offset = bitPosition & 7;
                var take = Math.Min(8 - offset, remaining);
                span[byteIndex] |= (byte)((v & ((1UL << take) - 1)) << offset);
                v >>= take;
                remaining -= take;
                bitPosition += take;
            }
        }
        output.Advance(bytes);
    }

    /// <summary>Unpacks <paramref name="values"/>.Length values of <paramref name="bitWidth"/> bits from <paramref name="input"/>.</summary>
    public static void Unpack(ReadOnlySpan<byte> input, int bitWidth, Span<ulong> values)
    {
        if (bitWidth == 0)
        {
            values.Clear();
            return;
        }
        if ((((long)values.Length * bitWidth) + 7) / 8 > input.Length)
        {
            throw new ParquetFormatException("Bit-packed run is truncated.");
        }
        var bitPosition = 0L;
        for (var i = 0; i < values.Length; i++)
        {
            ulong value = 0;
            var got = 0;
            while (got < bitWidth)
            {
                var byteIndex = (int)(bitPosition >> 3);
                var offset = (int)(bitPosition & 7);
                var take = Math.Min(8 - offset, bitWidth - got);
                value |= (ulong)((input[byteIndex] >> offset) & ((1 << take) - 1)) << got;
                got += take;
                bitPosition += take;
            }
            values[i] = value;
        }
    }
}
