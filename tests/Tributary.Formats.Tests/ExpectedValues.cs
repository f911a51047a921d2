using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Tests;

public enum ExternalReader
{
    DuckDb,
    Hyparquet,
}

/// <summary>
/// Compares the values we wrote with what an external reader printed, field by field, following each
/// reader's conventions (documented in the node scripts). Fails with the row, the field path and both values.
/// </summary>
public static class ExpectedValues
{
    public static void AssertRowsMatch(ParquetSchema schema, IReadOnlyList<IReadOnlyDictionary<string, object?>> expected, IReadOnlyList<JsonElement> actual, ExternalReader reader)
    {
        Assert.True(expected.Count == actual.Count, $"{reader}: {actual.Count} rows, expected {expected.Count}");
        for (var r = 0; r < expected.Count; r++)
        {
            foreach (var field in schema.Fields)
            {
                expected[r].TryGetValue(field.Name, out var value);
                var present = actual[r].TryGetProperty(field.Name, out var element);
                Check(field, value, present ? element : null, reader, $"row {r}, {field.Name}");
            }
        }
    }

    private static void Check(SchemaNode node, object? expected, JsonElement? actual, ExternalReader reader, string where)
    {
        if (expected is null)
        {
            Assert.True(actual is null || actual.Value.ValueKind == JsonValueKind.Null, $"{reader} {where}: expected null, got {actual?.GetRawText()}");
            return;
        }
        Assert.True(actual is { ValueKind: not JsonValueKind.Null }, $"{reader} {where}: expected {Show(expected)}, got null/absent");
        var value = actual!.Value;
        switch (node)
        {
            case GroupNode { IsList: true } list:
                {
                    var element = ((GroupNode)list.Children[0]).Children[0];
                    var items = ((IEnumerable)expected).Cast<object?>().ToList();
                    Assert.True(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == items.Count, $"{reader} {where}: expected {items.Count} items, got {value.GetRawText()}");
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(element, items[i], item, reader, $"{where}[{i}]");
                        i++;
                    }
                    break;
                }
            case GroupNode { IsMap: true } map:
                {
                    var valueNode = ((GroupNode)map.Children[0]).Children[1];
                    var pairs = ((IEnumerable<KeyValuePair<object, object?>>)expected).ToList();
                    Assert.True(value.ValueKind == JsonValueKind.Object, $"{reader} {where}: expected a map object, got {value.GetRawText()}");
                    Assert.Equal(pairs.Count, value.EnumerateObject().Count());
                    foreach (var (key, entryValue) in pairs)
                    {
                        var present = value.TryGetProperty((string)key, out var entry);
                        Assert.True(present, $"{reader} {where}: key {key} missing in {value.GetRawText()}");
                        Check(valueNode, entryValue, entry, reader, $"{where}[{key}]");
                    }
                    break;
                }
            case GroupNode group:
                {
                    var fields = (IReadOnlyDictionary<string, object?>)expected;
                    foreach (var child in group.Children)
                    {
                        fields.TryGetValue(child.Name, out var childValue);
                        var present = value.TryGetProperty(child.Name, out var childElement);
                        Check(child, childValue, present ? childElement : null, reader, $"{where}.{child.Name}");
                    }
                    break;
                }
            case PrimitiveNode primitive:
                CheckPrimitive(primitive, expected, value, reader, where);
                break;
        }
    }

    private static void CheckPrimitive(PrimitiveNode node, object expected, JsonElement actual, ExternalReader reader, string where)
    {
        var logical = node.LogicalType;
        var raw = actual.GetRawText();
        var ok = (expected, logical?.Kind) switch
        {
            (bool b, _) => actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
            (int or long or uint or ulong, _) => raw == Convert.ToString(expected, CultureInfo.InvariantCulture),
            (float f, _) => actual.ValueKind == JsonValueKind.Number && (float)actual.GetDouble() == f,
            (double d, _) => actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == d,
            (decimal m, _) when reader == ExternalReader.DuckDb => actual.ValueKind == JsonValueKind.Number && decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture) == m,
            // hyparquet converts decimals to JavaScript numbers: equal as doubles, up to double rounding.
            (decimal m, _) => actual.ValueKind == JsonValueKind.Number && Math.Abs(actual.GetDouble() - (double)m) <= Math.Abs((double)m) * 1e-15,
            (string s, LogicalTypeKind.Json) when reader == ExternalReader.DuckDb => JsonNode.DeepEquals(JsonNode.Parse(s), JsonNode.Parse(raw)),
            (string s, _) => actual.ValueKind == JsonValueKind.String && actual.GetString() == s,
            (Guid g, _) => actual.GetString() == g.ToString("D"),
            (DateOnly d, _) => actual.GetString() == (reader == ExternalReader.DuckDb
                ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : "date:" + (d.DayNumber - new DateOnly(1970, 1, 1).DayNumber)),
            (DateTime t, _) => actual.GetString() == (reader == ExternalReader.DuckDb ? DuckDbTimestamp(t, logical!) : "ts:" + RawTimestamp(t, logical!)),
            (byte[] bytes, _) => actual.GetString() == (reader == ExternalReader.DuckDb ? DuckDbBlob(bytes) : "hex:" + Convert.ToHexStringLower(bytes)),
            _ => throw new InvalidOperationException($"no comparison for {expected.GetType().Name}"),
        };
        Assert.True(ok, $"{reader} {where}: expected {Show(expected)}, got {raw}");
    }

    private static long RawTimestamp(DateTime t, LogicalType logical)
    {
        var ticks = t.Ticks - new DateTime(1970, 1, 1).Ticks;
        return logical.Unit switch
        {
            TimeUnit.Millis => ticks / TimeSpan.TicksPerMillisecond,
            TimeUnit.Micros => ticks / TimeSpan.TicksPerMicrosecond,
            _ => ticks * 100,
        };
    }

    /// <summary>DuckDB's text form of a timestamp: fraction digits without trailing zeros, "+00" for UTC-adjusted ones (TimeZone=UTC).</summary>
    private static string DuckDbTimestamp(DateTime t, LogicalType logical)
    {
        var text = t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = t.ToString("ffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        if (fraction.Length > 0)
        {
            text += "." + fraction;
        }
        return logical.IsAdjustedToUtc ? text + "+00" : text;
    }

    /// <summary>DuckDB's text form of a BLOB: printable ASCII as is, other bytes as \xHH (upper case).</summary>
    private static string DuckDbBlob(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b >= 32 && b <= 126 && b != '\\' && b != '\'' && b != '"')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append("\\x").Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    public static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        string s => '"' + s + '"',
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
