using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tributary.Glue.Expressions;

/// <summary>
/// GetPartitions' Expression: a SQL WHERE-like predicate over a table's partition keys, as Glue documents it —
/// comparisons (=, &lt;&gt;, !=, &lt;, &gt;, &lt;=, &gt;=), [NOT] BETWEEN … AND …, [NOT] IN (…), [NOT] LIKE (% and _), AND, OR,
/// NOT and parentheses; operands are partition keys, 'quoted strings' (with '' for a quote) and numbers. A key whose
/// type is numeric (tinyint, smallint, int, integer, bigint, float, double, decimal) compares as a number, every other
/// key as a string (so dates written yyyy-MM-dd order correctly). Parsing checks syntax only; <see cref="Bind"/> checks
/// the keys. Immutable and thread-safe.
/// </summary>
public sealed class PartitionExpression
{
    private readonly Node _root;

    private PartitionExpression(Node root, string text)
    {
        _root = root;
        Text = text;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; a syntax error is a <see cref="FormatException"/> naming the position.</summary>
    public static PartitionExpression Parse(string text)
    {
        var parser = new Parser(Tokenize(text), text);
        var root = parser.ParseOr();
        parser.ExpectEnd();
        return new PartitionExpression(root, text);
    }

    /// <summary>Resolves the keys against the table's partition keys (name, Hive type); an unknown key is a <see cref="FormatException"/>.</summary>
    public BoundPartitionExpression Bind(IReadOnlyList<(string Name, string Type)> keys)
    {
        var index = new Dictionary<string, (int, bool)>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < keys.Count; i++)
        {
            index[keys[i].Name] = (i, IsNumeric(keys[i].Type));
        }
        Check(_root, index);
        return new BoundPartitionExpression(_root, index);
    }

    private static void Check(Node node, Dictionary<string, (int, bool)> keys)
    {
        switch (node)
        {
            case Key key when !keys.ContainsKey(key.Name):
                throw new FormatException($"Unknown column '{key.Name}' in the expression: only partition keys can be used.");
            case Logical logical:
                Check(logical.Left, keys);
                Check(logical.Right, keys);
                break;
            case Not not:
                Check(not.Operand, keys);
                break;
            case Predicate predicate:
                foreach (var operand in predicate.Operands)
                {
                    Check(operand, keys);
                }
                break;
        }
    }

    private static bool IsNumeric(string hiveType)
    {
        var type = hiveType.Trim().ToLowerInvariant();
        return type is "tinyint" or "smallint" or "int" or "integer" or "bigint" or "float" or "double" || type.StartsWith("decimal", StringComparison.Ordinal);
    }

    // ---- Syntax tree ----

    internal abstract record Node;

    internal sealed record Key(string Name) : Node;

    internal sealed record Literal(string Text, bool IsNumber) : Node;

    internal sealed record Logical(bool IsAnd, Node Left, Node Right) : Node;

    internal sealed record Not(Node Operand) : Node;

    /// <summary>Operator: a comparison symbol, "BETWEEN", "IN" or "LIKE"; operands: the left side first.</summary>
    internal sealed record Predicate(string Operator, Node[] Operands, bool Negated) : Node;

