using System.Text;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>What a DDL token is: a bare word, a `quoted` identifier, a 'string' (or "string"), a number, or one symbol character.</summary>
public enum DdlTokenKind
{
    Word,
    QuotedIdentifier,
    String,
    Number,
    Symbol,
}

/// <summary>One token: its kind, its value (identifiers and strings unquoted and unescaped), and where it sits in the statement.</summary>
public readonly record struct DdlToken(DdlTokenKind Kind, string Value, int Start, int End)
{
    /// <summary>Whether this is the bare word <paramref name="keyword"/> (case-insensitive).</summary>
    public bool Is(string keyword) => Kind == DdlTokenKind.Word && Value.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char symbol) => Kind == DdlTokenKind.Symbol && Value[0] == symbol;

    /// <summary>A name: a bare word or a `quoted` identifier (a "string" too, as sql_mode ANSI_QUOTES writes names).</summary>
    public bool IsName => Kind is DdlTokenKind.Word or DdlTokenKind.QuotedIdentifier or DdlTokenKind.String;
}

/// <summary>
/// Splits MySQL/MariaDB DDL into tokens. Comments (<c>-- </c>, <c>#</c>, <c>/* */</c>) are dropped; executable comments
/// (<c>/*!50100 … */</c>, MariaDB's <c>/*M!100100 … */</c>) keep their content, as the server runs it. Stateless.
/// </summary>
public static class DdlTokenizer
{
    public static List<DdlToken> Tokenize(string sql)
    {
        var tokens = new List<DdlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-' && (i + 2 == sql.Length || char.IsWhiteSpace(sql[i + 2]))))
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                if (i + 2 < sql.Length && (sql[i + 2] == '!' || (sql[i + 2] == 'M' && i + 3 < sql.Length && sql[i + 3] == '!')))
                {
                    // Executable comment: skip the marker and the version digits; the closing */ is dropped below.
                    i += sql[i + 2] == '!' ? 3 : 4;
                    while (i < sql.Length && char.IsAsciiDigit(sql[i]))
                    {
                        i++;
                    }
                    continue;
                }
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                i += 2; // the end of an executable comment
            }
            else if (c == '`')
            {
                var (text, next) = Quoted(sql, i, '`');
                tokens.Add(new DdlToken(DdlTokenKind.QuotedIdentifier, text, i, next));
                i = next;
            }
            else if (c is '\'' or '"')
            {
                var (text, next) = Quoted(sql, i, c);
                tokens.Add(new DdlToken(DdlTokenKind.String, text, i, next));
                i = next;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1])))
            {
                var start = i;
                while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '.' ||
                                          ((sql[i] is '+' or '-') && (sql[i - 1] is 'e' or 'E'))))
                {
                    i++;
                }
                // 1e5 and 0x1F are numbers; an identifier such as 1st_column starts with digits too.
                var text = sql[start..i];
                var kind = text.All(ch => char.IsAsciiDigit(ch) || ch is '.' or 'e' or 'E' or '+' or '-') || text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? DdlTokenKind.Number
                    : DdlTokenKind.Word;
                tokens.Add(new DdlToken(kind, text, start, i));
            }
            else if (char.IsLetter(c) || c is '_' or '$' || c > 127)
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$' || sql[i] > 127))
                {
                    i++;
                }
                tokens.Add(new DdlToken(DdlTokenKind.Word, sql[start..i], start, i));
            }
            else
            {
                tokens.Add(new DdlToken(DdlTokenKind.Symbol, c.ToString(), i, i + 1));
                i++;
            }
        }
        return tokens;
    }

    /// <summary>A quoted token from its opening quote: doubled quotes and (outside backticks) backslash escapes resolved.</summary>
    private static (string Text, int Next) Quoted(string sql, int start, char quote)
    {
        var builder = new StringBuilder();
        var i = start + 1;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    builder.Append(quote);
                    i += 2;
                    continue;
                }
                return (builder.ToString(), i + 1);
            }
            if (c == '\\' && quote != '`' && i + 1 < sql.Length)
            {
                builder.Append(sql[i + 1] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'Z' => '\x1a',
                    var other => other,
                });
                i += 2;
                continue;
            }
            builder.Append(c);
            i++;
        }
        throw new DdlParseException($"unterminated {quote}quoted{quote} text");
    }
}

/// <summary>A DDL statement the parser cannot read (or reads but cannot apply, such as system versioning).</summary>
public sealed class DdlParseException(string message) : Exception(message);
