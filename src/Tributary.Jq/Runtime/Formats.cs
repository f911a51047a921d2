using System.Text;

namespace Tributary.Jq.Runtime;

/// <summary>jq's <c>@name</c> formats, applied to a value (as <c>@csv</c>) or to each interpolation of <c>@csv "..."</c>.</summary>
internal static class Formats
{
    private static readonly HashSet<string> Known = ["text", "json", "html", "uri", "csv", "tsv", "sh", "base64", "base64d"];

    public static void Check(string format)
    {
        if (!Known.Contains(format))
            throw new JqException(format + " is not a valid format");
    }

    public static string Apply(string format, object? value)
    {
        switch (format)
        {
            case "text":
                return Operations.ToText(value);
            case "json":
                return JsonText.Serialize(value);
            case "html":
                {
                    var text = Operations.ToText(value);
                    var builder = new StringBuilder(text.Length);
                    foreach (var c in text)
                    {
                        builder.Append(c switch
                        {
                            '<' => "&lt;",
                            '>' => "&gt;",
                            '&' => "&amp;",
                            '\'' => "&apos;",
                            '"' => "&quot;",
                            _ => c.ToString(),
                        });
                    }
                    return builder.ToString();
                }
            case "uri":
                {
                    var bytes = Encoding.UTF8.GetBytes(Operations.ToText(value));
                    var builder = new StringBuilder(bytes.Length);
                    foreach (var b in bytes)
                    {
                        var c = (char)b;
                        if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')')
                            builder.Append(c);
                        else
                            builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    return builder.ToString();
                }
            case "csv":
                return Row(value, "csv", ",", static (builder, text) =>
                {
                    builder.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                });
            case "tsv":
                return Row(value, "tsv", "\t", static (builder, text) =>
                {
                    foreach (var c in text)
                    {
                        switch (c)
                        {
                            case '\\': builder.Append("\\\\"); break;
                            case '\t': builder.Append("\\t"); break;
                            case '\n': builder.Append("\\n"); break;
                            case '\r': builder.Append("\\r"); break;
                            default: builder.Append(c); break;
                        }
                    }
                });
            case "sh":
                {
                    var items = value as JqArray ?? [value];
                    var builder = new StringBuilder();
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (i > 0)
                            builder.Append(' ');
                        switch (items[i])
                        {
                            case string text:
                                builder.Append('\'').Append(text.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
                                break;
                            case JqArray or JqObject:
                                throw new JqException(Values.Describe(items[i]) + " can not be escaped for shell");
                            default:
                                builder.Append(JsonText.Serialize(items[i]));
                                break;
                        }
                    }
                    return builder.ToString();
                }
            case "base64":
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(Operations.ToText(value)));
            case "base64d":
                return DecodeBase64(Operations.ToText(value));
            default:
                throw new JqException(format + " is not a valid format");
        }
    }

    private static string Row(object? value, string name, string separator, Action<StringBuilder, string> quote)
    {
        if (value is not JqArray items)
            throw new JqException(Values.Describe(value) + " cannot be " + name + "-formatted, only array");
        var builder = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
                builder.Append(separator);
            switch (items[i])
            {
                case null:
                    break;
                case bool b:
                    builder.Append(b ? "true" : "false");
                    break;
                case double d:
                    builder.Append(JsonText.FormatNumber(d));
                    break;
                case string text:
                    quote(builder, text);
                    break;
                default:
                    // jq 1.6 says "csv row" for @tsv too.
                    throw new JqException(Values.Describe(items[i]) + " is not valid in a csv row");
            }
        }
        return builder.ToString();
    }

    // Decodes 6-bit groups until the first character outside the alphabet ('=' included); a trailing partial byte is dropped.
    private static string DecodeBase64(string text)
    {
        var bytes = new List<byte>(text.Length * 3 / 4);
        int buffer = 0, bits = 0;
        var any = false;
        foreach (var c in text)
        {
            int sextet = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '+' => 62,
                '/' => 63,
                _ => -1,
            };
            if (sextet < 0)
                break;
            any = true;
            buffer = (buffer << 6) | sextet;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        if (any && bytes.Count == 0 && text.Length > 0)
            throw new JqException(Values.Describe(text) + " is not valid base64 data");
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
