using System.Collections;
using Tributary.Connect.Data;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// An estimate of the memory a Connect value holds (strings and bytes by length, numbers at 8 bytes, containers as the
/// sum of their parts plus a small overhead): what the memory bound counts for records of the schema formats, which
/// are kept as values until their file is written.
/// </summary>
internal static class ValueSize
{
    public static long Estimate(object? value) => value switch
    {
        null => 0,
        string text => 24 + (2L * text.Length),
        byte[] bytes => 24 + bytes.Length,
        Struct structure => 32 + Fields(structure),
        IDictionary map => 48 + Entries(map),
        IEnumerable items => 32 + Items(items),
        _ => 16,
    };

    private static long Fields(Struct structure)
    {
        long total = 0;
        foreach (var field in structure.Schema.Fields)
        {
            total += 8 + Estimate(structure.Get(field));
        }
        return total;
    }

    private static long Entries(IDictionary map)
    {
        long total = 0;
        foreach (DictionaryEntry entry in map)
        {
            total += 16 + Estimate(entry.Key) + Estimate(entry.Value);
        }
        return total;
    }

    private static long Items(IEnumerable items)
    {
        long total = 0;
        foreach (var item in items)
        {
            total += 8 + Estimate(item);
        }
        return total;
    }
}
