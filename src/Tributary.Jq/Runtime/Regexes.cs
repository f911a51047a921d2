using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Tributary.Jq.Runtime;

/// <summary>
/// jq's regular expressions (Oniguruma in jq 1.6) on .NET's <see cref="Regex"/>. Flags: g (all matches), i (ignore case),
/// x (extended), n (ignore empty matches), s (no-op: jq's default already anchors ^/$ to the whole string),
/// p (dot matches newline), l (longest match: not supported, ignored). Offsets and lengths are in code points.
/// Compiled patterns are cached (bounded), since Firehose programs run the same pattern for every record.
/// </summary>
internal static class Regexes
{
    private const int CacheLimit = 256;
    private static readonly ConcurrentDictionary<(string, RegexOptions), CompiledPattern> Cache = new();

    private sealed record CompiledPattern(Regex Regex, int[] GroupNumbers, string?[] GroupNames);

    private static CompiledPattern Compile(string pattern, RegexOptions options)
    {
        if (Cache.TryGetValue((pattern, options), out var cached))
            return cached;
        Regex regex;
        try
        {
            regex = new Regex(pattern, options | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException exception)
        {
            throw new JqException(pattern + " (at offset 0) is not a valid regex: " + exception.Message);
        }
        var (numbers, names) = GroupsInPatternOrder(pattern, regex);
        var compiled = new CompiledPattern(regex, numbers, names);
        if (Cache.Count >= CacheLimit)
            Cache.Clear();
        Cache[(pattern, options)] = compiled;
        return compiled;
    }

    // .NET numbers unnamed groups before named ones; jq reports captures in the order their '(' appears.
    private static (int[] Numbers, string?[] Names) GroupsInPatternOrder(string pattern, Regex regex)
    {
        var numbers = new List<int>();
        var names = new List<string?>();
        var unnamed = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']')
                    inClass = false;
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                continue;
            }
            if (c != '(')
                continue;
            if (i + 1 < pattern.Length && pattern[i + 1] == '?')
            {
                if (i + 2 < pattern.Length && (pattern[i + 2] == '<' || pattern[i + 2] == '\'')
                    && i + 3 < pattern.Length && pattern[i + 3] != '=' && pattern[i + 3] != '!')
                {
                    var close = pattern.IndexOf(pattern[i + 2] == '<' ? '>' : '\'', i + 3);
                    if (close > 0)
                    {
                        var name = pattern[(i + 3)..close];
                        numbers.Add(regex.GroupNumberFromName(name));
                        names.Add(name);
                    }
                }
                continue;
            }
            unnamed++;
            numbers.Add(unnamed);
            names.Add(null);
        }
        return (numbers.ToArray(), names.ToArray());
    }

    private static (RegexOptions Options, bool Global, bool SkipEmpty) ParseFlags(object? flags)
    {
        if (flags is null)
            return (RegexOptions.None, false, false);
        if (flags is not string text)
            throw new JqException(Values.Describe(flags) + " is not a string");
        var options = RegexOptions.None;
        bool global = false, skipEmpty = false;
        foreach (var c in text)
        {
            switch (c)
            {
                case 'g': global = true; break;
                case 'i': options |= RegexOptions.IgnoreCase; break;
                case 'x': options |= RegexOptions.IgnorePatternWhitespace; break;
                case 'n': skipEmpty = true; break;
                case 's': break;
                case 'p': options |= RegexOptions.Singleline; break;
                case 'l': break;
                default: throw new JqException(text + " is not a valid modifier string");
            }
        }
        return (options, global, skipEmpty);
    }

    /// <summary>The matches as jq's match objects; <paramref name="testOnly"/> returns a boolean instead.</summary>
    public static object Match(object? input, object? pattern, object? flags, bool testOnly)
    {
        if (input is not string text)
            throw new JqException(Values.Describe(input) + " cannot be matched, as it is not a string");
        if (pattern is not string regexText)
            throw new JqException(Values.Describe(pattern) + " is not a string");
        var (options, global, skipEmpty) = ParseFlags(flags);
        var (subject, mappedPattern, starts) = OneCharPerCodepoint(text, regexText);
        var compiled = Compile(mappedPattern, options);
        if (testOnly)
            return Values.Bool(compiled.Regex.IsMatch(subject));
        var results = new JqArray();
        foreach (var match in Matches(compiled, subject, global, skipEmpty))
            results.Add(ToObject(compiled, text, starts, match));
        return results;
    }

    /// <summary>
    /// Oniguruma matches code points, .NET matches UTF-16 units (so "[^a-z]" would match each half of an emoji).
    /// Text and pattern are rewritten with every astral code point replaced by a private-use BMP character that
    /// occurs in neither (the same one for the same code point), so the match runs one character per code point and
    /// its indexes are code point offsets. <c>starts</c> maps a code point offset back to the original UTF-16 index.
    /// </summary>
    private static (string Subject, string Pattern, int[]? Starts) OneCharPerCodepoint(string text, string pattern)
    {
        if (!HasSurrogate(text) && !HasSurrogate(pattern))
            return (text, pattern, null);
        var replacements = new Dictionary<int, char>();
        var next = (char)0xE000;
        char Replacement(int codepoint)
        {
            if (replacements.TryGetValue(codepoint, out var existing))
                return existing;
            while (text.Contains(next) || pattern.Contains(next))
                next++;
            replacements[codepoint] = next;
            return next++;
        }
        string Map(string value, List<int>? starts)
        {
            var builder = new System.Text.StringBuilder(value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                starts?.Add(i);
                if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    builder.Append(Replacement(char.ConvertToUtf32(value[i], value[i + 1])));
                    i++;
                }
                else
                {
                    builder.Append(value[i]);
                }
            }
            starts?.Add(value.Length);
            return builder.ToString();
        }
        var startList = new List<int>(text.Length + 1);
        var subject = Map(text, startList);
        return (subject, Map(pattern, null), startList.ToArray());
    }

    private static bool HasSurrogate(string value)
    {
        foreach (var c in value)
        {
            if (char.IsSurrogate(c))
                return true;
        }
        return false;
    }

    // jq 1.6's loop: search from "start"; after an empty match the next search starts one further on; stop at the end.
    private static IEnumerable<System.Text.RegularExpressions.Match> Matches(CompiledPattern compiled, string text, bool global, bool skipEmpty)
    {
        var start = 0;
        do
        {
            var match = compiled.Regex.Match(text, start);
            if (!match.Success)
                yield break;
            if (!(skipEmpty && match.Length == 0))
                yield return match;
            start = match.Length == 0 ? start + 1 : match.Index + match.Length;
        }
        while (global && start < text.Length);
    }

    private static string Original(string text, int[]? starts, int index, int length) =>
        starts is null ? text.Substring(index, length) : text[starts[index]..starts[index + length]];

    private static JqObject ToObject(CompiledPattern compiled, string text, int[]? starts, System.Text.RegularExpressions.Match match)
    {
        var captures = new JqArray(compiled.GroupNumbers.Length);
        for (var i = 0; i < compiled.GroupNumbers.Length; i++)
        {
            var group = match.Groups[compiled.GroupNumbers[i]];
            captures.Add(group.Success
                ? new JqObject
                {
                    ["offset"] = Values.Number(group.Index),
                    ["length"] = Values.Number(group.Length),
                    ["string"] = Original(text, starts, group.Index, group.Length),
                    ["name"] = compiled.GroupNames[i],
                }
                : new JqObject { ["offset"] = Values.Number(-1), ["string"] = null, ["length"] = Values.Number(0), ["name"] = compiled.GroupNames[i] });
        }
        return new JqObject
        {
            ["offset"] = Values.Number(match.Index),
            ["length"] = Values.Number(match.Length),
            ["string"] = Original(text, starts, match.Index, match.Length),
            ["captures"] = captures,
        };
    }

    public static JqArray Split(object? input, object? pattern, object? flags)
    {
        var matches = (JqArray)Match(input, pattern, flags is null ? "g" : "g" + Operations.ToText(flags), false);
        var text = (string)input!;
        var result = new JqArray();
        var previous = 0;
        foreach (var matchValue in matches)
        {
            var match = (JqObject)matchValue!;
            var from = Values.CodepointToCharIndex(text, (int)(double)match["offset"]!);
            var length = Values.CodepointToCharIndex(text[from..], (int)(double)match["length"]!);
            result.Add(text[previous..from]);
            previous = from + length;
        }
        result.Add(text[previous..]);
        return result;
    }

    /// <summary>sub/gsub: the matches and, for each, the object of named captures the replacement filter sees.</summary>
    public static List<(int Start, int End, JqObject Captures)> Replacements(object? input, object? pattern, object? flags, bool global)
    {
        var flagText = flags is null ? "" : flags as string ?? throw new JqException(Values.Describe(flags) + " is not a string");
        var matches = (JqArray)Match(input, pattern, global && !flagText.Contains('g') ? flagText + "g" : flagText, false);
        var text = (string)input!;
        var result = new List<(int, int, JqObject)>();
        foreach (var matchValue in matches)
        {
            var match = (JqObject)matchValue!;
            var from = Values.CodepointToCharIndex(text, (int)(double)match["offset"]!);
            var length = Values.CodepointToCharIndex(text[from..], (int)(double)match["length"]!);
            var captures = new JqObject();
            foreach (var captureValue in (JqArray)match["captures"]!)
            {
                var capture = (JqObject)captureValue!;
                if (capture["name"] is string name)
                    captures[name] = capture["string"];
            }
            result.Add((from, from + length, captures));
        }
        return result;
    }
}
