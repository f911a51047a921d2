using System.Text;

namespace Tributary.Client.Security;

/// <summary>
/// A <c>sasl.jaas.config</c> value as Kafka parses it (JaasConfig): <c>LoginModuleClass FLAG key=value ... ;</c> with
/// FLAG one of required, requisite, sufficient, optional and values bare or double-quoted (a backslash escapes the next
/// character). One login module, as Kafka requires of a client. Immutable.
/// </summary>
public sealed record JaasConfig(string LoginModule, IReadOnlyDictionary<string, string> Options)
{
    private static readonly string[] Flags = ["required", "requisite", "sufficient", "optional"];

    /// <summary>Parses the value; a malformed one is an <see cref="ArgumentException"/> saying what is wrong (never echoing a password).</summary>
    public static JaasConfig Parse(string text)
    {
        var tokens = Tokenize(text);
        if (tokens.Count < 3 || tokens[^1] != ";")
        {
            throw new ArgumentException("sasl.jaas.config must be 'LoginModuleClass required key=\"value\" ... ;' (ending in a semicolon)");
        }
        if (!Flags.Contains(tokens[1], StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"sasl.jaas.config: the login module's flag must be one of {string.Join(", ", Flags)}, not '{tokens[1]}'");
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 2;
        while (i < tokens.Count - 1)
        {
            if (i + 2 >= tokens.Count || tokens[i + 1] != "=" || tokens[i + 2] == ";")
            {
                throw new ArgumentException($"sasl.jaas.config: option '{tokens[i]}' must be key=value");
            }
            options[tokens[i]] = tokens[i + 2];
            i += 3;
        }
        if (tokens.Skip(i + 1).Any())
        {
            throw new ArgumentException("sasl.jaas.config holds more than one login module; a Kafka client takes one");
        }
        return new JaasConfig(tokens[0], options);
    }

    /// <summary>Words, quoted strings (unquoted), '=' and ';' as separate tokens.</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '=' or ';')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }
                    value.Append(text[i++]);
                }
                if (i >= text.Length)
                {
                    throw new ArgumentException("sasl.jaas.config has an unterminated quoted value");
                }
                i++;
                tokens.Add(value.ToString());
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('=' or ';' or '"'))
                {
                    i++;
                }
                tokens.Add(text[start..i]);
            }
        }
        return tokens;
    }

    public override string ToString() => $"{LoginModule} ({Options.Count} options, values hidden)";
}
