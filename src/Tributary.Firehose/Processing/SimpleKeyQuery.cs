using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Jq;

namespace Tributary.Firehose.Processing;

/// <summary>
/// The MetadataExtractionQuery most streams use — an object of plain paths, <c>{customer: .customer_id, year: .t.y}</c>
/// — evaluated without the jq interpreter: one JsonDocument walk per record. It gives exactly what the interpreter
/// gives or declines (<see cref="TryExtract"/> returns false) and the caller runs the interpreter: on a record that is
/// not a JSON object, or a path through something that is neither an object nor null (jq's errors come from the
/// interpreter). Scalars are rendered as jq's <c>tostring</c> does (strings as they are, others by
/// <see cref="JqProgram.ToJson"/>), the same conversion the interpreter path applies.
/// </summary>
public sealed partial class SimpleKeyQuery
{
    private readonly (string Key, string[] Path)[] _keys;

    private SimpleKeyQuery((string Key, string[] Path)[] keys) => _keys = keys;

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
    public bool TryExtract(ReadOnlySpan<byte> record, out Dictionary<string, string>? keys, out string? failure)
    {
        keys = null;
        failure = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(record.ToArray());
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

    [GeneratedRegex("""^\s*\{(?:\s*(?<entry>(?:[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_\-.]*")\s*:\s*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*,)*\s*(?<entry>(?:[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_\-.]*")\s*:\s*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\s*$""")]
    private static partial Regex ObjectOfPaths();

    [GeneratedRegex("""^(?<key>[A-Za-z_][A-Za-z0-9_]*|"[A-Za-z0-9_\-.]*")\s*:\s*(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)$""")]
    private static partial Regex Entry();
}
