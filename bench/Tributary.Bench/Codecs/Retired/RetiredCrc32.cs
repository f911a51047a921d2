// Retired from src/ by the codec re-check (issue 12): Tributary's own implementation as it was at e269ddc, kept
// unchanged but for names so that `Tributary.Bench codecs` can keep measuring it against its replacement.
using System.Buffers.Binary;

namespace Tributary.Bench.Codecs.Retired;

/// <summary>
/// CRC-32 as gzip (RFC 1952) uses it: reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF. The BCL only exposes CRC-32C (a different polynomial) and System.IO.Hashing is
/// not on our feed, so this is a table-driven "slicing by 8" implementation: 8 KiB of tables,
/// eight input bytes per step.
/// </summary>
public static class RetiredCrc32
{
    private const uint Polynomial = 0xEDB88320u;

    // Table k (at offset 256 * k) maps a byte to its CRC contribution k bytes further along.
    private static readonly uint[] Tables = BuildTables();

    /// <summary>Extends <paramref name="crc"/> (0 for an empty prefix) over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        crc = ~crc;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (low & 0xFF)]
                ^ t[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ t[(5 * 256) + ((low >> 16) & 0xFF)]
                ^ t[(4 * 256) + (low >> 24)]
                ^ t[(3 * 256) + (high & 0xFF)]
                ^ t[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ t[256 + ((high >> 16) & 0xFF)]
                ^ t[high >> 24];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            tables[n] = c;
        }

        for (var k = 1; k < 8; k++)
        {
            for (var n = 0; n < 256; n++)
            {
                var previous = tables[((k - 1) * 256) + n];
                tables[(k * 256) + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }

        return tables;
    }
}
