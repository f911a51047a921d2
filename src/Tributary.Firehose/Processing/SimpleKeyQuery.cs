using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Jq;

namespace Tributary.Firehose.Processing;

/// <summary>
/// The MetadataExtractionQuery most streams use — an object of plain paths, <c>{customer: .customer_id, year: .t.y}</c>
/// — evaluated without the jq interpreter: one pass of a JSON reader per record when every path is one step, else one
/// JsonDocument walk. It gives exactly what the interpreter
/// gives or declines (<see cref="TryExtract"/> returns false) and the caller runs the interpreter: on a record that is
/// not a JSON object, or a path through something that is neither an object nor null (jq's errors come from the
/// interpreter). Scalars are rendered as jq's <c>tostring</c> does (strings as they are, others by
/// <see cref="JqProgram.ToJson"/>), the same conversion the interpreter path applies.
/// <para>Partition keys repeat from record to record, so the one-step pass reuses what it made: recent string values
/// per key are matched in the record's bytes (no string made), and records with the same values get the same key
/// dictionary — which is therefore shared and must only be read. Not thread-safe: one instance per pipeline (its
/// processor's), used from the pipeline's task.</para>
/// </summary>
public sealed partial class SimpleKeyQuery
{
    private readonly (string Key, string[] Path)[] _keys;

    private readonly bool _topLevel;
    private readonly byte[][] _names;

    /// <summary>Per key, string values seen recently (at most <see cref="RecentValues"/>), matched before a new string is made.</summary>
    private readonly List<string>[] _recent;

    /// <summary>Key dictionaries made recently, with the value of each key (compared by reference: values come from <see cref="_recent"/>).</summary>
    private readonly List<(string[] Values, Dictionary<string, string> Keys)> _results = [];

    private readonly string?[] _values;
    private int _nextResult;

    private const int RecentValues = 32;
    private const int RecentResults = 64;

    private SimpleKeyQuery((string Key, string[] Path)[] keys)
    {
        _keys = keys;
        _topLevel = Array.TrueForAll(keys, k => k.Path.Length == 1);
        _names = [.. keys.Select(k => Encoding.UTF8.GetBytes(k.Path[0]))];
        _recent = [.. keys.Select(_ => new List<string>())];
        _values = new string?[keys.Length];
    }

    /// <summary>The query as key → path, or null when it is anything more than <c>{k: .a.b, "k2": .c}</c>.</summary>
    public static SimpleKeyQuery? TryParse(string query)
    {
        var match = ObjectOfPaths().Match(query);
        if (!match.Success)
        {
            return null;
        }
        var keys = new List<(string, string[])>();
        foreach (Capture entry in match.Groups["entry"].Captures)
        {
            var parts = Entry().Match(entry.Value);
            var key = parts.Groups["key"].Value;
            if (key.StartsWith('"'))
            {
                key = key[1..^1];
            }
            keys.Add((key, parts.Groups["path"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries)));
        }
        return new SimpleKeyQuery([.. keys]);
    }

