using System.Text;

namespace Tributary.Cdc.Postgres.Values;

/// <summary>
/// PostgreSQL's text form of a one-dimensional array (<c>{1,2,NULL,"a b","x\"y"}</c>): elements in order, unquoted
/// NULL as null, quotes and backslash escapes removed. Nested dimensions are kept as their text.
/// </summary>
public static class ArrayText
{
    public static List<string?> Parse(string text)
    {
        var elements = new List<string?>();
        var start = text.IndexOf('{');
        if (start < 0 || text.Length - start < 2 || text[start + 1] == '}')
        {
            return elements;
        }
        var current = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        var depth = 0;
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when depth == 0:
                    quoted = true;
                    wasQuoted = true;
                    break;
                case '{':
                    depth++;
                    current.Append(c);
                    break;
                case '}' when depth > 0:
                    depth--;
                    current.Append(c);
                    break;
                case ',' or '}' when depth == 0:
                    var element = current.ToString();
                    elements.Add(!wasQuoted && element == "NULL" ? null : element);
                    current.Clear();
                    wasQuoted = false;
                    if (c == '}')
                    {
                        return elements;
                    }
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }
        return elements;
    }
}
