using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Tributary.Orc.Metadata;
using Tributary.Orc.Reader;

namespace Tributary.Orc.Tests;

/// <summary>
/// Compares a row from <see cref="OrcReader"/> with a row of Apache ORC's expected JSON (the form its orc-contents tool
/// prints: structs as objects, lists as arrays, maps as arrays of {"key","value"}, unions as {"tag","value"}, binary
/// as arrays of byte values, dates and timestamps as text, decimals as numbers with the column's scale). Floats compare
/// to the 7 digits printed, doubles to 1e-12 relative (the tool prints fewer digits than round-trip), everything else exactly.
/// </summary>
internal static class OrcJsonComparer
{
    /// <summary>Null when equal, otherwise where and how they differ.</summary>
    public static string? Difference(JsonElement expected, object? actual, TypeDescription type, string path)
    {
        if (expected.ValueKind == JsonValueKind.Null || actual is null)
        {
            return expected.ValueKind == JsonValueKind.Null && actual is null ? null : $"{path}: expected {expected.GetRawText()}, read {Show(actual)}";
        }
        string? Fail() => $"{path}: expected {expected.GetRawText()}, read {Show(actual)}";
        switch (type.Kind)
        {
            case OrcTypeKind.Boolean:
                return expected.ValueKind is JsonValueKind.True or JsonValueKind.False && expected.GetBoolean() == (bool)actual ? null : Fail();
            case OrcTypeKind.Byte or OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long:
                return expected.TryGetInt64(out var l) && l == (long)actual ? null : Fail();
            case OrcTypeKind.Float:
                {
                    // The tool prints floats with 7 significant digits.
                    var e = (float)expected.GetDouble();
                    var shown = float.Parse(((float)actual).ToString("G7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                    return e == shown || (float.IsNaN(e) && float.IsNaN((float)actual)) ? null : Fail();
                }
            case OrcTypeKind.Double:
                {
                    var e = expected.GetDouble();
                    var a = (double)actual;
                    return e == a || Math.Abs(e - a) <= 1e-12 * Math.Max(Math.Abs(e), Math.Abs(a)) ? null : Fail();
                }
            case OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char:
                return expected.ValueKind == JsonValueKind.String && expected.GetString() == (string)actual ? null : Fail();
            case OrcTypeKind.Binary:
                {
                    var bytes = (byte[])actual;
                    if (expected.ValueKind != JsonValueKind.Array || expected.GetArrayLength() != bytes.Length)
                    {
                        return Fail();
                    }
                    var i = 0;
                    foreach (var b in expected.EnumerateArray())
                    {
                        if (b.GetInt32() != bytes[i++])
                        {
                            return Fail();
                        }
                    }
                    return null;
                }
            case OrcTypeKind.Date:
                return expected.GetString() == ((DateOnly)actual).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ? null : Fail();
            case OrcTypeKind.Timestamp or OrcTypeKind.TimestampInstant:
                return expected.GetString() == ((OrcTimestamp)actual).ToString() ? null : Fail();
            case OrcTypeKind.Decimal:
                {
                    var e = ParseDecimal(expected.GetRawText());
                    var a = (OrcDecimal)actual;
                    var scale = Math.Max(e.Scale, a.Scale);
                    return e.Rescale(scale).Unscaled == a.Rescale(scale).Unscaled ? null : Fail();
                }
            case OrcTypeKind.Struct:
                {
                    var fields = ((OrcStruct)actual).Fields;
                    if (expected.ValueKind != JsonValueKind.Object)
                    {
                        return Fail();
                    }
                    for (var f = 0; f < type.Children.Count; f++)
                    {
                        if (!expected.TryGetProperty(type.FieldNames[f], out var field))
                        {
                            return $"{path}.{type.FieldNames[f]}: missing from the expected row";
                        }
                        if (Difference(field, fields[f], type.Children[f], path + "." + type.FieldNames[f]) is { } d)
                        {
                            return d;
                        }
                    }
                    return null;
                }
            case OrcTypeKind.List:
                {
                    var list = (List<object?>)actual;
                    if (expected.ValueKind != JsonValueKind.Array || expected.GetArrayLength() != list.Count)
                    {
                        return Fail();
                    }
                    var i = 0;
                    foreach (var element in expected.EnumerateArray())
                    {
                        if (Difference(element, list[i], type.Children[0], $"{path}[{i}]") is { } d)
                        {
                            return d;
                        }
                        i++;
                    }
                    return null;
                }
            case OrcTypeKind.Map:
                {
                    var map = (List<KeyValuePair<object?, object?>>)actual;
                    if (expected.ValueKind != JsonValueKind.Array || expected.GetArrayLength() != map.Count)
                    {
                        return Fail();
                    }
                    var i = 0;
                    foreach (var entry in expected.EnumerateArray())
                    {
                        if (Difference(entry.GetProperty("key"), map[i].Key, type.Children[0], $"{path}[{i}].key") is { } d
                            || Difference(entry.GetProperty("value"), map[i].Value, type.Children[1], $"{path}[{i}].value") is { } d2 && (d = d2) is not null)
                        {
                            return d;
                        }
                        i++;
                    }
                    return null;
                }
            case OrcTypeKind.Union:
                {
                    var union = (OrcUnion)actual;
                    return expected.GetProperty("tag").GetInt32() != union.Tag
                        ? Fail()
                        : Difference(expected.GetProperty("value"), union.Value, type.Children[union.Tag], path + ".value");
                }
            default:
                return $"{path}: no comparison for {type.Kind}";
        }
    }

    private static OrcDecimal ParseDecimal(string text)
    {
        var dot = text.IndexOf('.');
        var scale = dot < 0 ? 0 : text.Length - dot - 1;
        return new(BigInteger.Parse(text.Replace(".", ""), CultureInfo.InvariantCulture), scale);
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] b => "[" + string.Join(", ", b) + "]",
        OrcStruct s => "{" + string.Join(", ", s.Fields.Select(Show)) + "}",
        List<object?> l => "[" + string.Join(", ", l.Select(Show)) + "]",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
