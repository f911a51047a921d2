using System.Diagnostics;
using System.Globalization;
using Tributary.Client;
using Tributary.Connect.Runtime.Worker;
using Tributary.Server;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// Issue 15's benchmark (not part of ./test.sh: the "benchmark" category is excluded by the lead's runs). Writes JSON
/// lines in bench/README.md's format to bench/results/cdc-mysql.jsonl, each figure beside its reference from the same
/// run: binlog → topic rows/s beside mariadb-binlog decoding the same binlog to /dev/null; snapshot rows/s of a
/// 1 M-row table beside mariadb-dump of it; COMMIT → topic latency p50/p99. The connector runs in the real Connect
/// runtime (ConnectHost, what connect-standalone runs), in this process. Run:
/// <c>TRIBUTARY_BENCH_WRITE=1 dotnet test tests/Tributary.Cdc.MySql.Tests -c Release -m:1 --filter Category=benchmark</c>
/// (without TRIBUTARY_BENCH_WRITE=1 the lines go to a file in the temporary directory instead).
/// </summary>
[Trait("Category", "benchmark")]
public sealed class CdcBenchmark
{
    private const int StreamRows = 200_000;
    private const int SnapshotRows = 1_000_000;
    private readonly List<string> _lines = [];

    private void Line(string bench, string metric, double value, string unit, double reference, string referenceName, string note) =>
        _lines.Add(CdcBenchmarkKit.Line(bench, metric, value, unit, reference, referenceName, note));

