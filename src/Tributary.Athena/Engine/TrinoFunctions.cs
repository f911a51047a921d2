namespace Tributary.Athena.Engine;

/// <summary>
/// Athena's (Trino's) common functions that DuckDB names or shapes differently. Most become DuckDB macros created in
/// each query's connection (temporary, so they resolve whatever the current schema). Trino's date_parse and
/// date_format take MySQL format specifiers and DuckDB's strptime needs a constant format, so <see cref="Rewrite"/>
/// turns calls whose format is a string literal into strptime/strftime with the format converted (%i minutes, %s
/// seconds, %h 12-hour, %M month name, %W weekday name, %c/%e/%k/%l unpadded, %T, %r). docs/athena.md lists them.
/// </summary>
internal static class TrinoFunctions
{
    public static readonly string[] Macros =
    [
        "CREATE OR REPLACE TEMP MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
        "CREATE OR REPLACE TEMP MACRO from_iso8601_date(s) AS CAST(s AS DATE)",
        "CREATE OR REPLACE TEMP MACRO approx_distinct(x) AS approx_count_distinct(x)",
        "CREATE OR REPLACE TEMP MACRO approx_percentile(x, p) AS approx_quantile(x, p)",
        "CREATE OR REPLACE TEMP MACRO arbitrary(x) AS any_value(x)",
        "CREATE OR REPLACE TEMP MACRO to_unixtime(t) AS epoch(t)",
        "CREATE OR REPLACE TEMP MACRO from_unixtime(n) AS to_timestamp(n)",
        "CREATE OR REPLACE TEMP MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)",
        "CREATE OR REPLACE TEMP MACRO regexp_like(s, p) AS regexp_matches(s, p)",
        "CREATE OR REPLACE TEMP MACRO is_nan(x) AS isnan(x)",
        "CREATE OR REPLACE TEMP MACRO to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.%gZ')",
    ];

    /// <summary>MySQL's date format specifiers (Trino's date_parse/date_format) as strftime's.</summary>
    public static string MySqlToStrftime(string format)
    {
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                result.Append(format[i]);
                continue;
            }
            var specifier = format[++i];
            result.Append(specifier switch
            {
                'i' => "%M",
                's' => "%S",
                'h' => "%I",
                'M' => "%B",
                'W' => "%A",
                'c' => "%-m",
                'e' => "%-d",
                'k' => "%-H",
                'l' => "%-I",
                'T' => "%H:%M:%S",
                'r' => "%I:%M:%S %p",
                'v' => "%V",
                'x' => "%G",
                _ => "%" + specifier,
            });
        }
        return result.ToString();
    }

    /// <summary>
    /// Rewrites <c>date_parse(x, 'fmt')</c> to <c>strptime(x, 'fmt'')</c> and <c>date_format(x, 'fmt')</c> to
    /// <c>strftime(x, 'fmt'')</c> (format converted) outside strings and comments; other calls are left as they are.
    /// </summary>
    public static string Rewrite(string sql)
    {
        var output = new System.Text.StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'')
            {
                var end = StringEnd(sql, i);
                output.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                output.Append(sql, i, end - i);
                i = end;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_'))
                {
                    i++;
                }
                var word = sql[start..i];
                var lower = word.ToLowerInvariant();
                if ((lower == "date_parse" || lower == "date_format") && TryRewriteCall(sql, i, lower == "date_parse" ? "strptime" : "strftime", out var call, out var next))
                {
                    output.Append(call);
                    i = next;
                }
                else
                {
                    output.Append(word);
                }
            }
            else
            {
                output.Append(c);
                i++;
            }
        }
        return output.ToString();
    }

    private static bool TryRewriteCall(string sql, int afterName, string function, out string call, out int next)
    {
        call = "";
        next = afterName;
        var open = afterName;
        while (open < sql.Length && char.IsWhiteSpace(sql[open]))
        {
            open++;
        }
        if (open >= sql.Length || sql[open] != '(')
        {
            return false;
        }
        // Find the last top-level comma and the closing parenthesis.
        var depth = 0;
        var lastComma = -1;
        var position = open;
        for (; position < sql.Length; position++)
        {
            var c = sql[position];
            if (c == '\'')
            {
                position = StringEnd(sql, position) - 1;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                break;
            }
            else if (c == ',' && depth == 1)
            {
                lastComma = position;
            }
        }
        if (position >= sql.Length || lastComma < 0)
        {
            return false;
        }
        var formatText = sql[(lastComma + 1)..position].Trim();
        if (formatText.Length < 2 || formatText[0] != '\'' || StringEnd(formatText, 0) != formatText.Length)
        {
            return false;
        }
        var format = formatText[1..^1].Replace("''", "'", StringComparison.Ordinal);
        var converted = MySqlToStrftime(format).Replace("'", "''", StringComparison.Ordinal);
        call = function + "(" + Rewrite(sql[(open + 1)..lastComma]) + ", '" + converted + "')";
        next = position + 1;
        return true;
    }

    /// <summary>The index after the string literal starting at <paramref name="start"/> ('' inside is a quote).</summary>
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
