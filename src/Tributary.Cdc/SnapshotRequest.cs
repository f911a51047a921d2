using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tributary.Cdc;

/// <summary>Which ad hoc snapshot an <c>execute-snapshot</c> signal asks for (its data's <c>type</c>, default incremental).</summary>
public enum SnapshotKind
{
    Incremental,

    /// <summary>Debezium 2.5+: streaming pauses while the tables are read as in an initial snapshot, then resumes where it paused.</summary>
    Blocking,
}

/// <summary>
/// An <c>execute-snapshot</c> signal's data, <c>{"data-collections": ["namespace.table", …], "type": "incremental" |
/// "blocking", "additional-conditions": [{"data-collection": "namespace.table", "filter": "SQL condition"}, …]}</c>,
/// resolved against the captured tables: <see cref="Tables"/> are the captured <c>namespace.table</c> names the
/// patterns (names or regular expressions, matched whole, case-insensitively when the database's names are) select,
/// in the order the patterns name them; <see cref="Conditions"/> maps a table to the SQL condition its rows are read
/// with (Debezium 1.x's single <c>additional-condition</c> string applies to every table of the signal). Immutable.
/// </summary>
public sealed record SnapshotRequest(SnapshotKind Kind, IReadOnlyList<string> Tables, IReadOnlyDictionary<string, string> Conditions)
{
    /// <summary>
    /// Parses <paramref name="data"/>; null when it names no collections or another snapshot type. Malformed JSON throws
    /// <see cref="JsonException"/>, an invalid pattern <see cref="RegexParseException"/>.
    /// </summary>
    public static SnapshotRequest? Parse(string? data, IEnumerable<string> captured, bool ignoreCase)
    {
        using var json = JsonDocument.Parse(string.IsNullOrEmpty(data) ? "{}" : data);
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var kind = SnapshotKind.Incremental;
        if (root.TryGetProperty("type", out var type))
        {
            if (string.Equals(type.GetString(), "blocking", StringComparison.OrdinalIgnoreCase))
            {
                kind = SnapshotKind.Blocking;
            }
            else if (!string.Equals(type.GetString(), "incremental", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }
        if (!root.TryGetProperty("data-collections", out var collections) || collections.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var all = captured.ToList();
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        var requested = new List<string>();
        foreach (var pattern in collections.EnumerateArray().Select(c => c.GetString()).OfType<string>())
        {
            var regex = new Regex("^(?:" + pattern + ")$", options);
            requested.AddRange(all.Where(id => regex.IsMatch(id) && !requested.Contains(id)));
        }
        var conditions = new Dictionary<string, string>();
        if (root.TryGetProperty("additional-condition", out var single) && single.ValueKind == JsonValueKind.String && single.GetString() is { Length: > 0 } everywhere)
        {
            foreach (var id in requested)
            {
                conditions[id] = everywhere;
            }
        }
        if (root.TryGetProperty("additional-conditions", out var perTable) && perTable.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in perTable.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            {
                if (entry.TryGetProperty("data-collection", out var name) && name.GetString() is { } namePattern &&
                    entry.TryGetProperty("filter", out var filter) && filter.GetString() is { Length: > 0 } condition)
                {
                    var regex = new Regex("^(?:" + namePattern + ")$", options);
                    foreach (var id in requested.Where(id => regex.IsMatch(id)))
                    {
                        conditions[id] = condition;
                    }
                }
            }
        }
        return new SnapshotRequest(kind, requested, conditions);
    }
}
