using System.Globalization;
using System.Text;

namespace Tributary.Connect.Runtime.Config;

/// <summary>
/// Reads Java's <c>.properties</c> format (what <c>connect-standalone.sh</c> takes): <c>key=value</c>,
/// <c>key:value</c> or <c>key value</c>; <c>#</c>/<c>!</c> comment lines; a trailing backslash continues a line;
/// <c>\t \n \r \f \uXXXX</c> escapes; leading blanks of keys and values dropped. Later keys win.
/// </summary>
public static class PropertiesFile
{
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart(' ', '\t', '\f');
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            var logical = new StringBuilder();
            while (EndsWithContinuation(line) && i + 1 < lines.Length)
            {
                logical.Append(line, 0, line.Length - 1);
                line = lines[++i].TrimStart(' ', '\t', '\f');
            }
            if (EndsWithContinuation(line))
            {
                line = line[..^1];
            }
            logical.Append(line);
            var (key, value) = Split(logical.ToString());
            result[Unescape(key)] = Unescape(value);
        }
        return result;
    }

    public static Dictionary<string, string> Load(string path) => Parse(File.ReadAllText(path));

    private static bool EndsWithContinuation(string line)
    {
        var backslashes = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static (string Key, string Value) Split(string line)
    {
        var end = 0;
        while (end < line.Length)
        {
            var c = line[end];
            if (c == '\\')
            {
                end += 2;
                continue;
            }
            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }
            end++;
        }
        end = Math.Min(end, line.Length);
        var key = line[..end];
        var rest = end;
        while (rest < line.Length && line[rest] is ' ' or '\t' or '\f')
        {
            rest++;
        }
        if (rest < line.Length && line[rest] is '=' or ':')
        {
            rest++;
        }
        while (rest < line.Length && line[rest] is ' ' or '\t' or '\f')
        {
            rest++;
        }
        return (key, line[rest..]);
    }

    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }
        var output = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                output.Append(c);
                continue;
            }
            var next = text[++i];
            switch (next)
            {
                case 't': output.Append('\t'); break;
                case 'n': output.Append('\n'); break;
                case 'r': output.Append('\r'); break;
                case 'f': output.Append('\f'); break;
                case 'u' when i + 4 < text.Length && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    output.Append((char)code);
                    i += 4;
                    break;
                default: output.Append(next); break;
            }
        }
        return output.ToString();
    }
}
