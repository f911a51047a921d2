using System.Globalization;
using System.Text;

namespace Tributary.Schemas.Protobuf;

internal enum ProtoTokenKind
{
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
    End,
}

/// <summary>A token of .proto text with the 1-based line and column where it starts (error messages name them).</summary>
internal readonly record struct ProtoToken(ProtoTokenKind Kind, string Text, int Line, int Column)
{
    public bool Is(string symbolOrWord) => (Kind == ProtoTokenKind.Symbol || Kind == ProtoTokenKind.Identifier) && Text == symbolOrWord;
}

/// <summary>
/// Splits .proto text into tokens as the language specification's lexical grammar defines them: identifiers (letters,
/// digits, underscores; dots join the parts of a full identifier, a leading dot makes it fully qualified), decimal,
/// octal and hexadecimal integers, floats (with <c>inf</c>/<c>nan</c> left as identifiers), single- or double-quoted
/// strings with C escapes (the token's text is the decoded value), and one-character symbols. Comments (<c>//</c>,
/// <c>/* */</c>) and whitespace are skipped. Errors are <see cref="InvalidSchemaException"/> naming line and column.
/// </summary>
internal static class ProtoTokenizer
{
    public static List<ProtoToken> Tokenize(string text)
    {
        var tokens = new List<ProtoToken>();
        var line = 1;
        var lineStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
                lineStart = i;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var column = i - lineStart + 1;
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error(line, column, "End-of-file inside block comment.");
                }
                for (var k = i; k < end; k++)
                {
                    if (text[k] == '\n')
                    {
                        line++;
                        lineStart = k + 1;
                    }
                }
                i = end + 2;
                continue;
            }
            if (IsLetter(c) || (c == '.' && i + 1 < text.Length && IsLetter(text[i + 1])))
            {
                var start = i;
                i++;
                while (i < text.Length && (IsLetter(text[i]) || char.IsAsciiDigit(text[i]) || (text[i] == '.' && i + 1 < text.Length && IsLetter(text[i + 1]))))
                {
                    i++;
                }
                tokens.Add(new ProtoToken(ProtoTokenKind.Identifier, text[start..i], line, column));
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i, line, column));
                continue;
            }
            if (c is '"' or '\'')
            {
                tokens.Add(new ProtoToken(ProtoTokenKind.String, ReadString(text, ref i, line, column), line, column));
                continue;
            }
            if ("{}[]()<>=;,:-+/.".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new ProtoToken(ProtoTokenKind.Symbol, c.ToString(), line, column));
                i++;
                continue;
            }
            throw Error(line, column, $"Unexpected character '{c}'.");
        }
        tokens.Add(new ProtoToken(ProtoTokenKind.End, "", line, i - lineStart + 1));
        return tokens;
    }

    public static InvalidSchemaException Error(int line, int column, string message) =>
        new($"Invalid schema: line {line}:{column}: {message}");

    private static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == '_';

    private static ProtoToken ReadNumber(string text, ref int i, int line, int column)
    {
        var start = i;
        if (text[i] == '0' && i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'))
        {
            i += 2;
            while (i < text.Length && char.IsAsciiHexDigit(text[i]))
            {
                i++;
            }
            if (i == start + 2)
            {
                throw Error(line, column, "\"0x\" must be followed by hex digits.");
            }
            return FinishNumber(text, start, i, ProtoTokenKind.Integer, line, column);
        }
        var isFloat = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (i < text.Length && text[i] == '.')
        {
            isFloat = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            isFloat = true;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }
            var digits = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (digits == i)
            {
                throw Error(line, column, "\"e\" must be followed by exponent.");
            }
        }
        if (i < text.Length && (text[i] == 'f' || text[i] == 'F') && isFloat)
        {
            i++;
        }
        return FinishNumber(text, start, i, isFloat ? ProtoTokenKind.Float : ProtoTokenKind.Integer, line, column);
    }

    private static ProtoToken FinishNumber(string text, int start, int i, ProtoTokenKind kind, int line, int column)
    {
        if (i < text.Length && (IsLetter(text[i]) || char.IsAsciiDigit(text[i])))
        {
            throw Error(line, column, "Need space between number and identifier.");
        }
        return new ProtoToken(kind, text[start..i], line, column);
    }

    private static string ReadString(string text, ref int i, int line, int column)
    {
        var quote = text[i++];
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (i >= text.Length || text[i] == '\n')
            {
                throw Error(line, column, "String literals cannot cross line boundaries.");
            }
            var c = text[i++];
            if (c == quote)
            {
                break;
            }
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && i < text.Length)
                {
                    var n = Encoding.UTF8.GetBytes(text.AsSpan(i - 1, 2), utf8);
                    bytes.AddRange(utf8[..n]);
                    i++;
                }
                else
                {
                    var n = Encoding.UTF8.GetBytes([c], utf8);
                    bytes.AddRange(utf8[..n]);
                }
                continue;
            }
            if (i >= text.Length)
            {
                throw Error(line, column, "String literals cannot cross line boundaries.");
            }
            var e = text[i++];
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\' or '\'' or '"' or '?': bytes.Add((byte)e); break;
                case 'x' or 'X':
                    {
                        var start = i;
                        while (i < text.Length && i - start < 2 && char.IsAsciiHexDigit(text[i]))
                        {
                            i++;
                        }
                        if (i == start)
                        {
                            throw Error(line, column, "Expected hex digits for escape sequence.");
                        }
                        bytes.Add(byte.Parse(text.AsSpan(start, i - start), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        break;
                    }
                case 'u' or 'U':
                    {
                        var count = e == 'u' ? 4 : 8;
                        if (i + count > text.Length || !int.TryParse(text.AsSpan(i, count), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code) || code > 0x10FFFF)
                        {
                            throw Error(line, column, "Expected four hex digits for \\u escape sequence.");
                        }
                        i += count;
                        var n = Encoding.UTF8.GetBytes(char.ConvertFromUtf32(code), utf8);
                        bytes.AddRange(utf8[..n]);
                        break;
                    }
                case >= '0' and <= '7':
                    {
                        var value = e - '0';
                        var digits = 1;
                        while (digits < 3 && i < text.Length && text[i] is >= '0' and <= '7')
                        {
                            value = (value * 8) + (text[i++] - '0');
                            digits++;
                        }
                        bytes.Add((byte)value);
                        break;
                    }
                default:
                    throw Error(line, column, "Invalid escape sequence in string literal.");
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
