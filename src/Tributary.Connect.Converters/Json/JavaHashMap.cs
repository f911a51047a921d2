using System.Collections;

namespace Tributary.Connect.Json;

/// <summary>
/// The iteration order of a <c>java.util.HashMap</c> filled by <c>put</c> in a given order, for the maps Kafka's
/// JsonConverter returns (it builds a HashMap) and therefore writes back: entries in bucket order of the final table
/// (16 slots, doubled whenever the size passes three quarters), entries of one bucket in insertion order. Keys are
/// hashed as Java does (<c>String.hashCode</c> over UTF-16 units, <c>Long.hashCode</c>, …). When a key has no
/// Java-equivalent hash (bytes, structs), or a bucket would hold eight or more entries (Java then resizes early or keeps a tree
/// whose order is not insertion order), the insertion order is kept.
/// </summary>
public static class JavaHashMap
{
    /// <summary>Java's <c>hashCode</c> of a Connect value, or null when it has none that is stable.</summary>
    public static int? HashCode(object? key) => key switch
    {
        null => 0,
        string s => StringHash(s),
        int i => i,
        long l => LongHash(l),
        short s16 => s16,
        sbyte s8 => s8,
        bool b => b ? 1231 : 1237,
        double d => LongHash(BitConverter.DoubleToInt64Bits(double.IsNaN(d) ? double.NaN : d)),
        float f => BitConverter.SingleToInt32Bits(float.IsNaN(f) ? float.NaN : f),
        _ => null,
    };

    private static int LongHash(long value) => (int)(value ^ (long)((ulong)value >> 32));

    public static int StringHash(string text)
    {
        var hash = 0;
        foreach (var c in text)
        {
            hash = unchecked(31 * hash + c);
        }
        return hash;
    }

    /// <summary>The table size of a default-constructed HashMap after <paramref name="count"/> puts of distinct keys.</summary>
    public static int TableSize(int count)
    {
        var size = 16;
        while (count > size / 4 * 3)
        {
            size *= 2;
        }
        return size;
    }

    /// <summary>
    /// Reorders <paramref name="keys"/> and <paramref name="values"/> (distinct keys, in insertion order) into the
    /// order Java's HashMap iterates them. Returns false, leaving them untouched, when the order cannot be derived.
    /// </summary>
    public static bool Reorder<TKey>(Span<TKey> keys, Span<object?> values)
    {
        var count = keys.Length;
        if (count < 2)
        {
            return true;
        }
        Span<int> buckets = count <= 128 ? stackalloc int[count] : new int[count];
        var mask = TableSize(count) - 1;
        var sorted = true;
        for (var i = 0; i < count; i++)
        {
            if (HashCode(keys[i]) is not { } hash)
            {
                return false;
            }
            buckets[i] = (hash ^ (int)((uint)hash >> 16)) & mask;
            sorted &= i == 0 || buckets[i] >= buckets[i - 1];
        }
        if (sorted)
        {
            return !HasTreeBin(buckets);
        }
        // Stable insertion sort by bucket: maps are small, and the common case is nearly sorted.
        for (var i = 1; i < count; i++)
        {
            var bucket = buckets[i];
            var key = keys[i];
            var value = values[i];
            var j = i - 1;
            while (j >= 0 && buckets[j] > bucket)
            {
                buckets[j + 1] = buckets[j];
                keys[j + 1] = keys[j];
                values[j + 1] = values[j];
                j--;
            }
            buckets[j + 1] = bucket;
            keys[j + 1] = key;
            values[j + 1] = value;
        }
        return !HasTreeBin(buckets);
    }

    private static bool HasTreeBin(ReadOnlySpan<int> sortedBuckets)
    {
        var run = 1;
        for (var i = 1; i < sortedBuckets.Length; i++)
        {
            run = sortedBuckets[i] == sortedBuckets[i - 1] ? run + 1 : 1;
            if (run >= 8)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The entries of <paramref name="map"/> in the order a Java HashMap copy of it would iterate (cold paths).</summary>
    public static List<KeyValuePair<object, object?>> OrderOf(IDictionary map)
    {
        var keys = new object[map.Count];
        var values = new object?[map.Count];
        var i = 0;
        foreach (DictionaryEntry entry in map)
        {
            keys[i] = entry.Key;
            values[i++] = entry.Value;
        }
        Reorder<object>(keys, values);
        var result = new List<KeyValuePair<object, object?>>(keys.Length);
        for (i = 0; i < keys.Length; i++)
        {
            result.Add(new KeyValuePair<object, object?>(keys[i], values[i]));
        }
        return result;
    }
}
