using System.Text;

namespace Tributary.Connect.Datagen.Avro;

/// <summary>
/// Makes strings that match a regular expression, for datagen's <c>regex</c> hint (<c>User_[1-9]{0,1}</c>,
/// <c>BYOC_Item_[1-9][0-9]{0,2}</c>). Supported: literals and escapes (<c>\d \w \s</c>, <c>\.</c> …), <c>.</c>
/// (a printable ASCII character), classes <c>[a-z0-9_]</c> and negated classes over printable ASCII, groups
/// <c>( )</c> and <c>(?: )</c> with alternation <c>|</c>, quantifiers <c>? * + {n} {m,} {m,n}</c> (unbounded ones
/// repeat at most <see cref="UnboundedLimit"/> extra times); anchors <c>^ $</c> are ignored. Anything else (lookarounds,
/// back-references) is a <see cref="FormatException"/> when the schema is read. Immutable once parsed.
/// </summary>
public sealed class RegexGenerator
{
    public const int UnboundedLimit = 8;

    private static readonly char[] Printable = [.. Enumerable.Range(32, 95).Select(c => (char)c)];
    private static readonly char[] Letters = [.. "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];

    private readonly Node _root;

    private RegexGenerator(Node root) => _root = root;

    public static RegexGenerator Parse(string pattern)
    {
        var position = 0;
        var root = ParseAlternation(pattern, ref position);
        if (position < pattern.Length)
        {
            throw new FormatException($"unexpected '{pattern[position]}' at {position + 1}");
        }
        return new RegexGenerator(root);
    }

    public string Generate(Random random)
    {
        var output = new StringBuilder();
        _root.Append(output, random);
        return output.ToString();
    }

    internal static string RandomLetters(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Letters[random.Next(Letters.Length)];
        }
        return new string(chars);
    }

    private static Node ParseAlternation(string p, ref int i)
    {
        var branches = new List<Node> { ParseSequence(p, ref i) };
        while (i < p.Length && p[i] == '|')
        {
            i++;
            branches.Add(ParseSequence(p, ref i));
        }
        return branches.Count == 1 ? branches[0] : new Choice([.. branches]);
    }

    private static Node ParseSequence(string p, ref int i)
    {
        var items = new List<Node>();
        while (i < p.Length && p[i] is not ('|' or ')'))
        {
            var atom = ParseAtom(p, ref i);
            items.Add(ParseQuantifier(p, ref i, atom));
        }
        return new Sequence([.. items]);
    }

    private static Node ParseAtom(string p, ref int i)
    {
        var c = p[i++];
        switch (c)
        {
            case '(':
                if (i < p.Length && p[i] == '?')
                {
                    if (i + 1 < p.Length && p[i + 1] == ':')
                    {
                        i += 2;
                    }
                    else
                    {
                        throw new FormatException($"group construct '(?{(i + 1 < p.Length ? p[i + 1] : ' ')}' at {i} is not supported");
                    }
                }
                var inner = ParseAlternation(p, ref i);
                if (i >= p.Length || p[i] != ')')
                {
                    throw new FormatException("unclosed group");
                }
                i++;
                return inner;
            case '[':
                return ParseClass(p, ref i);
            case '.':
                return new CharSet(Printable);
            case '^' or '$':
                return new Sequence([]);
            case '\\':
                return ParseEscape(p, ref i, inClass: false);
            case '*' or '+' or '?' or '{':
                throw new FormatException($"quantifier '{c}' at {i} follows nothing");
            default:
                return new Literal(c);
        }
    }

    private static Node ParseEscape(string p, ref int i, bool inClass)
    {
        if (i >= p.Length)
        {
            throw new FormatException("pattern ends with '\\'");
        }
        var c = p[i++];
        return c switch
        {
            'd' => new CharSet([.. "0123456789"]),
            'w' => new CharSet([.. "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"]),
            's' => new CharSet([' ']),
            'n' => new Literal('\n'),
            't' => new Literal('\t'),
            _ when char.IsAsciiDigit(c) && !inClass => throw new FormatException($"back-reference '\\{c}' is not supported"),
            _ when char.IsAsciiLetter(c) => throw new FormatException($"escape '\\{c}' is not supported"),
            _ => new Literal(c),
        };
    }

