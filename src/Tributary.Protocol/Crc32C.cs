using System.Buffers.Binary;
using System.Numerics;

namespace Tributary.Protocol;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic v2) and of Tributary's own
/// checkpoint files. Uses the SSE4.2 / ARMv8 CRC instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/>,
/// which falls back to a table in software. Thread-safe and allocation-free.
/// </summary>
public static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/> (initial value all ones, final inversion).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>
    /// Continues a running checksum. Start with <c>~0u</c>, feed each piece, then invert the result;
    /// <see cref="Compute"/> does exactly that for a single span.
    /// </summary>
    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 32)
        {
            // Four independent loads per iteration keep the loop short; the CRC instruction chain
            // itself is serial, so this mainly trims loop overhead.
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
            data = data[32..];
        }
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }
        return state;
    }
}
