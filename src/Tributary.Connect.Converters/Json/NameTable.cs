using System.Text.Json;

namespace Tributary.Connect.Json;

/// <summary>
/// Property names seen before, so reading a stream of records with the same keys does not allocate a new string per
/// key per record. Per thread (the readers using it are called from many threads), bounded: once full, names are
/// allocated as usual.
/// </summary>
internal static class NameTable
{
    private const int MaxNames = 2048;
    private const int MaxNameLength = 64;

    [ThreadStatic]
    private static Dictionary<string, string>? _names;

    /// <summary>The property name the reader is on.</summary>
    public static string Get(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxNameLength)
        {
            return ConnectJsonReader.GetString(ref reader);
        }
        Span<char> chars = stackalloc char[MaxNameLength];
        if (System.Text.Unicode.Utf8.ToUtf16(reader.ValueSpan, chars, out _, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return ConnectJsonReader.GetString(ref reader);
        }
        var names = _names ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..written], out var name))
        {
            return name;
        }
        name = new string(chars[..written]);
        if (names.Count < MaxNames)
        {
            names[name] = name;
        }
        return name;
    }
}

/// <summary>Shared boxes for common values, as Java's <c>Long.valueOf</c> cache: small integers and the booleans.</summary>
internal static class Boxes
{
    private const int Low = -128;
    private const int High = 1023;
    private static readonly object[] Longs = [.. Enumerable.Range(Low, High - Low + 1).Select(i => (object)(long)i)];
    private static readonly object[] Ints = [.. Enumerable.Range(Low, High - Low + 1).Select(i => (object)i)];

    public static readonly object True = true;
    public static readonly object False = false;

    public static object Long(long value) => value is >= Low and <= High ? Longs[value - Low] : value;

    public static object Int(int value) => value is >= Low and <= High ? Ints[value - Low] : value;

    public static object Bool(bool value) => value ? True : False;
}