    private static Node ParseClass(string p, ref int i)
    {
        var negated = i < p.Length && p[i] == '^';
        if (negated)
        {
            i++;
        }
        var members = new HashSet<char>();
        var first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            char low;
            if (p[i] == '\\')
            {
                i++;
                var escaped = ParseEscape(p, ref i, inClass: true);
                if (escaped is CharSet set)
                {
                    members.UnionWith(set.Chars);
                    continue;
                }
                low = ((Literal)escaped).Char;
            }
            else
            {
                low = p[i++];
            }
            if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']')
            {
                var high = p[i + 1];
                i += 2;
                if (high < low)
                {
                    throw new FormatException($"range {low}-{high} is out of order");
                }
                for (var ch = low; ch <= high; ch++)
                {
                    members.Add(ch);
                }
            }
            else
            {
                members.Add(low);
            }
        }
        if (i >= p.Length)
        {
            throw new FormatException("unclosed character class");
        }
        i++;
        var chars = negated ? Printable.Where(ch => !members.Contains(ch)).ToArray() : [.. members.Order()];
        return chars.Length == 0 ? throw new FormatException("empty character class") : new CharSet(chars);
    }

    private static Node ParseQuantifier(string p, ref int i, Node atom)
    {
        if (i >= p.Length)
        {
            return atom;
        }
        int min, max;
        switch (p[i])
        {
            case '?':
                (min, max) = (0, 1);
                i++;
                break;
            case '*':
                (min, max) = (0, UnboundedLimit);
                i++;
                break;
            case '+':
                (min, max) = (1, 1 + UnboundedLimit);
                i++;
                break;
            case '{':
                var close = p.IndexOf('}', i);
                if (close < 0)
                {
                    throw new FormatException("unclosed '{'");
                }
                var body = p[(i + 1)..close].Split(',');
                if (body.Length > 2 || !int.TryParse(body[0], out min) || min < 0)
                {
                    throw new FormatException($"bad quantifier '{p[i..(close + 1)]}'");
                }
                max = body.Length == 1 ? min : body[1].Length == 0 ? min + UnboundedLimit : int.TryParse(body[1], out var m) && m >= min ? m
                    : throw new FormatException($"bad quantifier '{p[i..(close + 1)]}'");
                i = close + 1;
                break;
            default:
                return atom;
        }
        // A lazy or possessive marker changes nothing for generation.
        if (i < p.Length && p[i] is '?' or '+')
        {
            i++;
        }
        return new Repeat(atom, min, max);
    }

    private abstract class Node
    {
        public abstract void Append(StringBuilder output, Random random);
    }

    private sealed class Literal(char c) : Node
    {
        public char Char => c;

        public override void Append(StringBuilder output, Random random) => output.Append(c);
    }

    private sealed class CharSet(char[] chars) : Node
    {
        public char[] Chars => chars;

        public override void Append(StringBuilder output, Random random) => output.Append(chars[random.Next(chars.Length)]);
    }

    private sealed class Sequence(Node[] items) : Node
    {
        public override void Append(StringBuilder output, Random random)
        {
            foreach (var item in items)
            {
                item.Append(output, random);
            }
        }
    }

    private sealed class Choice(Node[] branches) : Node
    {
        public override void Append(StringBuilder output, Random random) => branches[random.Next(branches.Length)].Append(output, random);
    }

    private sealed class Repeat(Node atom, int min, int max) : Node
    {
        public override void Append(StringBuilder output, Random random)
        {
            var count = random.Next(min, max + 1);
            for (var i = 0; i < count; i++)
            {
                atom.Append(output, random);
            }
        }
    }
}