    private static async Task<double> TimeProcessAsync(string file, string arguments)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments} > /dev/null"]) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Creates the connector and waits until <paramref name="topic"/> holds <paramref name="count"/> records; seconds taken.</summary>
    private static async Task<double> RunUntilAsync(ConnectHost worker, KafkaClient client, string name, Dictionary<string, string> config, string topic, long count, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        await worker.Herder.PutConnectorConfigAsync(name, config, allowReplace: false);
        await Eventually.HoldsAsync(async () => FailureOf(worker, name) is not null || await CdcBenchmarkKit.EndOffsetAsync(client, topic) >= count,
            () => $"{count} records on {topic}", within, TimeSpan.FromMilliseconds(20));
        var elapsed = watch.Elapsed.TotalSeconds;
        Assert.True(FailureOf(worker, name) is null, "the task failed: " + FailureOf(worker, name));
        return elapsed;
    }

    /// <summary>The trace of the connector's failed task, or null while none failed.</summary>
    private static string? FailureOf(ConnectHost worker, string name) =>
        worker.Herder.Status(name).Tasks.Select(t => t.State).FirstOrDefault(s => s.State == ConnectState.FAILED) is { } failed ? failed.Trace ?? "(no trace)" : null;

    [Fact]
    public async Task Cdc_throughput_snapshot_and_latency()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        using var directory = new TempDirectory();
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [kafka.Bootstrap] });
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE bench; CREATE TABLE bench.t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(40), c DECIMAL(10,2), d DATETIME);");

        // 1. Binlog → topic: 200,000 rows in 20 transactions, read from the binlog's start by a connector that starts after they are committed.
        await server.ExecuteAsync(string.Join(";", Enumerable.Range(0, StreamRows / 10_000).Select(i =>
            $"INSERT INTO t SELECT seq, seq % 1000, CONCAT('item-', seq), seq / 100, '2021-08-16 10:11:12' + INTERVAL seq SECOND FROM seq_{(i * 10_000) + 1}_to_{(i + 1) * 10_000}")), "bench");
        var binlogFiles = await server.BinaryLogsAsync();
        var config = ChangeEventTests.Config(server, "stream", "bench");
        config["connector.class"] = "io.debezium.connector.mysql.MySqlConnector";
        config["snapshot.mode"] = "never";
        config["max.batch.size"] = "4096";
        double seconds;
        await using (var worker = await CdcBenchmarkKit.WorkerAsync(kafka, directory, schemas: false))
        {
            seconds = await RunUntilAsync(worker, client, "stream", config, "stream.bench.t", StreamRows, TimeSpan.FromMinutes(10));
        }
        var ours = StreamRows / seconds;
        var decode = await TimeProcessAsync("/usr/bin/mariadb-binlog", "--base64-output=decode-rows -v " + string.Join(' ', binlogFiles.Select(f => Path.Combine(server.DataDirectory, f))));
        Line("cdc_mysql_binlog_to_topic", "rows_per_s", ours, "rows/s", StreamRows / decode, "mariadb-binlog --base64-output=decode-rows -v of the same binlog to /dev/null",
            $"{StreamRows} rows (BIGINT, INT, VARCHAR, DECIMAL, DATETIME) in 20 transactions; ours = connector created in the Connect runtime (ConnectHost, as connect-standalone) to the last record in the topic, JsonConverter schemas off");

        // 2. Snapshot of a 1 M-row table.
        await server.ExecuteAsync("CREATE TABLE snap LIKE t; " + string.Join(";", Enumerable.Range(0, SnapshotRows / 100_000).Select(i =>
            $"INSERT INTO snap SELECT seq, seq % 1000, CONCAT('item-', seq), seq / 100, '2021-08-16 10:11:12' + INTERVAL seq SECOND FROM seq_{(i * 100_000) + 1}_to_{(i + 1) * 100_000}")), "bench");
        var snapshotConfig = ChangeEventTests.Config(server, "snap", "bench");
        snapshotConfig["connector.class"] = "io.debezium.connector.mysql.MySqlConnector";
        snapshotConfig["table.include.list"] = "bench.snap";
        snapshotConfig["snapshot.mode"] = "initial_only";
        snapshotConfig["include.schema.changes"] = "false";
        snapshotConfig["max.batch.size"] = "4096";
        await using (var worker = await CdcBenchmarkKit.WorkerAsync(kafka, directory, schemas: false))
        {
            seconds = await RunUntilAsync(worker, client, "snap", snapshotConfig, "snap.bench.snap", SnapshotRows, TimeSpan.FromMinutes(15));
        }
        var snapshot = SnapshotRows / seconds;
        var dump = await TimeProcessAsync("/usr/bin/mariadb-dump", $"--host=127.0.0.1 --port={server.Port} --user=root --password=rootpw --single-transaction bench snap");
        Line("cdc_mysql_snapshot", "rows_per_s", snapshot, "rows/s", SnapshotRows / dump, "mariadb-dump --single-transaction of the same table to /dev/null",
            $"{SnapshotRows} rows; ours = connector created in the Connect runtime to the last r record in the topic, JsonConverter schemas off");

        // 3. COMMIT → topic latency: 300 single-row transactions, each waited for in the topic before the next.
        var latencyConfig = ChangeEventTests.Config(server, "lat", "bench");
        latencyConfig["connector.class"] = "io.debezium.connector.mysql.MySqlConnector";
        latencyConfig["table.include.list"] = "bench.lat";
        latencyConfig["snapshot.mode"] = "no_data";
        await server.ExecuteAsync("CREATE TABLE lat (id INT PRIMARY KEY, v VARCHAR(10))", "bench");
        List<double> latencies;
        await using (var worker = await CdcBenchmarkKit.WorkerAsync(kafka, directory, schemas: true))
        {
            await worker.Herder.PutConnectorConfigAsync("lat", latencyConfig, allowReplace: false);
            await Eventually.HoldsAsync(() => server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(60));
            await using var connection = new MySqlConnector.MySqlConnection(server.RootConnectionString + ";Database=bench");
            await connection.OpenAsync();
            latencies = await CdcBenchmarkKit.CommitToTopicLatenciesAsync(client, "lat.bench.lat", 300, async i =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"INSERT INTO lat VALUES ({i}, 'x')";
                await command.ExecuteNonQueryAsync();
            }, () => FailureOf(worker, "lat") ?? "");
        }
        const string LatencyNote = "300 single-row autocommit INSERTs, each waited for before the next; COMMIT returned to the client → record's offset visible to ListOffsets (polled every ~1 ms), connector in the Connect runtime";
        Line("cdc_mysql_commit_to_topic_latency", "p50_ms", latencies[latencies.Count / 2], "ms", 0, "none (absolute)", LatencyNote);
        Line("cdc_mysql_commit_to_topic_latency", "p99_ms", latencies[(int)(latencies.Count * 0.99)], "ms", 0, "none (absolute)", "as p50");

        await CdcBenchmarkKit.WriteResultsAsync("cdc-mysql.jsonl", _lines);
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
}