    /// <summary>
    /// The keys of a record: true with <paramref name="keys"/> set (or <paramref name="failure"/> set when a key is
    /// null or not a scalar, as the interpreter path reports), false when the interpreter must decide.
    /// </summary>
    public bool TryExtract(ReadOnlyMemory<byte> record, out Dictionary<string, string>? keys, out string? failure)
    {
        if (_topLevel)
        {
            return TryExtractTopLevel(record.Span, out keys, out failure);
        }
        keys = null;
        failure = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(record);
        }
        catch (JsonException)
        {
            return false;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, path) in _keys)
            {
                JsonElement? value = document.RootElement;
                foreach (var step in path)
                {
                    if (value is not { } current || current.ValueKind == JsonValueKind.Null)
                    {
                        value = null;
                        break;
                    }
                    if (current.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }
                    JsonElement? found = null;
                    foreach (var property in current.EnumerateObject())
                    {
                        if (property.NameEquals(step))
                        {
                            if (found is not null)
                            {
                                // A duplicated name: the interpreter path decides, as for every other odd record.
                                return false;
                            }
                            found = property.Value;
                        }
                    }
                    value = found;
                }
                if (value is not { } scalar || scalar.ValueKind == JsonValueKind.Null)
                {
                    failure = $"Partition key '{key}' is null.";
                    result = null;
                    break;
                }
                if (scalar.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    failure = $"Partition key '{key}' is not a scalar.";
                    result = null;
                    break;
                }
                result[key] = scalar.ValueKind == JsonValueKind.String ? scalar.GetString()! : JqProgram.ToJson(JsonNode.Parse(scalar.GetRawText()));
            }
            keys = result;
            return true;
        }
    }

    /// <summary>
    /// <see cref="TryExtract"/> when every path is one step (<c>{k: .a}</c>): one forward pass of a
    /// <see cref="Utf8JsonReader"/> over the record — the same validation as parsing it whole (an invalid record, or
    /// one with trailing content, declines) — without building a document. Nested values are skipped; a path's
    /// property appearing twice declines, as in the document walk.
    /// </summary>
    private bool TryExtractTopLevel(ReadOnlySpan<byte> record, out Dictionary<string, string>? keys, out string? failure)
    {
        keys = null;
        failure = null;
        Span<JsonTokenType> found = stackalloc JsonTokenType[_keys.Length];
        found.Clear();
        Span<bool> duplicated = stackalloc bool[_keys.Length];
        duplicated.Clear();
        var values = _values;
        Array.Clear(values);
        try
        {
            var reader = new Utf8JsonReader(record);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var first = -1;
                for (var i = 0; i < _names.Length; i++)
                {
                    if (reader.ValueTextEquals(_names[i]))
                    {
                        first = i;
                        break;
                    }
                }
                reader.Read();
                if (first < 0)
                {
                    reader.Skip();
                    continue;
                }
                var type = reader.TokenType;
                var text = type switch
                {
                    JsonTokenType.String => Intern(ref reader, first),
                    JsonTokenType.Number => JqProgram.ToJson(JsonNode.Parse(reader.ValueSpan)),
                    JsonTokenType.True => "true",
                    JsonTokenType.False => "false",
                    _ => null,
                };
                reader.Skip();
                for (var i = first; i < _names.Length; i++)
                {
                    if (i == first || _names[i].AsSpan().SequenceEqual(_names[first]))
                    {
                        duplicated[i] |= found[i] != JsonTokenType.None;
                        found[i] = type;
                        values[i] = text;
                    }
                }
            }
            // The root object ended; anything after it but whitespace throws.
            if (reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
        for (var i = 0; i < _keys.Length; i++)
        {
            var key = _keys[i].Key;
            if (duplicated[i])
            {
                // A duplicated name: the interpreter path decides (keys are looked at in the query's order, as in the document walk).
                return false;
            }
            switch (found[i])
            {
                case JsonTokenType.None or JsonTokenType.Null:
                    failure = $"Partition key '{key}' is null.";
                    return true;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    failure = $"Partition key '{key}' is not a scalar.";
                    return true;
            }
        }
        keys = KeysOf(values!);
        return true;
    }

    /// <summary>The string value at the reader, as an instance seen recently for key <paramref name="key"/> when there is one.</summary>
    private string Intern(ref Utf8JsonReader reader, int key)
    {
        var recent = _recent[key];
        foreach (var candidate in recent)
        {
            if (reader.ValueTextEquals(candidate))
            {
                return candidate;
            }
        }
        var value = reader.GetString()!;
        if (recent.Count == RecentValues)
        {
            recent.RemoveAt(0);
        }
        recent.Add(value);
        return value;
    }

    /// <summary>The key dictionary of these values: one made recently for the same value instances, else a new one.</summary>
    private Dictionary<string, string> KeysOf(string[] values)
    {
        foreach (var (seen, keys) in _results)
        {
            var same = true;
            for (var i = 0; i < values.Length && same; i++)
            {
                same = ReferenceEquals(seen[i], values[i]);
            }
            if (same)
            {
                return keys;
            }
        }
        var result = new Dictionary<string, string>(_keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < _keys.Length; i++)
        {
            result[_keys[i].Key] = values[i];
        }
        var entry = ((string[])values.Clone(), result);
        if (_results.Count < RecentResults)
        {
            _results.Add(entry);
        }
        else
        {
            _results[_nextResult] = entry;
            _nextResult = (_nextResult + 1) % RecentResults;
        }
        return result;
    }

    [GeneratedRegex("""^\s*\{(?:\s*(?<entry>(?:[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_\-.]*")\s*:\s*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*,)*\s*(?<entry>(?:[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_\-.]*")\s*:\s*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\s*$""")]
    private static partial Regex ObjectOfPaths();

    [GeneratedRegex("""^(?<key>[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_\-.]*")\s*:\s*(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)$""")]
    private static partial Regex Entry();
}
