using System.Text;
using Tributary.Connect.Json;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// Connect's offset record layout (<c>OffsetUtils</c>): key <c>["&lt;connector&gt;",{partition}]</c>, value
/// <c>{offset}</c>, both schemaless JSON as Kafka's JsonConverter writes it. Maps are written in the iteration order a
/// Java HashMap would have, because stores compare keys as bytes: a different order would split one source
/// partition into two entries. Stateless; thread-safe.
/// </summary>
public static class OffsetKeys
{
    public static string Key(string connector, IReadOnlyDictionary<string, object?> partition) =>
        Encoding.UTF8.GetString(SchemalessJson.Serialize(new List<object?> { connector, JavaOrdered(partition) })!);

    public static string? Value(IReadOnlyDictionary<string, object?>? offset) =>
        offset is null ? null : Encoding.UTF8.GetString(SchemalessJson.Serialize(JavaOrdered(offset))!);

    /// <summary>(connector, partition) of a key, or null when the key is not Connect's shape.</summary>
    public static (string Connector, Dictionary<string, object?> Partition)? ParseKey(string key)
    {
        try
        {
            if (SchemalessJson.Deserialize(Encoding.UTF8.GetBytes(key)) is System.Collections.IList { Count: 2 } list
                && list[0] is string connector && ToMap(list[1]) is { } partition)
            {
                return (connector, partition);
            }
        }
        catch (Tributary.Connect.Errors.DataException)
        {
        }
        return null;
    }

    public static Dictionary<string, object?>? ParseValue(string? value) =>
        value is null ? null : ToMap(SchemalessJson.Deserialize(Encoding.UTF8.GetBytes(value)));

    public static Dictionary<string, object?>? ToMap(object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> map:
                return map;
            case System.Collections.IDictionary any:
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (System.Collections.DictionaryEntry entry in any)
                {
                    result[entry.Key.ToString()!] = entry.Value;
                }
                return result;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                return pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            default:
                return null;
        }
    }

    private static Dictionary<string, object?> JavaOrdered(IReadOnlyDictionary<string, object?> map)
    {
        var keys = map.Keys.ToArray();
        var values = new object?[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            values[i] = map[keys[i]];
        }
        JavaHashMap.Reorder<string>(keys, values);
        var ordered = new Dictionary<string, object?>(keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            ordered[keys[i]] = values[i];
        }
        return ordered;
    }
}
