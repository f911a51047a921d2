using System.Globalization;
using System.Text;
using Tributary.Jq.Runtime;

namespace Tributary.Jq.Syntax;

/// <summary>
/// Recursive-descent parser for jq 1.6 with the precedence of jq's grammar, lowest first:
/// <c>|</c> (right), <c>,</c>, <c>//</c> (right), assignments (non-associative), <c>or</c>, <c>and</c>,
/// comparisons (non-associative), <c>+ -</c>, <c>* / %</c>, then postfix terms. <c>Term as $x | body</c>,
/// <c>def</c> and <c>label</c> take the whole rest of the pipe as their body. Object values are jq's restricted
/// "ExpD" (terms joined by <c>|</c>, optionally negated), so <c>{a: 1 + 2}</c> is a syntax error as in jq.
/// Function names are resolved while parsing (innermost definition first, then jq-defined builtins, then natives);
/// an unknown function or variable is a syntax-time error, as in jq.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Keywords =
    [
        "def", "if", "then", "elif", "else", "end", "as", "reduce", "foreach", "try", "catch", "label",
        "import", "include", "and", "or", "__loc__",
    ];

    private readonly string _text;
    private int _position;
    private Token? _peeked;
    private Scope _scope;

    private Parser(string text, Scope scope)
    {
        _text = text;
        _scope = scope;
    }

    public static Node ParseProgram(string text) => Parse(text, Prelude.Scope);

    /// <summary>Parses a program whose function definitions are resolved in <paramref name="scope"/>.</summary>
    public static Node Parse(string text, Scope scope)
    {
        var parser = new Parser(text, scope);
        var node = parser.ParsePipe();
        var token = parser.Peek();
        if (token.Kind != TokenKind.End)
            throw parser.Error("syntax error, unexpected " + token.Describe(), token.Position);
        return node;
    }

    /// <summary>Parses a list of definitions (the prelude), returning them in order; they stay in <paramref name="scope"/>.</summary>
    public static List<FunctionDefinition> ParseDefinitions(string text, Scope scope)
    {
        var parser = new Parser(text, scope);
        var definitions = new List<FunctionDefinition>();
        while (parser.Peek().Is("def"))
        {
            var definition = parser.ParseDefinition();
            definitions.Add(definition);
        }
        if (parser.Peek().Kind != TokenKind.End)
            throw parser.Error("syntax error in definitions", parser.Peek().Position);
        return definitions;
    }

    private JqException Error(string message, int position)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        var lineStart = position <= 0 ? 0 : _text.LastIndexOf('\n', Math.Min(position, _text.Length) - 1) + 1;
        var lineEnd = _text.IndexOf('\n', lineStart);
        var lineText = lineEnd < 0 ? _text[lineStart..] : _text[lineStart..lineEnd];
        return new JqException(message + " at line " + line.ToString(CultureInfo.InvariantCulture) + ", column "
            + column.ToString(CultureInfo.InvariantCulture) + ": " + lineText);
    }

    // ---- Expressions ----

    private Node ParsePipe()
    {
        var token = Peek();
        if (token.Is("def"))
        {
            var outer = _scope;
            _scope = new Scope(outer);
            try
            {
                var definition = ParseDefinition();
                var rest = ParsePipe();
                return new DefineNode(definition, rest);
            }
            finally
            {
                _scope = outer;
            }
        }
        if (token.Is("label"))
        {
            Next();
            var name = Expect(TokenKind.Variable).Text;
            ExpectOp("|");
            var outer = _scope;
            _scope = new Scope(outer);
            _scope.Labels.Add(name);
            try
            {
                return new LabelNode(name, ParsePipe());
            }
            finally
            {
                _scope = outer;
            }
        }
        var left = ParseComma();
        if (Peek().IsOp("|"))
        {
            Next();
            return new PipeNode(left, ParsePipe());
        }
        return left;
    }

    private FunctionDefinition ParseDefinition()
    {
        Next();
        var nameToken = Next();
        if (nameToken.Kind is not (TokenKind.Identifier or TokenKind.Keyword))
            throw Error("syntax error, unexpected " + nameToken.Describe() + ", expecting IDENT", nameToken.Position);
        var parameters = new List<(string Name, bool IsValue)>();
        if (Peek().IsOp("("))
        {
            Next();
            while (true)
            {
                var parameter = Next();
                if (parameter.Kind == TokenKind.Variable)
                    parameters.Add((parameter.Text, true));
                else if (parameter.Kind is TokenKind.Identifier or TokenKind.Keyword)
                    parameters.Add((parameter.Text, false));
                else
                    throw Error("syntax error, unexpected " + parameter.Describe() + " in parameter list", parameter.Position);
                if (Peek().IsOp(";"))
                {
                    Next();
                    continue;
                }
                ExpectOp(")");
                break;
            }
        }
        ExpectOp(":");
        var definition = new FunctionDefinition(nameToken.Text, parameters);
        _scope.Functions[nameToken.Text + "/" + parameters.Count.ToString(CultureInfo.InvariantCulture)] = definition;
        var outer = _scope;
        _scope = new Scope(outer);
        foreach (var (name, isValue) in parameters)
        {
            _scope.Parameters.Add(name);
            if (isValue)
                _scope.Variables.Add(name);
        }
        try
        {
            definition.Body = ParsePipe();
        }
        finally
        {
            _scope = outer;
        }
        ExpectOp(";");
        return definition;
    }

    private Node ParseComma()
    {
        var left = ParseAlternative();
        while (Peek().IsOp(","))
        {
            Next();
            left = new CommaNode(left, ParseAlternative());
        }
        return left;
    }

    private Node ParseAlternative()
    {
        var left = ParseAssignment();
        if (Peek().IsOp("//"))
        {
            Next();
            return new AlternativeNode(left, ParseAlternative());
        }
        return left;
    }

    private Node ParseAssignment()
    {
        var left = ParseOr();
        var token = Peek();
        if (token.Kind != TokenKind.Operator)
            return left;
        switch (token.Text)
        {
            case "=":
                Next();
                return new AssignNode(left, ParseAlternativeOperand());
            case "|=":
                Next();
                return new UpdateNode(left, ParseAlternativeOperand());
            case "+=" or "-=" or "*=" or "/=" or "%=":
                Next();
                return new ArithmeticUpdateNode(left, token.Text[0], ParseAlternativeOperand());
            case "//=":
                Next();
                return new AlternativeUpdateNode(left, ParseAlternativeOperand());
            default:
                return left;
        }
    }

    // The right side of an assignment binds tighter than '//' (jq: ".a = 1 // 2" is "(.a = 1) // 2").
    private Node ParseAlternativeOperand() => ParseOr();

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (Peek().Is("or"))
        {
            Next();
            left = new OrNode(left, ParseAnd());
        }
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseComparison();
        while (Peek().Is("and"))
        {
            Next();
            left = new AndNode(left, ParseComparison());
        }
        return left;
    }

    private Node ParseComparison()
    {
        var left = ParseAdditive();
        var token = Peek();
        if (token.Kind == TokenKind.Operator && token.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            Next();
            var right = ParseAdditive();
            var next = Peek();
            if (next.Kind == TokenKind.Operator && next.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
                throw Error("syntax error, unexpected " + next.Describe(), next.Position);
            return new BinaryNode(token.Text, left, right);
        }
        return left;
    }

    private Node ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Peek().IsOp("+") || Peek().IsOp("-"))
        {
            var op = Next().Text;
            left = new BinaryNode(op, left, ParseMultiplicative());
        }
        return left;
    }

    private Node ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Peek().IsOp("*") || Peek().IsOp("/") || Peek().IsOp("%"))
        {
            var op = Next().Text;
            var right = ParseUnary();
            // jq folds "number / number" while compiling: 1/0 is a compile error there, 0/0 is nan.
            if (op == "/" && left is LiteralNode { Value: double dividend } && right is LiteralNode { Value: double divisor })
            {
                var quotient = dividend / divisor;
                if (double.IsInfinity(quotient))
                    throw Error("Division by zero?", _position);
                left = new LiteralNode(Values.Number(quotient));
                continue;
            }
            left = new BinaryNode(op, left, right);
        }
        return left;
    }

    private Node ParseUnary()
    {
        var token = Peek();
        if (token.IsOp("-"))
        {
            Next();
            return new NegateNode(ParseUnary());
        }
        if (token.Is("try"))
        {
            Next();
            var body = ParsePostfix();
            Node? handler = null;
            if (Peek().Is("catch"))
            {
                Next();
                handler = ParsePostfix();
            }
            return new TryNode(body, handler);
        }
        if (token.Is("def") || token.Is("label"))
            return ParsePipe();
        return ParsePostfix();
    }

    private Node ParsePostfix()
    {
        var term = ParsePrimary();
        while (true)
        {
            var token = Peek();
            if (token.Kind == TokenKind.Field)
            {
                Next();
                term = new IndexNode(term, new LiteralNode(token.Text));
            }
            else if (token.IsOp(".") && PeekCharAfterSpace() == '"')
            {
                Next();
                term = new IndexNode(term, ParseStringToken(null));
            }
            else if (token.IsOp("["))
            {
                term = ParseBracketSuffix(term);
            }
            else if (token.IsOp("?"))
            {
                Next();
                term = new TryNode(term, null);
            }
            else if (token.Is("as"))
            {
                Next();
                return ParseBinding(term);
            }
            else
            {
                return term;
            }
        }
    }

    private Node ParseBracketSuffix(Node term)
    {
        ExpectOp("[");
        if (Peek().IsOp("]"))
        {
            Next();
            return new IterateNode(term);
        }
        if (Peek().IsOp(":"))
        {
            Next();
            var upper = ParsePipe();
            ExpectOp("]");
            return new SliceNode(term, null, upper);
        }
        var index = ParsePipe();
        if (Peek().IsOp(":"))
        {
            Next();
            Node? upper = null;
            if (!Peek().IsOp("]"))
                upper = ParsePipe();
            ExpectOp("]");
            return new SliceNode(term, index, upper);
        }
        ExpectOp("]");
        return new IndexNode(term, index);
    }

    private Node ParseBinding(Node source)
    {
        var patterns = new List<Pattern> { ParsePattern() };
        while (Peek().IsOp("?//"))
        {
            Next();
            patterns.Add(ParsePattern());
        }
        ExpectOp("|");
        var outer = _scope;
        _scope = new Scope(outer);
        foreach (var pattern in patterns)
            pattern.CollectVariables(_scope.Variables);
        try
        {
            return new BindNode(source, patterns, ParsePipe());
        }
        finally
        {
            _scope = outer;
        }
    }

    private Pattern ParsePattern()
    {
        var token = Next();
        if (token.Kind == TokenKind.Variable)
            return new VariablePattern(token.Text);
        if (token.IsOp("["))
        {
            var elements = new List<Pattern>();
            if (Peek().IsOp("]"))
                throw Error("syntax error, unexpected ']'", Peek().Position);
            while (true)
            {
                elements.Add(ParsePattern());
                if (Peek().IsOp(","))
                {
                    Next();
                    continue;
                }
                ExpectOp("]");
                return new ArrayPattern(elements);
            }
        }
        if (token.IsOp("{"))
        {
            var entries = new List<ObjectPatternEntry>();
            while (true)
            {
                var key = Next();
                if (key.Kind == TokenKind.Variable)
                {
                    Pattern? inner = null;
                    if (Peek().IsOp(":"))
                    {
                        Next();
                        inner = ParsePattern();
                    }
                    entries.Add(new ObjectPatternEntry(new LiteralNode(key.Text), key.Text, inner));
                }
                else
                {
                    Node keyNode;
                    if (key.Kind is TokenKind.Identifier or TokenKind.Keyword)
                        keyNode = new LiteralNode(key.Text);
                    else if (key.Kind == TokenKind.String)
                        keyNode = ParseStringBody(null);
                    else if (key.IsOp("("))
                    {
                        keyNode = ParsePipe();
                        ExpectOp(")");
                    }
                    else
                        throw Error("syntax error, unexpected " + key.Describe() + " in object pattern", key.Position);
                    ExpectOp(":");
                    entries.Add(new ObjectPatternEntry(keyNode, null, ParsePattern()));
                }
                if (Peek().IsOp(","))
                {
                    Next();
                    continue;
                }
                ExpectOp("}");
                return new ObjectPattern(entries);
            }
        }
        throw Error("syntax error, unexpected " + token.Describe() + ", expecting '$' or '[' or '{'", token.Position);
    }

    private Node ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new LiteralNode(Values.Number(token.Number));
            case TokenKind.String:
                return ParseStringBody(null);
            case TokenKind.Format:
                if (PeekCharAfterSpace() == '"')
                {
                    Expect(TokenKind.String);
                    return ParseStringBody(token.Text);
                }
                return new FormatNode(token.Text);
            case TokenKind.Field:
                return new IndexNode(new IdentityNode(), new LiteralNode(token.Text));
            case TokenKind.Variable:
                return ParseVariable(token);
            case TokenKind.Identifier:
                switch (token.Text)
                {
                    case "null": return new LiteralNode(null);
                    case "true": return new LiteralNode(Values.True);
                    case "false": return new LiteralNode(Values.False);
                }
                return ParseCall(token);
            case TokenKind.Keyword:
                return ParseKeywordTerm(token);
            case TokenKind.Operator:
                switch (token.Text)
                {
                    case ".":
                        if (PeekCharAfterSpace() == '"')
                            return new IndexNode(new IdentityNode(), ParseStringToken(null));
                        return new IdentityNode();
                    case "..":
                        return new RecurseNode();
                    case "(":
                        {
                            var inner = ParsePipe();
                            ExpectOp(")");
                            return inner;
                        }
                    case "[":
                        {
                            if (Peek().IsOp("]"))
                            {
                                Next();
                                return new ArrayNode(null);
                            }
                            var inner = ParsePipe();
                            ExpectOp("]");
                            return new ArrayNode(inner);
                        }
                    case "{":
                        return ParseObject();
                    case "-":
                        return new NegateNode(ParsePostfix());
                }
                break;
        }
        throw Error("syntax error, unexpected " + token.Describe(), token.Position);
    }

    private Node ParseVariable(Token token)
    {
        if (token.Text == "__loc__")
        {
            var line = 1;
            for (var i = 0; i < token.Position; i++)
            {
                if (_text[i] == '\n')
                    line++;
            }
            return new LiteralNode(new JqObject { ["file"] = "<top-level>", ["line"] = Values.Number(line) });
        }
        if (token.Text == "ENV" && !_scope.HasVariable("ENV"))
            return new LiteralNode(new JqObject());
        if (!_scope.HasVariable(token.Text))
            throw Error("$" + token.Text + " is not defined", token.Position);
        return new VariableNode(token.Text);
    }

    private Node ParseKeywordTerm(Token token)
    {
        switch (token.Text)
        {
            case "if":
                {
                    var condition = ParsePipe();
                    Expect("then");
                    var then = ParsePipe();
                    var next = Next();
                    if (next.Is("elif"))
                    {
                        // "elif" is an "if" nested in the else branch, sharing its "end".
                        var rest = ParseKeywordTermElif();
                        return new IfNode(condition, then, rest);
                    }
                    if (!next.Is("else"))
                        throw Error("syntax error, unexpected " + next.Describe() + " (jq 1.6 requires 'else')", next.Position);
                    var otherwise = ParsePipe();
                    Expect("end");
                    return new IfNode(condition, then, otherwise);
                }
            case "reduce":
                {
                    var source = ParsePostfixNoBinding();
                    Expect("as");
                    var pattern = ParsePattern();
                    ExpectOp("(");
                    var init = ParsePipe();
                    ExpectOp(";");
                    var outer = _scope;
                    _scope = new Scope(outer);
                    pattern.CollectVariables(_scope.Variables);
                    try
                    {
                        var update = ParsePipe();
                        ExpectOp(")");
                        return new ReduceNode(source, pattern, init, update);
                    }
                    finally
                    {
                        _scope = outer;
                    }
                }
            case "foreach":
                {
                    var source = ParsePostfixNoBinding();
                    Expect("as");
                    var pattern = ParsePattern();
                    ExpectOp("(");
                    var init = ParsePipe();
                    ExpectOp(";");
                    var outer = _scope;
                    _scope = new Scope(outer);
                    pattern.CollectVariables(_scope.Variables);
                    try
                    {
                        var update = ParsePipe();
                        Node? extract = null;
                        if (Peek().IsOp(";"))
                        {
                            Next();
                            extract = ParsePipe();
                        }
                        ExpectOp(")");
                        return new ForeachNode(source, pattern, init, update, extract);
                    }
                    finally
                    {
                        _scope = outer;
                    }
                }
            case "try":
                {
                    var body = ParsePostfix();
                    Node? handler = null;
                    if (Peek().Is("catch"))
                    {
                        Next();
                        handler = ParsePostfix();
                    }
                    return new TryNode(body, handler);
                }
            case "def" or "label":
                throw Error("syntax error, unexpected " + token.Describe() + " (put the definition in parentheses)", token.Position);
            case "__loc__":
                break;
        }
        throw Error("syntax error, unexpected " + token.Describe(), token.Position);
    }

    private Node ParseKeywordTermElif()
    {
        var condition = ParsePipe();
        Expect("then");
        var then = ParsePipe();
        var next = Next();
        if (next.Is("elif"))
            return new IfNode(condition, then, ParseKeywordTermElif());
        if (!next.Is("else"))
            throw Error("syntax error, unexpected " + next.Describe() + " (jq 1.6 requires 'else')", next.Position);
        var otherwise = ParsePipe();
        Expect("end");
        return new IfNode(condition, then, otherwise);
    }

    // The source of reduce/foreach is a postfix term; its "as" belongs to reduce/foreach.
    private Node ParsePostfixNoBinding()
    {
        var term = ParsePrimary();
        while (true)
        {
            var token = Peek();
            if (token.Kind == TokenKind.Field)
            {
                Next();
                term = new IndexNode(term, new LiteralNode(token.Text));
            }
            else if (token.IsOp(".") && PeekCharAfterSpace() == '"')
            {
                Next();
                term = new IndexNode(term, ParseStringToken(null));
            }
            else if (token.IsOp("["))
            {
                term = ParseBracketSuffix(term);
            }
            else if (token.IsOp("?"))
            {
                Next();
                term = new TryNode(term, null);
            }
            else
            {
                return term;
            }
        }
    }

    private Node ParseCall(Token name)
    {
        if (name.Text == "break" && Peek().Kind == TokenKind.Variable)
        {
            var label = Next();
            if (!_scope.HasLabel(label.Text))
                throw Error("$*label-" + label.Text + " is not defined", label.Position);
            return new BreakNode(label.Text);
        }
        var arguments = new List<Node>();
        if (Peek().IsOp("("))
        {
            Next();
            while (true)
            {
                arguments.Add(ParsePipe());
                if (Peek().IsOp(";"))
                {
                    Next();
                    continue;
                }
                ExpectOp(")");
                break;
            }
        }
        var key = name.Text + "/" + arguments.Count.ToString(CultureInfo.InvariantCulture);
        for (var scope = _scope; scope is not null; scope = scope.Parent)
        {
            if (scope.Functions.TryGetValue(key, out var definition))
                return new CallNode(definition, arguments);
            if (arguments.Count == 0 && scope.Parameters.Contains(name.Text))
                return new ParameterCallNode(name.Text);
        }
        if (name.Text == "break" && arguments.Count == 0)
            throw Error("syntax error: break requires a label ($name)", name.Position);
        var native = Natives.Create(name.Text, arguments);
        if (native is not null)
            return native;
        throw Error(key + " is not defined", name.Position);
    }

    private Node ParseObject()
    {
        var entries = new List<(Node Key, Node Value)>();
        if (Peek().IsOp("}"))
        {
            Next();
            return new ObjectNode(entries);
        }
        while (true)
        {
            var token = Next();
            Node key;
            Node? value = null;
            switch (token.Kind)
            {
                case TokenKind.Variable:
                    if (token.Text == "__loc__")
                        throw Error("syntax error, unexpected '$__loc__' in object construction", token.Position);
                    else
                    {
                        key = new LiteralNode(token.Text);
                        value = ParseVariable(token);
                    }
                    break;
                case TokenKind.Identifier or TokenKind.Keyword:
                    key = new LiteralNode(token.Text);
                    if (!Peek().IsOp(":"))
                        value = new IndexNode(new IdentityNode(), key);
                    break;
                case TokenKind.String:
                    key = ParseStringBody(null);
                    if (!Peek().IsOp(":"))
                        value = new IndexNode(new IdentityNode(), key);
                    break;
                case TokenKind.Format:
                    Expect(TokenKind.String);
                    key = ParseStringBody(token.Text);
                    if (!Peek().IsOp(":"))
                        value = new IndexNode(new IdentityNode(), key);
                    break;
                case TokenKind.Number:
                    key = new LiteralNode(Values.Number(token.Number));
                    break;
                default:
                    if (token.IsOp("("))
                    {
                        key = ParsePipe();
                        ExpectOp(")");
                        break;
                    }
                    throw Error("syntax error, unexpected " + token.Describe() + " in object construction", token.Position);
            }
            if (value is null)
            {
                ExpectOp(":");
                value = ParseObjectValue();
            }
            entries.Add((key, value));
            if (Peek().IsOp(","))
            {
                Next();
                continue;
            }
            ExpectOp("}");
            return new ObjectNode(entries);
        }
    }

    private Node ParseObjectValue()
    {
        Node left;
        if (Peek().IsOp("-"))
        {
            Next();
            left = new NegateNode(ParseObjectValue());
        }
        else
        {
            left = ParsePostfix();
        }
        if (Peek().IsOp("|"))
        {
            Next();
            return new PipeNode(left, ParseObjectValue());
        }
        return left;
    }

    // ---- Strings ----

    private Node ParseStringToken(string? format)
    {
        Expect(TokenKind.String);
        return ParseStringBody(format);
    }

    /// <summary>Reads a string literal's body right after its opening quote, with escapes and <c>\(...)</c>.</summary>
    private Node ParseStringBody(string? format)
    {
        var parts = new List<Node>();
        var literal = new StringBuilder();
        var start = _position - 1;
        while (true)
        {
            if (_position >= _text.Length)
                throw Error("unterminated string literal", start);
            var c = _text[_position++];
            if (c == '"')
                break;
            if (c != '\\')
            {
                literal.Append(c);
                continue;
            }
            if (_position >= _text.Length)
                throw Error("unterminated string literal", start);
            var escape = _text[_position++];
            switch (escape)
            {
                case '"': literal.Append('"'); break;
                case '\\': literal.Append('\\'); break;
                case '/': literal.Append('/'); break;
                case 'b': literal.Append('\b'); break;
                case 'f': literal.Append('\f'); break;
                case 'n': literal.Append('\n'); break;
                case 'r': literal.Append('\r'); break;
                case 't': literal.Append('\t'); break;
                case 'u':
                    {
                        if (_position + 4 > _text.Length
                            || !int.TryParse(_text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                            throw Error("invalid \\u escape in string literal", _position);
                        _position += 4;
                        literal.Append((char)code);
                        break;
                    }
                case '(':
                    {
                        if (literal.Length > 0)
                        {
                            parts.Add(new LiteralNode(Values.Sanitize(literal.ToString())));
                            literal.Clear();
                        }
                        var inner = ParsePipe();
                        ExpectOp(")");
                        parts.Add(new InterpolationNode(inner));
                        break;
                    }
                default:
                    throw Error("invalid escape \\" + escape + " in string literal", _position - 2);
            }
        }
        if (parts.Count == 0)
        {
            var text = Values.Sanitize(literal.ToString());
            return format is null ? new LiteralNode(text) : new StringTemplateNode([new LiteralNode(text)], format);
        }
        if (literal.Length > 0)
            parts.Add(new LiteralNode(Values.Sanitize(literal.ToString())));
        return new StringTemplateNode(parts, format);
    }

    // ---- Tokens ----

    // Looks past the current token (or the peeked one, whose text is already consumed) at the next character.
    private char PeekCharAfterSpace()
    {
        var position = _position;
        while (position < _text.Length && char.IsWhiteSpace(_text[position]))
            position++;
        return position < _text.Length ? _text[position] : '\0';
    }

    private Token Peek() => _peeked ??= Lex();

    private Token Next()
    {
        var token = Peek();
        _peeked = null;
        return token;
    }

    private Token Expect(TokenKind kind)
    {
        var token = Next();
        if (token.Kind != kind)
            throw Error("syntax error, unexpected " + token.Describe() + ", expecting " + kind, token.Position);
        return token;
    }

    private void Expect(string keyword)
    {
        var token = Next();
        if (!token.Is(keyword))
            throw Error("syntax error, unexpected " + token.Describe() + ", expecting " + keyword, token.Position);
    }

    private void ExpectOp(string op)
    {
        var token = Next();
        if (!token.IsOp(op))
            throw Error("syntax error, unexpected " + token.Describe() + ", expecting '" + op + "'", token.Position);
    }

    private static readonly string[] Operators =
    [
        "?//", "//=", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "//", "..",
        "|", ",", "+", "-", "*", "/", "%", "=", "<", ">", "(", ")", "[", "]", "{", "}", ":", ";", ".", "?",
    ];

    private Token Lex()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                    _position++;
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else
            {
                break;
            }
        }
        var start = _position;
        if (_position >= _text.Length)
            return new Token(TokenKind.End, "", start);
        var first = _text[_position];
        if (first == '"')
        {
            _position++;
            return new Token(TokenKind.String, "\"", start);
        }
        if (first == '.' && _position + 1 < _text.Length && IsIdentifierStart(_text[_position + 1]))
        {
            _position++;
            var name = ReadIdentifier(false);
            return new Token(TokenKind.Field, name, start);
        }
        if (char.IsAsciiDigit(first) || (first == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1])))
            return LexNumber(start);
        if (first == '$')
        {
            _position++;
            if (_position >= _text.Length || !IsIdentifierStart(_text[_position]))
                throw Error("syntax error, unexpected '$'", start);
            return new Token(TokenKind.Variable, ReadIdentifier(true), start);
        }
        if (first == '@')
        {
            _position++;
            if (_position >= _text.Length || !IsIdentifierStart(_text[_position]))
                throw Error("syntax error, unexpected '@'", start);
            return new Token(TokenKind.Format, ReadIdentifier(false), start);
        }
        if (IsIdentifierStart(first))
        {
            var name = ReadIdentifier(true);
            return new Token(Keywords.Contains(name) ? TokenKind.Keyword : TokenKind.Identifier, name, start);
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_text, _position, op, 0, op.Length) == 0)
            {
                _position += op.Length;
                return new Token(TokenKind.Operator, op, start);
            }
        }
        throw Error("syntax error, unexpected INVALID_CHARACTER '" + first + "'", start);
    }

    private Token LexNumber(int start)
    {
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            _position++;
        if (_position < _text.Length && _text[_position] == '.')
        {
            _position++;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
                _position++;
        }
        if (_position < _text.Length && _text[_position] is 'e' or 'E')
        {
            var mark = _position;
            _position++;
            if (_position < _text.Length && _text[_position] is '+' or '-')
                _position++;
            if (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
                    _position++;
            }
            else
            {
                _position = mark;
            }
        }
        var text = _text[start.._position];
        var number = double.Parse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
        return new Token(TokenKind.Number, text, start, number);
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private string ReadIdentifier(bool allowModules)
    {
        var start = _position;
        while (true)
        {
            while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
                _position++;
            if (allowModules && _position + 2 < _text.Length && _text[_position] == ':' && _text[_position + 1] == ':'
                && IsIdentifierStart(_text[_position + 2]))
            {
                _position += 2;
                continue;
            }
            return _text[start.._position];
        }
    }
}

internal enum TokenKind
{
    End,
    Identifier,
    Keyword,
    Field,
    Variable,
    Format,
    Number,
    String,
    Operator,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, double Number = 0)
{
    public bool Is(string keyword) => Kind == TokenKind.Keyword && Text == keyword;

    public bool IsOp(string op) => Kind == TokenKind.Operator && Text == op;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.Field => "FIELD ." + Text,
        TokenKind.Variable => "'$" + Text + "'",
        TokenKind.Format => "FORMAT @" + Text,
        TokenKind.String => "QQSTRING_START",
        _ => "'" + Text + "'",
    };
}

/// <summary>Names visible while parsing: functions (by name/arity), filter parameters, variables and labels.</summary>
internal sealed class Scope(Scope? parent)
{
    public Scope? Parent { get; } = parent;
    public Dictionary<string, FunctionDefinition> Functions { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Parameters { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Variables { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Labels { get; } = new(StringComparer.Ordinal);

    public bool HasVariable(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope.Variables.Contains(name))
                return true;
        }
        return false;
    }

    public bool HasLabel(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope.Labels.Contains(name))
                return true;
        }
        return false;
    }
}
