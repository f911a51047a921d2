using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Jq.Tests;

/// <summary>
/// Runs Debian's jq 1.6 (/usr/bin/jq) as a separate process: one process per program, one input per line. The program
/// is wrapped as <c>[try ((P) | ["ok", .]) catch ["err", .]]</c>, so each input gives one line holding every output
/// and, if it failed, the error value; <see cref="Ours"/> builds the same line from our interpreter.
/// </summary>
internal static class JqOracle
{
    private const string JqPath = "/usr/bin/jq";

    public static void RequireJq()
    {
        if (!File.Exists(JqPath))
            Assert.Fail("jq 1.6 is not installed: run ./test.sh (Debian package jq)");
    }

    /// <summary>jq's line per input, or null when jq rejects the program (a compile error, exit status 3).</summary>
    public static List<string>? Run(string program, IReadOnlyList<string> inputs)
    {
        RequireJq();
        var start = new ProcessStartInfo(JqPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("[try ((" + program + "\n) | [\"ok\", .]) catch [\"err\", .]]");
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            foreach (var input in inputs)
                process.StandardInput.WriteLine(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // jq exits without reading its input when the program does not compile.
        }
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            Assert.Fail("jq did not finish in 30 s for " + program);
        }
        var output = stdout.Result;
        if (process.ExitCode == 3)
            return null;
        Assert.True(process.ExitCode == 0, "jq failed (" + process.ExitCode + ") for " + program + ": " + stderr.Result);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Normalize).ToList();
        Assert.True(lines.Count == inputs.Count, "jq printed " + lines.Count + " lines for " + inputs.Count + " inputs: " + program);
        return lines;
    }

    /// <summary>Our line for one input, in the oracle's shape.</summary>
    public static string Ours(JqProgram program, string input)
    {
        var outputs = program.RunUntilError(JsonNode.Parse(input), out var error);
        var builder = new StringBuilder("[");
        foreach (var output in outputs)
        {
            if (builder.Length > 1)
                builder.Append(',');
            builder.Append("[\"ok\",").Append(JqProgram.ToJson(output)).Append(']');
        }
        if (error is not null)
        {
            if (builder.Length > 1)
                builder.Append(',');
            builder.Append("[\"err\",").Append(JqProgram.ToJson(error.Value)).Append(']');
        }
        return Normalize(builder.Append(']').ToString());
    }

    // fromjson/tonumber messages come from jq's JSON parser; only their "(while parsing '...')" part is compared.
    private static string Normalize(string line)
    {
        var at = line.IndexOf("(while parsing", StringComparison.Ordinal);
        if (at < 0)
            return line;
        var quote = line.LastIndexOf("[\"err\",\"", at, StringComparison.Ordinal);
        return quote < 0 ? line : line[..(quote + 8)] + "<json parse error> " + line[at..];
    }
}
