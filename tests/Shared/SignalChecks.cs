namespace Tributary.Testing;

/// <summary>
/// What the MySQL and PostgreSQL signal tests share (compiled into both, as neither may reference the other): the
/// signal rows that check the log signal and the skipping of malformed ones, the captured output, and what that
/// output must then say.
/// </summary>
public static class SignalChecks
{
    /// <summary>The message the <c>log</c> signal of <see cref="LogAndMalformedRows"/> carries.</summary>
    public const string LogMessage = "signal check 4711";

    /// <summary>Inserts into <paramref name="signalTable"/>: data that is not JSON, an unknown type, and a <c>log</c> signal.</summary>
    public static string LogAndMalformedRows(string signalTable) => $$"""
        INSERT INTO {{signalTable}} VALUES ('bad-json', 'execute-snapshot', '{"data-collections": [');
        INSERT INTO {{signalTable}} VALUES ('bad-type', 'reboot-the-server', '{}');
        INSERT INTO {{signalTable}} VALUES ('hello', 'log', '{"message": "{{LogMessage}}"}');
        """;

    /// <summary>What the task wrote to its signal output so far (the writer is locked by the signal code as it writes).</summary>
    public static string Text(StringWriter output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>The log signal's line, and one warning for each malformed row, naming it.</summary>
    public static void AssertLogAndMalformedLines(StringWriter output)
    {
        var lines = Text(output).Split('\n');
        Assert.Contains(lines, l => l.StartsWith("info:", StringComparison.Ordinal) && l.Contains("hello log: " + LogMessage, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("warn:", StringComparison.Ordinal) && l.Contains("bad-json", StringComparison.Ordinal) && l.Contains("malformed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("warn:", StringComparison.Ordinal) && l.Contains("unknown signal type 'reboot-the-server'", StringComparison.Ordinal));
    }
}
