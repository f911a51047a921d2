namespace Tributary.Formats.Json;

/// <summary>Which of Firehose's JSON deserializers the conversion imitates.</summary>
public enum JsonSerDeKind
{
    /// <summary>org.openx.data.jsonserde.JsonSerDe: case-insensitive keys (by default), key mappings, optional dots → underscores.</summary>
    OpenX,
    /// <summary>org.apache.hive.hcatalog.data.JsonSerDe: case-insensitive keys, custom timestamp formats.</summary>
    Hive,
}

/// <summary>
/// How JSON records map onto a Parquet schema (Firehose's "input format configuration").
/// Documented in docs/formats/json-to-parquet.md; keep in sync.
/// </summary>
public sealed record JsonSerDeOptions
{
    public JsonSerDeKind Kind { get; init; } = JsonSerDeKind.OpenX;

    /// <summary>OpenX only (Hive always ignores case): match JSON keys to columns ignoring ASCII/Unicode case. Default true, as in OpenX.</summary>
    public bool CaseInsensitive { get; init; } = true;

    /// <summary>OpenX only: replace '.' in JSON keys with '_' before matching (ConvertDotsInJsonKeysToUnderscores).</summary>
    public bool ConvertDotsInJsonKeysToUnderscores { get; init; }

    /// <summary>OpenX only: column name → the JSON key that fills it (ColumnToJsonKeyMappings), for keys that are not valid column names.</summary>
    public IReadOnlyDictionary<string, string>? ColumnToJsonKeyMappings { get; init; }

    /// <summary>
    /// Hive only: timestamp formats tried in order before the built-in ones — Joda-Time patterns
    /// (y M d H m s S, quoted literals, Z/ZZ offsets) or the word <c>millis</c> for epoch milliseconds.
    /// </summary>
    public IReadOnlyList<string>? TimestampFormats { get; init; }

    internal bool IgnoreCase => Kind == JsonSerDeKind.Hive || CaseInsensitive;
}