    // ---- Tokens ----

    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        Symbol,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                var start = i++;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException($"Unterminated string starting at position {start + 1}.");
                    }
                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(text[i++]);
                }
                tokens.Add(new Token(TokenKind.String, value.ToString(), start));
            }
            else if (char.IsAsciiDigit(c) || (c is '-' or '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or 'e' or 'E'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
            }
            else if (c is '`' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw new FormatException($"Unterminated quoted name starting at position {i + 1}.");
                }
                tokens.Add(new Token(TokenKind.Identifier, text[(i + 1)..end], i));
                i = end + 1;
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "<>" or "!=" or "<=" or ">=")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, i));
                    i += 2;
                }
                else if (c is '=' or '<' or '>' or '(' or ')' or ',')
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), i));
                    i++;
                }
                else
                {
                    throw new FormatException($"Unexpected character '{c}' at position {i + 1}.");
                }
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private sealed class Parser(List<Token> tokens, string text)
    {
        private int _next;

        private Token Peek => tokens[_next];

        public void ExpectEnd()
        {
            if (Peek.Kind != TokenKind.End)
            {
                throw Error("end of expression");
            }
        }

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (IsKeyword("OR"))
            {
                _next++;
                left = new Logical(false, left, ParseAnd());
            }
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseNot();
            while (IsKeyword("AND"))
            {
                _next++;
                left = new Logical(true, left, ParseNot());
            }
            return left;
        }

        private Node ParseNot()
        {
            if (IsKeyword("NOT"))
            {
                _next++;
                return new Not(ParseNot());
            }
            if (IsSymbol("("))
            {
                _next++;
                var inner = ParseOr();
                Expect(")");
                return inner;
            }
            return ParsePredicate();
        }

        private Node ParsePredicate()
        {
            var left = ParseOperand();
            var negated = false;
            if (IsKeyword("NOT"))
            {
                _next++;
                negated = true;
            }
            if (IsKeyword("BETWEEN"))
            {
                _next++;
                var low = ParseOperand();
                if (!IsKeyword("AND"))
                {
                    throw Error("AND");
                }
                _next++;
                return new Predicate("BETWEEN", [left, low, ParseOperand()], negated);
            }
            if (IsKeyword("IN"))
            {
                _next++;
                Expect("(");
                var operands = new List<Node> { left, ParseOperand() };
                while (IsSymbol(","))
                {
                    _next++;
                    operands.Add(ParseOperand());
                }
                Expect(")");
                return new Predicate("IN", [.. operands], negated);
            }
            if (IsKeyword("LIKE"))
            {
                _next++;
                return new Predicate("LIKE", [left, ParseOperand()], negated);
            }
            if (negated)
            {
                throw Error("BETWEEN, IN or LIKE");
            }
            if (Peek.Kind == TokenKind.Symbol && Peek.Text is "=" or "<>" or "!=" or "<" or ">" or "<=" or ">=")
            {
                var op = tokens[_next++].Text;
                return new Predicate(op == "!=" ? "<>" : op, [left, ParseOperand()], false);
            }
            throw Error("a comparison");
        }

        private Node ParseOperand()
        {
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.String:
                    _next++;
                    return new Literal(token.Text, false);
                case TokenKind.Number:
                    _next++;
                    return new Literal(token.Text, true);
                case TokenKind.Identifier when !IsReserved(token.Text):
                    _next++;
                    return new Key(token.Text);
                default:
                    throw Error("a partition key or a value");
            }
        }

        private static bool IsReserved(string word) =>
            word.ToUpperInvariant() is "AND" or "OR" or "NOT" or "IN" or "BETWEEN" or "LIKE";

        private bool IsKeyword(string word) => Peek.Kind == TokenKind.Identifier && string.Equals(Peek.Text, word, StringComparison.OrdinalIgnoreCase);

        private bool IsSymbol(string symbol) => Peek.Kind == TokenKind.Symbol && Peek.Text == symbol;

        private void Expect(string symbol)
        {
            if (!IsSymbol(symbol))
            {
                throw Error("'" + symbol + "'");
            }
            _next++;
        }

        private FormatException Error(string expected)
        {
            var token = Peek;
            var found = token.Kind == TokenKind.End ? "the end" : "'" + token.Text + "'";
            return new FormatException($"Syntax error in expression '{text}' at position {token.Position + 1}: expected {expected}, found {found}.");
        }
    }

    /// <summary>Shared with <see cref="BoundPartitionExpression"/>: evaluates a node over one partition's values.</summary>
    internal static bool Evaluate(Node node, IReadOnlyList<string> values, Dictionary<string, (int Index, bool Numeric)> keys) => node switch
    {
        Logical { IsAnd: true } l => Evaluate(l.Left, values, keys) && Evaluate(l.Right, values, keys),
        Logical l => Evaluate(l.Left, values, keys) || Evaluate(l.Right, values, keys),
        Not n => !Evaluate(n.Operand, values, keys),
        Predicate p => p.Negated != EvaluatePredicate(p, values, keys),
        _ => throw new FormatException("A partition key or value is not a condition."),
    };

    private static bool EvaluatePredicate(Predicate predicate, IReadOnlyList<string> values, Dictionary<string, (int Index, bool Numeric)> keys)
    {
        // A comparison is numeric when a numeric key takes part in it.
        var numeric = predicate.Operands.Any(o => o is Key k && keys[k.Name].Numeric);
        string Value(Node operand) => operand switch
        {
            Key k => values[keys[k.Name].Index],
            Literal l => l.Text,
            _ => "",
        };
        int Compare(Node a, Node b)
        {
            var left = Value(a);
            var right = Value(b);
            if (numeric && decimal.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && decimal.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            {
                return x.CompareTo(y);
            }
            return string.CompareOrdinal(left, right);
        }
        var operands = predicate.Operands;
        return predicate.Operator switch
        {
            "=" => Compare(operands[0], operands[1]) == 0,
            "<>" => Compare(operands[0], operands[1]) != 0,
            "<" => Compare(operands[0], operands[1]) < 0,
            ">" => Compare(operands[0], operands[1]) > 0,
            "<=" => Compare(operands[0], operands[1]) <= 0,
            ">=" => Compare(operands[0], operands[1]) >= 0,
            "BETWEEN" => Compare(operands[0], operands[1]) >= 0 && Compare(operands[0], operands[2]) <= 0,
            "IN" => operands.Skip(1).Any(o => Compare(operands[0], o) == 0),
            "LIKE" => LikePattern(Value(operands[1])).IsMatch(Value(operands[0])),
            _ => false,
        };
    }

    /// <summary>SQL LIKE as an anchored regular expression: % any run, _ one character, everything else literal.</summary>
    internal static Regex LikePattern(string pattern)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c switch
            {
                '%' => ".*",
                '_' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}

/// <summary>A <see cref="PartitionExpression"/> resolved against a table's partition keys. Thread-safe.</summary>
public sealed class BoundPartitionExpression
{
    private readonly PartitionExpression.Node _root;
    private readonly Dictionary<string, (int Index, bool Numeric)> _keys;

    internal BoundPartitionExpression(PartitionExpression.Node root, Dictionary<string, (int Index, bool Numeric)> keys)
    {
        _root = root;
        _keys = keys;
    }

    /// <summary>Whether a partition with these values (in partition-key order) satisfies the expression.</summary>
    public bool Matches(IReadOnlyList<string> values) => PartitionExpression.Evaluate(_root, values, _keys);
}
