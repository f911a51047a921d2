using System.Globalization;

namespace Tributary.Cdc;

/// <summary>Reading stored offsets (numbers arrive as longs from the offset store's JSON, flags as strings or booleans).</summary>
public static class SourceOffsets
{
    public static long? Long(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is not null ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    /// <summary>Whether the offset says a snapshot is unfinished: <c>snapshot</c> is <c>"INITIAL"</c> (Debezium 3.0.2+), <c>true</c> or <c>"true"</c>.</summary>
    public static bool SnapshotUnfinished(IReadOnlyDictionary<string, object?> map) =>
        map.TryGetValue("snapshot", out var flag) && flag is not null &&
        (flag is true || string.Equals(flag.ToString(), "INITIAL", StringComparison.OrdinalIgnoreCase) || string.Equals(flag.ToString(), "true", StringComparison.OrdinalIgnoreCase));
}
