using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Tributary.Kafka.Security;

/// <summary>
/// Kafka's <c>ssl.principal.mapping.rules</c> (KIP-371): how a client certificate's subject becomes the name of the
/// principal <c>User:NAME</c> on an SSL listener. Rules are tried in order: <c>RULE:pattern/replacement/</c> applies when
/// the pattern matches the whole distinguished name (RFC 2253 form, as Java's X500Principal writes it:
/// <c>CN=alice,OU=eng,O=Example,C=US</c>) and gives the name with <c>$1</c>… replaced, lowercased with a trailing
/// <c>L</c> or uppercased with <c>U</c>; <c>DEFAULT</c> gives the distinguished name itself. A name no rule matches is
/// refused (Kafka fails the authentication). Immutable; thread-safe.
/// </summary>
public sealed class SslPrincipalMapper
{
    private readonly IReadOnlyList<Rule> _rules;

    private SslPrincipalMapper(IReadOnlyList<Rule> rules) => _rules = rules;

    public static SslPrincipalMapper Default { get; } = new([new Rule(null, "", ' ')]);

    /// <summary>Parses the rules; a malformed list is a FormatException saying where.</summary>
    public static SslPrincipalMapper Parse(string text)
    {
        var rules = new List<Rule>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
            {
                i++;
            }
            if (i >= text.Length)
            {
                break;
            }
            if (string.CompareOrdinal(text, i, "DEFAULT", 0, 7) == 0)
            {
                rules.Add(new Rule(null, "", ' '));
                i += 7;
            }
            else if (string.CompareOrdinal(text, i, "RULE:", 0, 5) == 0)
            {
                i += 5;
                var pattern = UntilSlash(text, ref i);
                var replacement = UntilSlash(text, ref i);
                var flag = i < text.Length && text[i] is 'L' or 'U' ? text[i++] : ' ';
                Regex regex;
                try
                {
                    regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"RULE:{pattern}/ is not a valid regular expression: {e.Message}");
                }
                rules.Add(new Rule(regex, replacement, flag));
            }
            else
            {
                throw new FormatException($"expected DEFAULT or RULE:pattern/replacement/[LU] at '{text[i..]}'");
            }
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            if (i < text.Length && text[i] != ',')
            {
                throw new FormatException($"expected a comma before '{text[i..]}'");
            }
        }
        return rules.Count == 0 ? Default : new SslPrincipalMapper(rules);
    }

    /// <summary>The principal's name for a distinguished name, or null when no rule applies.</summary>
    public string? Map(string distinguishedName)
    {
        foreach (var rule in _rules)
        {
            if (rule.Pattern is null)
            {
                return distinguishedName;
            }
            if (rule.Pattern.Match(distinguishedName) is { Success: true } match && match.Index == 0 && match.Length == distinguishedName.Length)
            {
                var name = rule.Pattern.Replace(distinguishedName, rule.Replacement);
                return rule.Case switch
                {
                    'L' => name.ToLowerInvariant(),
                    'U' => name.ToUpperInvariant(),
                    _ => name,
                };
            }
        }
        return null;
    }

    /// <summary>
    /// A certificate subject in RFC 2253 form as Java's <c>X500Principal.getName()</c> writes it: the most specific
    /// attribute first, no spaces after commas, CN/C/L/ST/O/OU/STREET/DC/UID by keyword and other attributes by OID,
    /// the characters <c>,+"\&lt;&gt;;</c> (and a leading <c>#</c> or space, a trailing space) escaped with a backslash.
    /// </summary>
    public static string DistinguishedName(X500DistinguishedName subject)
    {
        var text = new StringBuilder();
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }
            var oid = rdn.GetSingleElementType().Value ?? "";
            text.Append(oid switch
            {
                "2.5.4.3" => "CN",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.9" => "STREET",
                "0.9.2342.19200300.100.1.25" => "DC",
                "0.9.2342.19200300.100.1.1" => "UID",
                _ => oid,
            }).Append('=');
            var value = rdn.GetSingleElementValue() ?? "";
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
                {
                    text.Append('\\');
                }
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>Text up to the next slash not escaped with a backslash (the backslash stays: it is the regex's).</summary>
    private static string UntilSlash(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] != '/')
        {
            i += text[i] == '\\' ? 2 : 1;
        }
        if (i >= text.Length)
        {
            throw new FormatException($"RULE:… needs pattern/replacement/ ending in a slash, at '{text[start..]}'");
        }
        return text[start..i++].Replace("\\/", "/", StringComparison.Ordinal);
    }

    private sealed record Rule(Regex? Pattern, string Replacement, char Case);
}
