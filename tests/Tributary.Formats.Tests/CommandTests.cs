using System.Diagnostics;
using System.Text.Json;

namespace Tributary.Formats.Tests;

/// <summary>`tributary convert` and `tributary parquet` run as the real program.</summary>
[Trait("Category", "process")]
public sealed class CommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tributary-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Out, string Error) Tributary(params string[] args)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var program = Path.Combine(NodeReaders.RepositoryRoot, "src", "Tributary.Server", "bin", configuration, "net10.0", "tributary.dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the solution (dotnet build Tributary.slnx)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "tributary timed out");
        return (process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void Convert_with_inference_saves_a_table_reports_rejects_and_the_file_reads_back()
    {
        var input = Path.Combine(_directory, "in.jsonl");
        File.WriteAllLines(input,
        [
            """{"id":1,"name":"a","at":"2024-05-01T10:00:00.5Z","tags":["x"]}""",
            """{"id":2,"name":"b","at":"2024-05-01 10:00:01","tags":[]}""",
            """{"id":"three","name":"c"}""",
            """not json""",
        ]);
        var output = Path.Combine(_directory, "out.parquet");
        var errors = Path.Combine(_directory, "errors.jsonl");
        var tables = Path.Combine(_directory, "tables");
        var (exit, stdout, stderr) = Tributary("convert", input, output, "--infer", "2", "--save-table", "events", "--tables", tables, "--errors", errors);
        Assert.True(exit == 3, $"exit {exit}: {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(2, summary.GetProperty("written").GetInt64());
        Assert.Equal(2, summary.GetProperty("rejected").GetInt64());
        var rejected = File.ReadAllLines(errors).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(("id", 2L), (rejected[0].GetProperty("field").GetString(), rejected[0].GetProperty("recordNumber").GetInt64()));
        Assert.Equal("not json", rejected[1].GetProperty("record").GetString());
        Assert.Contains("\"type\": \"timestamp\"", File.ReadAllText(Path.Combine(tables, "events.json")));

        var rows = NodeReaders.DuckDbSql($"SELECT id, name, epoch_ms(\"at\") AS t, len(tags) AS n FROM read_parquet('{output}') ORDER BY id");
        Assert.Equal(["1", "2"], rows.Select(r => r.GetProperty("id").ToString()));
        Assert.Equal(["1714557600500", "1714557601000"], rows.Select(r => r.GetProperty("t").ToString()));

        // The saved table converts the next file; `tributary parquet` prints schema, metadata and rows.
        var again = Path.Combine(_directory, "again.parquet");
        Assert.Equal(3, Tributary("convert", input, again, "--table", "events", "--tables", tables, "--errors", errors).Exit);
        var (printExit, printed, _) = Tributary("parquet", again);
        Assert.Equal(0, printExit);
        Assert.Contains("optional int64 at (TIMESTAMP(MICROS,UTC));", printed);
        Assert.Contains("created_by: tributary version", printed);
        Assert.Contains("{\"id\":2,\"name\":\"b\",\"at\":\"2024-05-01T10:00:01Z\",\"tags\":[]}", printed);

        // A file that is not Parquet, and bad arguments, fail with clear messages.
        var (badExit, _, badError) = Tributary("parquet", input);
        Assert.Equal(1, badExit);
        Assert.Contains("PAR1", badError);
        var (usageExit, _, usageError) = Tributary("convert", input, output, "--columns", "id bigint, x strng");
        Assert.Equal(1, usageExit);
        Assert.Contains("Column 'x': unknown type 'strng'", usageError);
    }
}
