using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Reader;

/// <summary>
/// A row as one JSON line in the form Apache ORC's orc-contents tool prints (and its expected example files use):
/// structs as objects, lists as arrays, maps as arrays of {"key","value"}, unions as {"tag","value"}, binary as byte
/// arrays, dates and timestamps as text, decimals as numbers at their scale. Floats print with 7 significant digits.
/// </summary>
public static class OrcJsonPrinter
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static string Print(object? value, TypeDescription type)
    {
        var text = new StringBuilder();
        Append(text, value, type);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value, TypeDescription type)
    {
        if (value is null)
        {
            text.Append("null");
            return;
        }
        switch (value)
        {
            case bool b: text.Append(b ? "true" : "false"); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case float f: text.Append(float.IsFinite(f) ? f.ToString("G7", CultureInfo.InvariantCulture) : Quote(f.ToString(CultureInfo.InvariantCulture))); break;
            case double d: text.Append(double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : Quote(d.ToString(CultureInfo.InvariantCulture))); break;
            case string s: text.Append(Quote(s)); break;
            case byte[] bytes: text.Append('[').AppendJoin(", ", bytes).Append(']'); break;
            case DateOnly date: text.Append('"').Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('"'); break;
            case OrcTimestamp ts: text.Append('"').Append(ts.ToString()).Append('"'); break;
            case OrcDecimal dec: text.Append(dec.ToString()); break;
            case OrcStruct row:
                text.Append('{');
                for (var i = 0; i < row.Fields.Length; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    text.Append(Quote(type.FieldNames[i])).Append(": ");
                    Append(text, row.Fields[i], type.Children[i]);
                }
                text.Append('}');
                break;
            case List<object?> list:
                text.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    Append(text, list[i], type.Children[0]);
                }
                text.Append(']');
                break;
            case List<KeyValuePair<object?, object?>> map:
                text.Append('[');
                for (var i = 0; i < map.Count; i++)
                {
                    text.Append(i > 0 ? ", " : "").Append("{\"key\": ");
                    Append(text, map[i].Key, type.Children[0]);
                    text.Append(", \"value\": ");
                    Append(text, map[i].Value, type.Children[1]);
                    text.Append('}');
                }
                text.Append(']');
                break;
            case OrcUnion union:
                text.Append("{\"tag\": ").Append(union.Tag).Append(", \"value\": ");
                Append(text, union.Value, type.Children[union.Tag]);
                text.Append('}');
                break;
            default:
                text.Append(Quote(value.ToString() ?? ""));
                break;
        }
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = Encoder });
}
