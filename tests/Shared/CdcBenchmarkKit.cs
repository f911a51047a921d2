using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Client;
using Tributary.Connect.Runtime.Config;
using Tributary.Server;

namespace Tributary.Testing;

/// <summary>
/// What the CDC benchmarks of the MySQL and PostgreSQL test projects share (compiled into both, as neither may
/// reference the other): the in-process Connect worker, a topic's end offset, the COMMIT → topic latency loop and
/// the JSON result line of bench/README.md's format.
/// </summary>
public static class CdcBenchmarkKit
{
    /// <summary>A result line; the note gets the machine's load.</summary>
    /// <summary>
    /// Writes the result lines: to bench/results/<paramref name="fileName"/> only with TRIBUTARY_BENCH_WRITE=1 (a run of a
    /// whole test project, no filter, would otherwise overwrite the committed results with figures from whatever else
    /// the machine was doing), else to the temporary directory; prints them either way.
    /// </summary>
    public static async Task WriteResultsAsync(string fileName, IReadOnlyList<string> lines)
    {
        var path = Environment.GetEnvironmentVariable("TRIBUTARY_BENCH_WRITE") == "1"
            ? Path.Combine(InteropPaths.RepositoryRoot, "bench", "results", fileName)
            : Path.Combine(Path.GetTempPath(), fileName);
        await File.WriteAllLinesAsync(path, lines);
        Console.WriteLine($"wrote {path}:\n{string.Join('\n', lines)}");
    }

    public static string Line(string bench, string metric, double value, string unit, double reference, string referenceName, string note) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = bench,
            ["metric"] = metric,
            ["value"] = Math.Round(value, 1),
            ["unit"] = unit,
            ["reference"] = Math.Round(reference, 1),
            ["reference_name"] = referenceName,
            ["ratio"] = Math.Round(reference == 0 ? 0 : value / reference, 3),
            ["note"] = note + "; load1=" + File.ReadAllText("/proc/loadavg").Split(' ')[0],
        });

    /// <summary>
    /// A Connect worker as <c>tributary connect-standalone</c> runs it (ConnectHost: plugins, standalone herder, source
    /// task loop, offsets file), in this process against the in-process broker; keys and values through JsonConverter.
    /// </summary>
    public static async Task<ConnectHost> WorkerAsync(InProcessKafka kafka, TempDirectory directory, bool schemas) =>
        await ConnectHost.StartAsync(new WorkerConfig(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.Bootstrap,
            ["key.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["key.converter.schemas.enable"] = schemas ? "true" : "false",
            ["value.converter.schemas.enable"] = schemas ? "true" : "false",
            ["offset.storage.file.filename"] = directory.File("offsets.json"),
            ["listeners"] = "http://127.0.0.1:0",
        }), NullLoggerFactory.Instance);

    /// <summary>The end offset of partition 0 of <paramref name="topic"/> (0 while it does not exist).</summary>
    public static async Task<long> EndOffsetAsync(KafkaClient client, string topic)
    {
        try
        {
            return await client.ListOffsetAsync(topic, 0, -1);
        }
        catch (KafkaClientException)
        {
            return 0;
        }
    }

    /// <summary>
    /// COMMIT → topic latencies, sorted: <paramref name="commitRow"/> commits row i (1-based), then the row is waited for
    /// in <paramref name="topic"/> (its end offset polled every ~1 ms) before the next.
    /// </summary>
    public static async Task<List<double>> CommitToTopicLatenciesAsync(KafkaClient client, string topic, int rows, Func<int, Task> commitRow, Func<string> failure)
    {
        var latencies = new List<double>();
        for (var i = 1; i <= rows; i++)
        {
            await commitRow(i);
            var committed = Stopwatch.GetTimestamp();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await EndOffsetAsync(client, topic) < i)
            {
                Assert.True(DateTime.UtcNow < deadline, $"row {i} did not reach the topic within 60 s: {failure()}");
                await Task.Delay(1);
            }
            latencies.Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
        }
        latencies.Sort();
        return latencies;
    }
}
