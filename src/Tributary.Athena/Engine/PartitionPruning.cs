using System.Text.RegularExpressions;
using Tributary.Glue.Expressions;

namespace Tributary.Athena.Engine;

/// <summary>
/// The partition filter a query implies, as Glue's partition expression: the conditions of the query's outermost
/// WHERE that are joined to the rest by AND at its top level and that compare partition keys with literals only
/// (<c>=, &lt;&gt;, &lt;, &gt;, &lt;=, &gt;=, BETWEEN, IN, LIKE</c>, also combined with OR inside parentheses). Each such
/// condition must hold for every row the query keeps, so partitions failing it are never read. Anything else (a
/// function, a column that is not a partition key, a top-level OR) is left to DuckDB. Used only when the query names
/// one table, so a key's name cannot belong to another table. Stateless.
/// </summary>
internal static partial class PartitionPruning
{
    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\s*\.\s*(?=[A-Za-z_""])")]
    private static partial Regex Qualifier();

    public static PartitionExpression? Extract(string sql, IReadOnlyList<(string Name, string Type)> keys)
    {
        if (keys.Count == 0 || WhereClause(sql) is not { } where)
        {
            return null;
        }
        var kept = new List<string>();
        foreach (var condition in SplitAnd(where))
        {
            var text = Qualifier().Replace(condition, "");
            try
            {
                PartitionExpression.Parse(text).Bind(keys);
                kept.Add("(" + text + ")");
            }
            catch (FormatException)
            {
                // Not a condition on partition keys alone: DuckDB evaluates it.
            }
        }
        return kept.Count == 0 ? null : PartitionExpression.Parse(string.Join(" AND ", kept));
    }

    /// <summary>The text of the last WHERE at parenthesis depth 0, up to the next clause keyword at depth 0.</summary>
    private static string? WhereClause(string sql)
    {
        var words = TopLevelWords(sql);
        var where = words.FindLastIndex(w => w.Word == "WHERE");
        if (where < 0)
        {
            return null;
        }
        var start = words[where].End;
        var end = sql.Length;
        foreach (var (word, position, _) in words.Skip(where + 1))
        {
            if (word is "GROUP" or "ORDER" or "LIMIT" or "HAVING" or "UNION" or "INTERSECT" or "EXCEPT" or "WINDOW" or "OFFSET" or "QUALIFY")
            {
                end = position;
                break;
            }
        }
        var close = ClosingParenthesis(sql, start);
        return sql[start..Math.Min(end, close)];
    }

    /// <summary>Words at parenthesis depth 0 outside strings and comments, upper-cased, with their start and end.</summary>
    private static List<(string Word, int Start, int End)> TopLevelWords(string sql)
    {
        var words = new List<(string, int, int)>();
        var depth = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'')
            {
                i = StringEnd(sql, i) - 1;
            }
            else if (c == '"')
            {
                var end = sql.IndexOf('"', i + 1);
                i = end < 0 ? sql.Length : end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i + 1 < sql.Length && (char.IsLetterOrDigit(sql[i + 1]) || sql[i + 1] == '_'))
                {
                    i++;
                }
                if (depth == 0)
                {
                    words.Add((sql[start..(i + 1)].ToUpperInvariant(), start, i + 1));
                }
            }
        }
        return words;
    }

    /// <summary>Where the parenthesis enclosing <paramref name="start"/> closes (the end of the text at depth 0).</summary>
    private static int ClosingParenthesis(string sql, int start)
    {
        var depth = 0;
        for (var i = start; i < sql.Length; i++)
        {
            switch (sql[i])
            {
                case '\'':
                    i = StringEnd(sql, i) - 1;
                    break;
                case '(':
                    depth++;
                    break;
                case ')' when depth == 0:
                    return i;
                case ')':
                    depth--;
                    break;
            }
        }
        return sql.Length;
    }

    /// <summary>Splits on AND at depth 0, keeping BETWEEN's own AND inside its condition.</summary>
    private static List<string> SplitAnd(string where)
    {
        var parts = new List<string>();
        var words = TopLevelWords(where);
        var start = 0;
        var inBetween = false;
        foreach (var (word, position, end) in words)
        {
            if (word == "BETWEEN")
            {
                inBetween = true;
            }
            else if (word == "AND")
            {
                if (inBetween)
                {
                    inBetween = false;
                    continue;
                }
                parts.Add(where[start..position]);
                start = end;
            }
            else if (word == "OR")
            {
                // A top-level OR: no condition on its own must hold.
                return [];
            }
        }
        parts.Add(where[start..]);
        return [.. parts.Select(p => p.Trim()).Where(p => p.Length > 0)];
    }

    private static int StringEnd(string sql, int start)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == '\'')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '\'')
                {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.Length;
    }

}
