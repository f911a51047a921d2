namespace Tributary.Cdc;

/// <summary>
/// The order a <c>java.util.HashMap</c> iterates string keys inserted in a given order — the order Debezium writes
/// what it collected in such a map (hstore pairs, a transaction's per-table counts). Stateless.
/// </summary>
public static class JavaHashMap
{
    /// <summary>
    /// <paramref name="items"/> (inserted in this order, keys distinct) in iteration order: by bucket (the String hash
    /// code, its high half folded into the low, masked by the table size — 16, doubled while the entries exceed three
    /// quarters of it), entries of one bucket in insertion order.
    /// </summary>
    public static List<T> Order<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        var capacity = 16;
        while (items.Count > capacity * 3 / 4)
        {
            capacity *= 2;
        }
        return [.. items.Select((item, index) => (item, index, bucket: Spread(HashCode(key(item))) & (capacity - 1)))
            .OrderBy(p => p.bucket).ThenBy(p => p.index).Select(p => p.item)];
    }

    /// <summary>Java's <c>String.hashCode</c>.</summary>
    public static int HashCode(string text)
    {
        var hash = 0;
        foreach (var c in text)
        {
            hash = unchecked(31 * hash + c);
        }
        return hash;
    }

    private static int Spread(int hash) => hash ^ (int)((uint)hash >> 16);
}
