using System.Globalization;
using System.Text;
using Tributary.Delivery.Naming;

namespace Tributary.Delivery.Tests;

/// <summary>
/// JavaDateTimePattern against the real thing: every (pattern, instant, zone) case is also formatted by OpenJDK's
/// DateTimeFormatter in a java process (JavaOracle.java, en_US), and the outputs, or Java's error messages, must match.
/// </summary>
[Trait("Category", "process")]
public sealed class JavaDateTimePatternTests
{
    private static readonly string[] Patterns =
    [
        "yyyy/MM/dd/HH/", "yyyy-MM-dd-HH-mm-ss", "yyyy'-'MM'-'dd", "'year='yyyy'/month='MM'/day='dd'/hour='HH", "y", "yy", "yyy", "yyyyy",
        "u", "uu", "uuuu", "uuuuu", "G", "GG", "GGG", "GGGG", "GGGGG", "M", "MM", "MMM", "MMMM", "MMMMM", "L", "LL", "LLL", "LLLL", "LLLLL",
        "d", "dd", "D", "DD", "DDD", "Q", "QQ", "QQQ", "QQQQ", "QQQQQ", "q", "qq", "qqq", "qqqq", "qqqqq",
        "E", "EE", "EEE", "EEEE", "EEEEE", "e", "ee", "eee", "eeee", "eeeee", "c", "ccc", "cccc", "ccccc",
        "a", "h", "hh", "K", "KK", "k", "kk", "H", "HH", "m", "mm", "s", "ss",
        "S", "SS", "SSS", "SSSSSS", "SSSSSSSSS", "A", "AAAAAAAAA", "n", "nnnnnnnnnn", "N", "NNNNNNNNNNNNNNN", "g", "ggggg",
        "Y", "YY", "YYYY", "YYYYY", "w", "ww", "W", "F", "YYYY-'W'ww-e",
        "VV", "z", "zz", "zzz", "zzzz", "O", "OOOO", "X", "XX", "XXX", "XXXX", "XXXXX", "x", "xx", "xxx", "xxxx", "xxxxx",
        "Z", "ZZ", "ZZZ", "ZZZZ", "ZZZZZ",
        "''", "'it''s' HH", "'{}#'", "[yyyy][MM]", "[yyyy[-MM]]dd", "[yyyy", "yyyy/MM/dd HH:mm:ss.SSS", "dd.MM.yyyy, HH:mm (EEEE)", "",
        // Java's errors
        "yyyy]", "'abc", "{", "}", "#", "I", "t", "ddd", "HHH", "aa", "MMMMMM", "EEEEEE", "DDDD", "VVV", "V", "zzzzz", "OO", "XXXXXX",
        "xxxxxx", "ZZZZZZ", "cc", "SSSSSSSSSS", "ww w", "www", "WW", "FF", "GGGGGG", "QQQQQQ", "mmm", "sss", "kkk", "KKK", "hhh",
    ];

    // Year ends and starts (week-based years), leap days, both sides of DST, sub-second digits (multiples of 100 ns).
    private static readonly DateTimeOffset[] Instants =
    [
        new(2018, 8, 27, 10, 30, 5, TimeSpan.Zero),
        new DateTimeOffset(2018, 12, 30, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567),
        new(2020, 12, 31, 12, 0, 0, TimeSpan.Zero),
        new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new(2016, 1, 2, 6, 7, 8, TimeSpan.Zero),
        new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.Zero).AddTicks(9999999),
        new(2021, 7, 4, 0, 30, 0, TimeSpan.Zero),
        new(1999, 3, 1, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2030, 10, 5, 4, 3, 2, TimeSpan.Zero).AddTicks(10),
    ];

    private static readonly string[] Zones =
    [
        "UTC", "Asia/Tokyo", "Asia/Kolkata", "America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin",
        "Australia/Sydney", "America/St_Johns", "Pacific/Chatham",
    ];

    [Fact]
    public async Task Formats_like_java_DateTimeFormatter()
    {
        var java = Tools.RequireJava();
        var cases = new List<(string Pattern, DateTimeOffset Instant, string Zone)>();
        foreach (var pattern in Patterns)
        {
            foreach (var zone in Zones)
            {
                foreach (var instant in Instants)
                {
                    cases.Add((pattern, instant, zone));
                }
            }
        }

        using var temp = Tools.TempDirectory();
        var input = new StringBuilder();
        foreach (var (pattern, instant, zone) in cases)
        {
            var seconds = instant.ToUnixTimeSeconds();
            var nanos = (instant.UtcTicks % TimeSpan.TicksPerSecond) * 100;
            input.Append(CultureInfo.InvariantCulture, $"{seconds}\t{nanos}\t{zone}\t{pattern}\n");
        }
        await File.WriteAllTextAsync(temp.File("cases.tsv"), input.ToString());
        var oracle = Path.Combine(InteropPaths.RepositoryRoot, "tests", "Tributary.Delivery.Tests", "JavaOracle.java");
        var result = (await ClientProcess.RunAsync(java, ["-Duser.language=en", "-Duser.country=US", oracle], TimeSpan.FromSeconds(120), stdinFile: temp.File("cases.tsv"))).EnsureSuccess();
        var lines = result.StandardOutput.Split('\n');
        Assert.True(lines.Length >= cases.Count, $"java printed {lines.Length} lines for {cases.Count} cases:\n{result}");

        var mismatches = new List<string>();
        var parsed = new Dictionary<string, JavaDateTimePattern?>();
        var errors = new Dictionary<string, string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var (pattern, instant, zoneId) = cases[i];
            var expected = lines[i];
            if (!parsed.ContainsKey(pattern))
            {
                try
                {
                    parsed[pattern] = JavaDateTimePattern.Parse(pattern);
                }
                catch (FormatException e)
                {
                    parsed[pattern] = null;
                    errors[pattern] = e.Message;
                }
            }
            var ours = parsed[pattern] is { } compiled
                ? "OK\t" + compiled.Format(instant, TimeZoneInfo.FindSystemTimeZoneById(zoneId))
                : "ERROR\t" + errors[pattern];
            if (ours != expected)
            {
                mismatches.Add($"pattern [{pattern}] at {instant:O} in {zoneId}: java [{expected}], Tributary [{ours}]");
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} cases differ from java:\n" + string.Join('\n', mismatches.Take(60)));
        Assert.Contains(Patterns, p => parsed[p] is null); // the error cases were exercised
    }

    [Theory]
    [InlineData("p")] // padding
    [InlineData("B")] // day periods
    [InlineData("v")] // generic zone names
    public void Java_letters_that_Tributary_does_not_support_are_errors(string pattern)
    {
        var error = Assert.Throws<FormatException>(() => JavaDateTimePattern.Parse(pattern));
        Assert.Contains("not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_letters_are_errors() =>
        Assert.Equal("Unknown pattern letter: b", Assert.Throws<FormatException>(() => JavaDateTimePattern.Parse("yyyy-b")).Message);
}
