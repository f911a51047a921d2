using System.Text;

namespace Tributary.Athena.Engine;

/// <summary>
/// The dotted name chains of a SQL text (<c>a</c>, <c>a.b</c>, <c>"a"."b"</c>, <c>awsdatacatalog.a.b</c>) outside string
/// literals and comments: the candidates for catalog tables, of which the engine makes views. A chain that names no
/// table (a column, an alias) is harmless. Chains are returned lowercase, as Glue stores names.
/// </summary>
internal static class TableReferences
{
    public static List<string[]> Find(string sql)
    {
        var chains = new List<string[]>();
        var current = new List<string>();
        var expectName = true;
        var i = 0;
        void Flush()
        {
            if (current.Count > 0)
            {
                chains.Add([.. current]);
                current.Clear();
            }
        }
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'')
            {
                Flush();
                i++;
                while (i < sql.Length && !(sql[i] == '\'' && (i + 1 >= sql.Length || sql[i + 1] != '\'')))
                {
                    i += sql[i] == '\'' ? 2 : 1;
                }
                i++;
                expectName = true;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                Flush();
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                Flush();
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '"' || c == '`')
            {
                var end = i + 1;
                var name = new StringBuilder();
                while (end < sql.Length)
                {
                    if (sql[end] == c)
                    {
                        if (end + 1 < sql.Length && sql[end + 1] == c)
                        {
                            name.Append(c);
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    name.Append(sql[end++]);
                }
                if (!expectName)
                {
                    Flush();
                }
                current.Add(name.ToString().ToLowerInvariant());
                expectName = false;
                i = end + 1;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                {
                    i++;
                }
                if (!expectName)
                {
                    Flush();
                }
                current.Add(sql[start..i].ToLowerInvariant());
                expectName = false;
            }
            else if (c == '.' && current.Count > 0 && !expectName)
            {
                expectName = true;
                i++;
            }
            else
            {
                if (!char.IsWhiteSpace(c) || !expectName)
                {
                    Flush();
                    expectName = true;
                }
                i++;
            }
        }
        Flush();
        return chains;
    }
}
