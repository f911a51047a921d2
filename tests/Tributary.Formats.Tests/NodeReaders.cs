using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Tributary.Formats.Tests;

/// <summary>
/// DuckDB (@duckdb/node-api) and hyparquet as separate node processes, from tests/interop/formats-node
/// (installed by ./test.sh with npm ci). A missing node or package fails the test saying what to install.
/// </summary>
public static class NodeReaders
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ScriptsDirectory => Path.Combine(RepositoryRoot, "tests", "interop", "formats-node");

    private static string FindRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Tributary.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }
        return directory ?? throw new InvalidOperationException("Tributary.slnx not found above " + AppContext.BaseDirectory);
    }

    public static void EnsureInstalled()
    {
        foreach (var package in new[] { "@duckdb/node-api", "hyparquet", "hyparquet-compressors" })
        {
            Assert.True(File.Exists(Path.Combine(ScriptsDirectory, "node_modules", package, "package.json")),
                $"{package} is not installed: run ./test.sh (npm ci in tests/interop/formats-node)");
        }
    }

    /// <summary>Rows as DuckDB's to_json(row) objects.</summary>
    public static List<JsonElement> DuckDbRows(string file) => Lines(Run("duckdb_read.mjs", "rows", file));

    public static List<JsonElement> DuckDbMetadata(string file) => Lines(Run("duckdb_read.mjs", "metadata", file));

    public static List<JsonElement> DuckDbSchema(string file) => Lines(Run("duckdb_read.mjs", "schema", file));

    public static List<JsonElement> DuckDbSql(string sql) => Lines(Run("duckdb_read.mjs", "sql", sql));

    public static List<JsonElement> HyparquetRows(string file) => Lines(Run("hyparquet_read.mjs", file));

    private static List<JsonElement> Lines(string output)
    {
        var result = new List<JsonElement>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            result.Add(document.RootElement.Clone());
        }
        return result;
    }

    public static string Run(string script, params string[] args)
    {
        EnsureInstalled();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ScriptsDirectory,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed ({e.Message}): run ./test.sh to install Node.js");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {script} {string.Join(' ', args)} timed out");
            }
            var output = stdout.GetAwaiter().GetResult();
            var error = stderr.GetAwaiter().GetResult();
            Assert.True(process.ExitCode == 0, $"node {script} {string.Join(' ', args)} failed ({process.ExitCode}):\n{error}\n{Tail(output)}");
            return output;
        }
    }

    private static string Tail(string text) => text.Length < 4000 ? text : text[^4000..];

    internal static string Describe(IEnumerable<JsonElement> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows.Take(5))
        {
            text.AppendLine(row.GetRawText());
        }
        return text.ToString();
    }
}
