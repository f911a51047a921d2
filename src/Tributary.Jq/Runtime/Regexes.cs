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
        var compiled = Compile(regexText, options);
        if (testOnly)
            return Values.Bool(compiled.Regex.IsMatch(text));
        var results = new JqArray();
        foreach (var match in Matches(compiled, text, global, skipEmpty))
            results.Add(ToObject(compiled, text, match));
        return results;
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

    private static JqObject ToObject(CompiledPattern compiled, string text, System.Text.RegularExpressions.Match match)
    {
        var captures = new JqArray(compiled.GroupNumbers.Length);
        for (var i = 0; i < compiled.GroupNumbers.Length; i++)
        {
            var group = match.Groups[compiled.GroupNumbers[i]];
            captures.Add(group.Success
                ? new JqObject
                {
                    ["offset"] = Values.Number(Values.CharToCodepointIndex(text, group.Index)),
                    ["length"] = Values.Number(Values.CodepointLength(group.Value)),
                    ["string"] = group.Value,
                    ["name"] = compiled.GroupNames[i],
                }
                : new JqObject { ["offset"] = Values.Number(-1), ["string"] = null, ["length"] = Values.Number(0), ["name"] = compiled.GroupNames[i] });
        }
        return new JqObject
        {
            ["offset"] = Values.Number(Values.CharToCodepointIndex(text, match.Index)),
            ["length"] = Values.Number(Values.CodepointLength(match.Value)),
            ["string"] = match.Value,
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
