using System.Diagnostics;
using Tributary.Client;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// Issue 16's benchmark (the "benchmark" category, not part of ./test.sh). Writes JSON lines to
/// bench/results/cdc-postgres.jsonl, each beside its reference from the same run: committed INSERTs → topic rows/s
/// beside <c>pg_recvlogical</c> receiving the same changes with pgoutput (its own slot, created at the same point, read
/// to the same end LSN, output to /dev/null); COMMIT → topic latency p50/p99. The connector runs in the real Connect
/// runtime (ConnectHost, what connect-standalone runs) in this process, against the in-process broker. Run:
/// <c>dotnet test tests/Tributary.Cdc.Postgres.Tests --filter Category=benchmark</c> (bench/results/README.md says which build).
/// </summary>
[Trait("Category", "benchmark")]
public sealed class PostgresCdcBenchmark
{
    private const int StreamRows = 100_000;
    private const int Transactions = 10;

    [Fact]
    public async Task Cdc_throughput_beside_pg_recvlogical_and_latency()
    {
        var lines = new List<string>();
        void Line(string bench, string metric, double value, string unit, double reference, string referenceName, string note) =>
            lines.Add(CdcBenchmarkKit.Line(bench, metric, value, unit, reference, referenceName, note));

        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await PostgresServer.StartAsync();
        using var directory = new TempDirectory();
        await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [kafka.Bootstrap] });
        await server.ExecuteAsync("""
            CREATE SCHEMA bench;
            CREATE TABLE bench.t (id bigint PRIMARY KEY, a int, b varchar(40), c numeric(10,2), d timestamp);
            CREATE PUBLICATION bench_pub FOR TABLE bench.t;
            """);
        // One statement each: a slot cannot be created in a transaction that wrote (a multi-statement command is one).
        await server.ExecuteAsync("SELECT pg_create_logical_replication_slot('bench_ours', 'pgoutput')");
        await server.ExecuteAsync("SELECT pg_create_logical_replication_slot('bench_ref', 'pgoutput')");

        // 1. Committed INSERTs → topic: the rows are committed first, then both readers start from their slots.
        for (var i = 0; i < Transactions; i++)
        {
            var from = (i * (StreamRows / Transactions)) + 1;
            await server.ExecuteAsync($"INSERT INTO bench.t SELECT g, g % 1000, 'item-' || g, g / 100.0, timestamp '2021-08-16 10:11:12' + g * interval '1 second' " +
                                      $"FROM generate_series({from}, {from + (StreamRows / Transactions) - 1}) g");
        }
        var endLsn = (string)(await server.ScalarAsync("SELECT pg_current_wal_lsn()::text"))!;
        var config = ChangeEventTests.Config(server, "bench_ours");
        config["topic.prefix"] = "pgbench";
        config["publication.name"] = "bench_pub";
        config["publication.autocreate.mode"] = "disabled";
        config["snapshot.mode"] = "no_data";
        config["max.batch.size"] = "4096";
        config["slot.retained.wal.check.interval.ms"] = "0";
        double seconds;
        await using (var worker = await CdcBenchmarkKit.WorkerAsync(kafka, directory, schemas: false))
        {
            var watch = Stopwatch.StartNew();
            await worker.Herder.PutConnectorConfigAsync("stream", config, allowReplace: false);
            await Eventually.HoldsAsync(async () => await CdcBenchmarkKit.EndOffsetAsync(client, "pgbench.bench.t") >= StreamRows,
                () => $"{StreamRows} records on pgbench.bench.t", TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(20));
            seconds = watch.Elapsed.TotalSeconds;
        }
        string[] recvArguments =
        [
            "-d", $"host=127.0.0.1 port={server.Port} user=postgres password={PostgresServer.SuperuserPassword} dbname=postgres",
            "--slot", "bench_ref", "--start", "-o", "proto_version=1", "-o", "publication_names=bench_pub", "--endpos", endLsn, "-f", "/dev/null", "--no-loop",
        ];
        var reference = Stopwatch.StartNew();
        using (var recv = Process.Start(new ProcessStartInfo($"{PostgresServer.BinDirectory}/pg_recvlogical", recvArguments) { RedirectStandardError = true })!)
        {
            var error = await recv.StandardError.ReadToEndAsync();
            await recv.WaitForExitAsync();
            Assert.True(recv.ExitCode == 0, error);
        }
        var recvSeconds = reference.Elapsed.TotalSeconds;
        Line("cdc_postgres_wal_to_topic", "rows_per_s", StreamRows / seconds, "rows/s", StreamRows / recvSeconds,
            "pg_recvlogical --slot (pgoutput proto 1, same publication) --start --endpos <LSN after the inserts> -f /dev/null",
            $"{StreamRows} rows (bigint, int, varchar, numeric, timestamp) in {Transactions} committed transactions, read from a slot created before them; " +
            "ours = connector created in the Connect runtime (ConnectHost, as connect-standalone) to the last record in the topic, JsonConverter schemas off");

        // 2. COMMIT → topic latency: 300 single-row transactions, each waited for in the topic before the next.
        await server.ExecuteAsync("CREATE TABLE bench.lat (id int PRIMARY KEY, v text)");
        var latencyConfig = ChangeEventTests.Config(server, "bench_lat");
        latencyConfig["topic.prefix"] = "pglat";
        latencyConfig["table.include.list"] = "bench\\.lat";
        latencyConfig["snapshot.mode"] = "no_data";
        latencyConfig["slot.retained.wal.check.interval.ms"] = "0";
        List<double> latencies;
        await using (var worker = await CdcBenchmarkKit.WorkerAsync(kafka, directory, schemas: true))
        {
            await worker.Herder.PutConnectorConfigAsync("lat", latencyConfig, allowReplace: false);
            await Eventually.HoldsAsync(() => server.SlotActiveAsync("bench_lat"), "the connector streaming", TimeSpan.FromSeconds(60));
            await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString());
            await connection.OpenAsync();
            latencies = await CdcBenchmarkKit.CommitToTopicLatenciesAsync(client, "pglat.bench.lat", 300, async i =>
            {
                await using var command = new Npgsql.NpgsqlCommand($"INSERT INTO bench.lat VALUES ({i}, 'x')", connection);
                await command.ExecuteNonQueryAsync();
            }, () => "");
        }
        const string LatencyNote = "300 single-row autocommit INSERTs, each waited for before the next; COMMIT returned to the client → record's offset visible to ListOffsets (polled every ~1 ms), connector in the Connect runtime";
        Line("cdc_postgres_commit_to_topic_latency", "p50_ms", latencies[latencies.Count / 2], "ms", 0, "none (absolute)", LatencyNote);
        Line("cdc_postgres_commit_to_topic_latency", "p99_ms", latencies[(int)(latencies.Count * 0.99)], "ms", 0, "none (absolute)", "as p50");

        await CdcBenchmarkKit.WriteResultsAsync("cdc-postgres.jsonl", lines);
    }
}
