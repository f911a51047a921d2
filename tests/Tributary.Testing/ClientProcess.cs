using System.Diagnostics;
using System.Text;

namespace Tributary.Testing;

/// <summary>What a finished client process printed and returned.</summary>
public sealed record ClientResult(string Command, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"$ {Command}\nexit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Tail(StandardOutput)}\n--- stderr ---\n{Tail(StandardError)}";

    /// <summary>Fails the test, with the command and its output, unless the process exited 0.</summary>
    public ClientResult EnsureSuccess()
    {
        Assert.True(ExitCode == 0, "client failed:\n" + this);
        return this;
    }

    private static string Tail(string text, int max = 20_000) => text.Length <= max ? text : "…" + text[^max..];
}

/// <summary>Runs a client program (kcat, /usr/bin/python3, node) as a separate process with a hard timeout.</summary>
public static class ClientProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/>, feeding the file <paramref name="stdinFile"/> (if any) to its
    /// standard input, and returns what it printed. On timeout the whole process tree is killed and the test fails
    /// with the output so far; a non-zero exit is returned (call <see cref="ClientResult.EnsureSuccess"/> to fail on it).
    /// </summary>
    public static async Task<ClientResult> RunAsync(
        string file,
        IEnumerable<string> args,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        string? stdinFile = null,
        IDictionary<string, string>? environment = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(180);
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? InteropPaths.RepositoryRoot,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The client scripts' own hard timeout, a little inside ours so they report it themselves.
        start.Environment["TRIBUTARY_INTEROP_TIMEOUT"] = ((int)Math.Max(5, limit.TotalSeconds - 5)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }
        var command = file + " " + string.Join(' ', start.ArgumentList.Select(Quote)) + (stdinFile is null ? "" : " < " + stdinFile);

        var stopwatch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"could not start {file} ({e.Message}); run ./test.sh to install the interop clients\n$ {command}");
            throw;
        }
        using (process)
        {
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            var readOut = PumpAsync(process.StandardOutput, stdout);
            var readErr = PumpAsync(process.StandardError, stderr);
            var feed = FeedAsync(process, stdinFile);
            using var cancel = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
                await Task.WhenAll(readOut, readErr, feed).WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                var partial = new ClientResult(command, -1, Snapshot(stdout), Snapshot(stderr), stopwatch.Elapsed);
                Assert.Fail($"client timed out after {limit.TotalSeconds:F0} s and was killed:\n{partial}");
            }
            return new ClientResult(command, process.ExitCode, Snapshot(stdout), Snapshot(stderr), stopwatch.Elapsed);
        }
    }

    private static async Task FeedAsync(Process process, string? stdinFile)
    {
        try
        {
            if (stdinFile is not null)
            {
                await using var input = File.OpenRead(stdinFile);
                await input.CopyToAsync(process.StandardInput.BaseStream);
            }
        }
        catch (IOException)
        {
            // The client exited before reading everything; its exit code and output tell why.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }

    private static string Snapshot(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./:=@,%+".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
