using System.Buffers.Binary;
using System.Numerics;

namespace Tributary.Orc.Metadata;

/// <summary>
/// The hashing of ORC's bloom filters (the specification's "Bloom Filter Index"; Apache ORC's BloomFilter and Murmur3
/// classes define it, and files written by Hive and Java ORC are read with it): strings, chars, varchars and binaries
/// hash their bytes with 64-bit Murmur3 (x64 variant, seed 104,729); integers, dates (days) and timestamps (UTC
/// milliseconds) hash the long with Thomas Wang's 64-bit integer hash; floats and doubles hash the double's bits the
/// same way. A 64-bit hash sets <c>k</c> bits: with h1 its low and h2 its high 32 bits, bit
/// <c>(h1 + i·h2, complemented when negative) mod m</c> for i = 1..k, in 64-bit words of the bitset, least significant
/// bit first. Stateless.
/// </summary>
public static class BloomFilterHashing
{
    private const ulong C1 = 0x87c37b91114253d5UL;
    private const ulong C2 = 0x4cf5ad432745937fUL;
    private const int Seed = 104_729;

    public static long Murmur3Hash64(ReadOnlySpan<byte> data)
    {
        var hash = (ulong)(long)Seed;
        var blocks = data.Length >> 3;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i << 3, 8));
            k *= C1;
            k = BitOperations.RotateLeft(k, 31);
            k *= C2;
            hash ^= k;
            hash = (BitOperations.RotateLeft(hash, 27) * 5) + 0x52dce729;
        }
        var tail = data[(blocks << 3)..];
        if (tail.Length > 0)
        {
            ulong k1 = 0;
            for (var i = tail.Length - 1; i >= 0; i--)
            {
                k1 ^= (ulong)tail[i] << (i * 8);
            }
            k1 *= C1;
            k1 = BitOperations.RotateLeft(k1, 31);
            k1 *= C2;
            hash ^= k1;
        }
        hash ^= (ulong)data.Length;
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return (long)hash;
    }

    /// <summary>Thomas Wang's 64-bit integer hash with arithmetic shifts, as Java's <c>&gt;&gt;</c>.</summary>
    public static long LongHash(long key)
    {
        key = ~key + (key << 21);
        key ^= key >> 24;
        key = key + (key << 3) + (key << 8);
        key ^= key >> 14;
        key = key + (key << 2) + (key << 4);
        key ^= key >> 28;
        key += key << 31;
        return key;
    }

    public static long DoubleHash(double value) => LongHash(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Sets (or, with <paramref name="set"/> false, tests) the bits of a hash; true when all were set.</summary>
    public static bool Apply(Span<long> words, int hashFunctions, long hash64, bool set)
    {
        var numberOfBits = words.Length * 64;
        var hash1 = (int)hash64;
        var hash2 = (int)((ulong)hash64 >> 32);
        for (var i = 1; i <= hashFunctions; i++)
        {
            var combined = unchecked(hash1 + (i * hash2));
            if (combined < 0)
            {
                combined = ~combined;
            }
            var position = combined % numberOfBits;
            var mask = 1L << position;
            if (set)
            {
                words[position >> 6] |= mask;
            }
            else if ((words[position >> 6] & mask) == 0)
            {
                return false;
            }
        }
        return true;
    }
}
