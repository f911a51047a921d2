using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tributary.Protocol;

/// <summary>
/// Zig-zag variable-length integers as used inside Kafka records (protobuf encoding), and the unsigned
/// varints of flexible protocol versions. Readers return false on truncated or over-long input rather
/// than throwing, so callers on hot paths decide how to fail.
/// </summary>
public static class Varint
{
    public static bool TryReadVarint(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        if (!TryReadUnsignedVarlong(source, 5, out var raw, out bytesRead) || raw > uint.MaxValue)
        {
            value = 0;
            return false;
        }
        var u = (uint)raw;
        value = (int)(u >> 1) ^ -(int)(u & 1);
        return true;
    }

    public static bool TryReadVarlong(ReadOnlySpan<byte> source, out long value, out int bytesRead)
    {
        if (!TryReadUnsignedVarlong(source, 10, out var raw, out bytesRead))
        {
            value = 0;
            return false;
        }
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return true;
    }

    public static bool TryReadUnsignedVarint(ReadOnlySpan<byte> source, out uint value, out int bytesRead)
    {
        if (!TryReadUnsignedVarlong(source, 5, out var raw, out bytesRead) || raw > uint.MaxValue)
        {
            value = 0;
            return false;
        }
        value = (uint)raw;
        return true;
    }

    private static bool TryReadUnsignedVarlong(ReadOnlySpan<byte> source, int maxBytes, out ulong value, out int bytesRead)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < source.Length && i < maxBytes; i++)
        {
            var b = source[i];
            if (shift == 63 && b > 1)
            {
                // The tenth byte of a varlong holds only bit 63; anything more overflows 64 bits.
                break;
            }
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                bytesRead = i + 1;
                return true;
            }
            shift += 7;
        }
        bytesRead = 0;
        value = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteVarint(Span<byte> destination, int value) => WriteUnsignedVarlong(destination, (uint)((value << 1) ^ (value >> 31)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteVarlong(Span<byte> destination, long value) => WriteUnsignedVarlong(destination, (ulong)((value << 1) ^ (value >> 63)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteUnsignedVarint(Span<byte> destination, uint value) => WriteUnsignedVarlong(destination, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfVarint(int value) => SizeOfUnsigned((uint)((value << 1) ^ (value >> 31)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfVarlong(long value) => SizeOfUnsigned((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>
    /// Bytes of <paramref name="value"/> as an unsigned varint: one per started 7 bits, without a loop (the highest set
    /// bit's index, scaled by 9/64 ≈ 1/7, rounded up; 0 takes one byte). Inlined into the per-record writers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfUnsigned(ulong value) => ((BitOperations.Log2(value | 1) * 9) + 73) >> 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteUnsignedVarlong(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }
}
