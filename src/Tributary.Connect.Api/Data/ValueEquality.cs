using System.Collections;

namespace Tributary.Connect.Data;

/// <summary>
/// Deep equality of Connect values as Kafka compares them (<c>Objects.deepEquals</c>): bytes by content, arrays
/// element by element, maps entry by entry, structs by schema and values, everything else by <c>Equals</c>.
/// </summary>
public static class ValueEquality
{
    public static bool Equal(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a is null || b is null)
        {
            return false;
        }
        if (TryBytes(a, out var left) && TryBytes(b, out var right))
        {
            return left.SequenceEqual(right);
        }
        switch (a)
        {
            case string or Struct:
                return a.Equals(b);
            case IDictionary mapA when b is IDictionary mapB:
                if (mapA.Count != mapB.Count)
                {
                    return false;
                }
                foreach (DictionaryEntry entry in mapA)
                {
                    if (!TryFind(mapB, entry.Key, out var other) || !Equal(entry.Value, other))
                    {
                        return false;
                    }
                }
                return true;
            case IList listA when b is IList listB:
                if (listA.Count != listB.Count)
                {
                    return false;
                }
                for (var i = 0; i < listA.Count; i++)
                {
                    if (!Equal(listA[i], listB[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return a.Equals(b);
        }
    }

    /// <summary>A hash consistent with <see cref="Equal"/>.</summary>
    public static int Hash(object? value)
    {
        if (value is null)
        {
            return 0;
        }
        if (TryBytes(value, out var bytes))
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
        switch (value)
        {
            case string or Struct:
                return value.GetHashCode();
            case IDictionary map:
                var sum = 0;
                foreach (DictionaryEntry entry in map)
                {
                    sum += Hash(entry.Key) ^ Hash(entry.Value);
                }
                return sum;
            case IList list:
                var combined = new HashCode();
                foreach (var element in list)
                {
                    combined.Add(Hash(element));
                }
                return combined.ToHashCode();
            default:
                return value.GetHashCode();
        }
    }

    /// <summary>The bytes of a BYTES value in any of the accepted forms.</summary>
    public static bool TryBytes(object? value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case byte[] array:
                bytes = array;
                return true;
            case ReadOnlyMemory<byte> memory:
                bytes = memory.Span;
                return true;
            case Memory<byte> writable:
                bytes = writable.Span;
                return true;
            case ArraySegment<byte> segment:
                bytes = segment;
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    private static bool TryFind(IDictionary map, object key, out object? value)
    {
        if (map.Contains(key))
        {
            value = map[key];
            return true;
        }
        foreach (DictionaryEntry entry in map)
        {
            if (Equal(entry.Key, key))
            {
                value = entry.Value;
                return true;
            }
        }
        value = null;
        return false;
    }
}
