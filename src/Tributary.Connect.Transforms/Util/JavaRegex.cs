using System.Text;
using System.Text.RegularExpressions;
using Tributary.Connect.Config;

namespace Tributary.Connect.Transforms.Util;

/// <summary>
/// Java regular expressions on .NET's engine (the syntax users write in Connect configs — character classes, groups,
/// quantifiers, anchors, named groups — reads the same) and Java's <c>Matcher.replaceFirst</c> replacement syntax
/// (<c>$1</c>, <c>${name}</c>, backslash escapes) translated to .NET's.
/// </summary>
public static class JavaRegex
{
    /// <summary>Kafka's RegexValidator: "Invalid regex: …".</summary>
    public static IValidator Validator { get; } = Validators.Lambda((name, value) =>
    {
        if (value is not string text)
        {
            return null;
        }
        try
        {
            Compile(text);
            return null;
        }
        catch (ArgumentException e)
        {
            return "Invalid regex: " + e.Message;
        }
    }, "valid regex");

    public static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    /// <summary>Java's <c>matches()</c>: the whole input matches.</summary>
    public static bool Matches(Regex regex, string input) => WholeMatch(regex).IsMatch(input);

    /// <summary>
    /// Java's <c>matcher.matches() ? matcher.replaceFirst(replacement) : input</c>, as RegexRouter does: when the whole
    /// input matches, the result is the replacement with its group references filled in.
    /// </summary>
    public static string? ReplaceWholeMatch(Regex regex, string input, string javaReplacement)
    {
        var match = WholeMatch(regex).Match(input);
        return match.Success ? Expand(match, javaReplacement) : null;
    }

    private static readonly Dictionary<string, Regex> Anchored = [];

    private static Regex WholeMatch(Regex regex)
    {
        lock (Anchored)
        {
            if (!Anchored.TryGetValue(regex.ToString(), out var anchored))
            {
                anchored = new Regex(@"\A(?:" + regex + @")\z", regex.Options);
                Anchored[regex.ToString()] = anchored;
            }
            return anchored;
        }
    }

    private static string Expand(Match match, string replacement)
    {
        var result = new StringBuilder();
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '\\' && i + 1 < replacement.Length)
            {
                result.Append(replacement[++i]);
            }
            else if (c == '$' && i + 1 < replacement.Length)
            {
                if (replacement[i + 1] == '{')
                {
                    var end = replacement.IndexOf('}', i + 2);
                    if (end < 0)
                    {
                        throw new ArgumentException("named capturing group is missing trailing '}'");
                    }
                    var name = replacement[(i + 2)..end];
                    var group = match.Groups[name];
                    if (!group.Success && !match.Groups.ContainsKey(name))
                    {
                        throw new ArgumentException("No group with name {" + name + "}");
                    }
                    result.Append(group.Value);
                    i = end;
                }
                else if (char.IsAsciiDigit(replacement[i + 1]))
                {
                    // Java takes further digits while they still name an existing group.
                    var number = replacement[++i] - '0';
                    while (i + 1 < replacement.Length && char.IsAsciiDigit(replacement[i + 1]) && number * 10 + (replacement[i + 1] - '0') < match.Groups.Count)
                    {
                        number = number * 10 + (replacement[++i] - '0');
                    }
                    if (number >= match.Groups.Count)
                    {
                        throw new IndexOutOfRangeException("No group " + number);
                    }
                    result.Append(match.Groups[number].Value);
                }
                else
                {
                    throw new ArgumentException("Illegal group reference");
                }
            }
            else
            {
                result.Append(c);
            }
        }
        return result.ToString();
    }
}
