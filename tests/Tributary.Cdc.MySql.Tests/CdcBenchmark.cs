using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// Issue 15's benchmark (not part of ./test.sh: the "benchmark" category is excluded by the lead's runs). Writes JSON
/// lines in bench/README.md's format to bench/results/cdc-mysql.jsonl, each figure beside its reference from the same
/// run: binlog → topic rows/s beside mariadb-binlog decoding the same binlog to /dev/null; snapshot rows/s of a
/// 1 M-row table beside mariadb-dump of it; COMMIT → topic latency p50/p99. Run:
/// <c>dotnet test tests/Tributary.Cdc.MySql.Tests -c Release -m:1 --filter Category=benchmark</c>.
/// </summary>
[Trait("Category", "benchmark")]
public sealed class CdcBenchmark
{
    private const int StreamRows = 200_000;
    private const int SnapshotRows = 1_000_000;
    private readonly List<string> _lines = [];

    private void Line(string bench, string metric, double value, string unit, double reference, string referenceName, string note)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        _lines.Add(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = bench,
            ["metric"] = metric,
            ["value"] = Math.Round(value, 1),
            ["unit"] = unit,
            ["reference"] = Math.Round(reference, 1),
            ["reference_name"] = referenceName,
            ["ratio"] = Math.Round(reference == 0 ? 0 : value / reference, 3),
            ["note"] = note + $"; load1={load}",
        }));
    }

    private static async Task<double> TimeProcessAsync(string file, string arguments)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments} > /dev/null"]) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return watch.Elapsed.TotalSeconds;
    }

    [Fact]
    public async Task Cdc_throughput_snapshot_and_latency()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE bench; CREATE TABLE bench.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(40), c DECIMAL(10,2), d DATETIME);");
        var (file, _) = await BinlogPositionAsync(server);

        // 1. Binlog → topic: 200,000 rows in 20 transactions, read from the binlog's start by a connector that starts after they are committed.
        await server.ExecuteAsync(string.Join(";", Enumerable.Range(0, StreamRows / 10_000).Select(i =>
            $"INSERT INTO t SELECT seq, seq % 1000, CONCAT('item-', seq), seq / 100, '2021-08-16 10:11:12' + INTERVAL seq SECOND FROM seq_{(i * 10_000) + 1}_to_{(i + 1) * 10_000}")), "bench");
        var binlogFiles = await BinlogFilesAsync(server);
        var config = ChangeEventTests.Config(server, "stream", "bench");
        config["snapshot.mode"] = "never";
        config["max.batch.size"] = "4096";
        var watch = Stopwatch.StartNew();
        await using (var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore(), schemas: false))
        {
            await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= StreamRows + 2, "all rows in the topic", TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(20));
            Assert.Null(driver.Failure);
        }
        var ours = StreamRows / watch.Elapsed.TotalSeconds;
        var decode = await TimeProcessAsync("/usr/bin/mariadb-binlog", "--base64-output=decode-rows -v " + string.Join(' ', binlogFiles.Select(f => Path.Combine(server.DataDirectory, f))));
        Line("cdc_mysql_binlog_to_topic", "rows_per_s", ours, "rows/s", StreamRows / decode, "mariadb-binlog --base64-output=decode-rows -v of the same binlog to /dev/null",
            $"{StreamRows} rows (BIGINT, INT, VARCHAR, DECIMAL, DATETIME) in 20 transactions; ours = connector start to last record acknowledged by the in-process broker, JsonConverter schemas off");

        // 2. Snapshot of a 1 M-row table.
        await server.ExecuteAsync("CREATE TABLE snap LIKE t; " + string.Join(";", Enumerable.Range(0, SnapshotRows / 100_000).Select(i =>
            $"INSERT INTO snap SELECT seq, seq % 1000, CONCAT('item-', seq), seq / 100, '2021-08-16 10:11:12' + INTERVAL seq SECOND FROM seq_{(i * 100_000) + 1}_to_{(i + 1) * 100_000}")), "bench");
        var snapshotConfig = ChangeEventTests.Config(server, "snap", "bench");
        snapshotConfig["table.include.list"] = "bench.snap";
        snapshotConfig["snapshot.mode"] = "initial_only";
        snapshotConfig["include.schema.changes"] = "false";
        snapshotConfig["max.batch.size"] = "4096";
        watch.Restart();
        await using (var driver = await TaskDriver.StartAsync(snapshotConfig, kafka.Bootstrap, new MemoryOffsetStore(), schemas: false))
        {
            await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= SnapshotRows, "the snapshot in the topic", TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(20));
            Assert.Null(driver.Failure);
        }
        var snapshot = SnapshotRows / watch.Elapsed.TotalSeconds;
        var dump = await TimeProcessAsync("/usr/bin/mariadb-dump", $"--host=127.0.0.1 --port={server.Port} --user=root --password=rootpw --single-transaction bench snap");
        Line("cdc_mysql_snapshot", "rows_per_s", snapshot, "rows/s", SnapshotRows / dump, "mariadb-dump --single-transaction of the same table to /dev/null",
            $"{SnapshotRows} rows; ours = connector start to last r record acknowledged, JsonConverter schemas off");

        // 3. COMMIT → topic latency: 300 single-row transactions, 20 ms apart, with the connector streaming.
        var latencyConfig = ChangeEventTests.Config(server, "lat", "bench");
        latencyConfig["table.include.list"] = "bench.lat";
        latencyConfig["snapshot.mode"] = "no_data";
        latencyConfig["poll.interval.ms"] = "50";
        await server.ExecuteAsync("CREATE TABLE lat (id INT PRIMARY KEY, v VARCHAR(10))", "bench");
        var committed = new Dictionary<int, long>();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        await using (var driver = await TaskDriver.StartAsync(latencyConfig, kafka.Bootstrap, new MemoryOffsetStore(), schemas: true))
        {
            driver.Acknowledged = record =>
            {
                if (record.Value is Struct envelope && envelope.Get("after") is Struct after)
                {
                    acknowledged[(int)after.Get("id")!] = Stopwatch.GetTimestamp();
                }
            };
            await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
            await using var connection = new MySqlConnector.MySqlConnection(server.RootConnectionString + ";Database=bench");
            await connection.OpenAsync();
            for (var i = 1; i <= 300; i++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"INSERT INTO lat VALUES ({i}, 'x')";
                await command.ExecuteNonQueryAsync();
                committed[i] = Stopwatch.GetTimestamp();
                await Task.Delay(20);
            }
            await Eventually.HoldsAsync(() => driver.Failure is not null || acknowledged.Count >= 300, "every row acknowledged", TimeSpan.FromSeconds(60));
            Assert.Null(driver.Failure);
        }
        var latencies = committed.Select(p => Stopwatch.GetElapsedTime(p.Value, acknowledged[p.Key]).TotalMilliseconds).Order().ToArray();
        Line("cdc_mysql_commit_to_topic_latency", "p50_ms", latencies[latencies.Length / 2], "ms", 0, "none (absolute)", "300 single-row autocommit INSERTs 20 ms apart; COMMIT returned to the client → record acknowledged by the broker; negative when the event beat the client's OK");
        Line("cdc_mysql_commit_to_topic_latency", "p99_ms", latencies[(int)(latencies.Length * 0.99)], "ms", 0, "none (absolute)", "as p50");

        var path = Path.Combine(InteropPaths.RepositoryRoot, "bench", "results", "cdc-mysql.jsonl");
        await File.WriteAllLinesAsync(path, _lines);
    }

    private static async Task<(string File, long Position)> BinlogPositionAsync(MariaDbServer server)
    {
        await using var connection = new MySqlConnector.MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW MASTER STATUS";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static async Task<List<string>> BinlogFilesAsync(MariaDbServer server)
    {
        await using var connection = new MySqlConnector.MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW BINARY LOGS";
        await using var reader = await command.ExecuteReaderAsync();
        var files = new List<string>();
        while (await reader.ReadAsync())
        {
            files.Add(reader.GetString(0));
        }
        return files;
    }
}
