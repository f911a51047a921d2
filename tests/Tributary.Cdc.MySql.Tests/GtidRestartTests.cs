using System.Text.Json;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// GTID positioning against real MariaDB: offsets carry the server's GTID position, and a restart resumes by GTID
/// (with the event/row skips inside the transaction) where the stored binlog file and position no longer lead
/// anywhere: the file was purged, or the offset names a file this server never had.
/// </summary>
[Trait("Category", "process")]
public sealed class GtidRestartTests
{
    private static readonly IReadOnlyDictionary<string, object?> Partition = new Dictionary<string, object?> { ["server"] = "g" };

    /// <summary>The data topic's payloads; none while the topic does not exist yet (it is created by the first record).</summary>
    private static async Task<List<JsonElement>> PayloadsAsync(string bootstrap, string topic)
    {
        IReadOnlyList<Kcat.Message> messages;
        try
        {
            messages = await Kcat.ReadAllAsync(bootstrap, topic);
        }
        catch (Exception error) when (error.Message.Contains("Unknown topic or partition", StringComparison.Ordinal))
        {
            return [];
        }
        return [.. messages.Where(e => e.Value is not null).Select(e => JsonDocument.Parse(e.Value!).RootElement.GetProperty("payload").Clone())];
    }

    private static async Task<List<long>> IdsAsync(string bootstrap, string topic) =>
        [.. (await PayloadsAsync(bootstrap, topic)).Select(p => p.GetProperty("after").GetProperty("id").GetInt64())];

    /// <summary>
    /// PURGE BINARY LOGS up to the newest file. The server skips files a binlog dump thread still reads, and the
    /// stopped connector's dump thread lingers until it next writes to the closed socket: retried until only the
    /// newest file is left.
    /// </summary>
    private static async Task<string> PurgeAllButNewestAsync(MariaDbServer server)
    {
        var newest = (await server.BinaryLogsAsync())[^1];
        await Eventually.HoldsAsync(async () =>
        {
            await server.ExecuteAsync($"PURGE BINARY LOGS TO '{newest}'");
            return (await server.BinaryLogsAsync()).SequenceEqual([newest]);
        }, "the older binlog files purged", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        return newest;
    }

    private static async Task<(MariaDbServer Server, InProcessKafka Kafka, Dictionary<string, string> Config)> SetUpAsync()
    {
        var kafka = await InProcessKafka.StartAsync();
        var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE g; CREATE TABLE g.t (id BIGINT PRIMARY KEY, note VARCHAR(20));");
        return (server, kafka, ChangeEventTests.Config(server, "g", "g"));
    }

    private static async Task<TaskDriver> StreamingAsync(MariaDbServer server, Dictionary<string, string> config, string bootstrap, MemoryOffsetStore offsets)
    {
        var driver = await TaskDriver.StartAsync(config, bootstrap, offsets);
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);
        return driver;
    }

    [Fact]
    public async Task After_the_stored_binlog_file_is_flushed_and_purged_a_restart_resumes_by_gtid_exactly_after_the_last_change()
    {
        var (server, kafka, config) = await SetUpAsync();
        await using var _ = server;
        await using var __ = kafka;
        // Heartbeats carry the offset past the last transaction (the GTID set including it), as on a quiet table.
        config["heartbeat.interval.ms"] = "100";
        var offsets = new MemoryOffsetStore();
        await using (var first = await StreamingAsync(server, config, kafka.Bootstrap, offsets))
        {
            for (var id = 1; id <= 3; id++)
            {
                await server.ExecuteAsync($"INSERT INTO t VALUES ({id}, 'first run')", "g");
            }
            await Eventually.HoldsAsync(async () => first.Failure is not null || (await IdsAsync(kafka.Bootstrap, "g.g.t")).Count == 3, "three inserts in the topic", TimeSpan.FromSeconds(30));
            Assert.Null(first.Failure);
            var payload = (await PayloadsAsync(kafka.Bootstrap, "g.g.t"))[2];
            // source.gtid is the transaction's MariaDB GTID: domain 0, server 1.
            Assert.Matches(@"^0-1-\d+$", payload.GetProperty("source").GetProperty("gtid").GetString());
            var binlogPosition = await server.ScalarAsync("SELECT @@global.gtid_binlog_pos");
            await Eventually.HoldsAsync(() => offsets.Offset(Partition)?["gtids"] as string == binlogPosition,
                () => $"the stored gtids {offsets.Offset(Partition)?["gtids"]} to reach the server's {binlogPosition}", TimeSpan.FromSeconds(30));
        }
        var stored = offsets.Offset(Partition)!;
        var storedFile = (string)stored["file"]!;

        await server.ExecuteAsync("FLUSH BINARY LOGS");
        for (var id = 4; id <= 6; id++)
        {
            await server.ExecuteAsync($"INSERT INTO t VALUES ({id}, 'while stopped')", "g");
        }
        var newest = await PurgeAllButNewestAsync(server);
        Assert.NotEqual(storedFile, newest);

        // Without its GTIDs the same offset names a purged file: the connector cannot resume from it.
        var fileOnly = new MemoryOffsetStore();
        fileOnly.Put(Partition, stored.Where(p => p.Key != "gtids").ToDictionary(p => p.Key, p => p.Value));
        await using (var withoutGtids = await TaskDriver.StartAsync(config, kafka.Bootstrap, fileOnly))
        {
            await Eventually.HoldsAsync(() => withoutGtids.Failure is not null, "the file/position-only restart to fail", TimeSpan.FromSeconds(30));
            Assert.Contains("no longer available", withoutGtids.Failure!.Message);
        }

        await using var second = await StreamingAsync(server, config, kafka.Bootstrap, offsets);
        await server.ExecuteAsync("INSERT INTO t VALUES (7, 'second run')", "g");
        await Eventually.HoldsAsync(async () => second.Failure is not null || (await IdsAsync(kafka.Bootstrap, "g.g.t")).Count >= 7, "seven inserts in the topic", TimeSpan.FromSeconds(30));
        Assert.Null(second.Failure);
        var finalPosition = await server.ScalarAsync("SELECT @@global.gtid_binlog_pos");
        await Eventually.HoldsAsync(() => offsets.Offset(Partition)?["gtids"] as string == finalPosition, "the stored gtids to reach the server's", TimeSpan.FromSeconds(30));
        await second.StopAsync();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], await IdsAsync(kafka.Bootstrap, "g.g.t"));
        var last = (await PayloadsAsync(kafka.Bootstrap, "g.g.t"))[^1].GetProperty("source");
        Assert.Equal(newest, last.GetProperty("file").GetString());
    }

    [Fact]
    public async Task A_restart_mid_transaction_from_an_offset_whose_file_this_server_never_had_resumes_by_gtid_and_skips_the_rows_delivered()
    {
        var (server, kafka, config) = await SetUpAsync();
        await using var _ = server;
        await using var __ = kafka;
        config["max.batch.size"] = "500";
        config["max.queue.size"] = "1000";
        var offsets = new MemoryOffsetStore();
        await using (var first = await StreamingAsync(server, config, kafka.Bootstrap, offsets))
        {
            await server.ExecuteAsync("INSERT INTO t VALUES (0, 'before')", "g");
            await server.ExecuteAsync("INSERT INTO t SELECT seq, 'row' FROM seq_1_to_20000", "g");
            await Eventually.HoldsAsync(() => first.Failure is not null || Interlocked.Read(ref first.Produced) >= 5000, "5,000 records before the interruption", TimeSpan.FromSeconds(60));
        }
        var stored = offsets.Offset(Partition)!;
        Assert.True(stored.ContainsKey("row") || stored.ContainsKey("event"), "the first run should stop inside the 20,000-row transaction");
        Assert.NotNull(stored["gtids"]);
        var delivered = (await IdsAsync(kafka.Bootstrap, "g.g.t")).Count;
        Assert.True(delivered < 20001, $"the first run should stop mid-transaction; delivered {delivered}");

        // The offset as another server would hold it (binlog files named differently, as after a failover or a
        // restore): only the GTID position and the skip counts still mean something here.
        var moved = stored.ToDictionary(p => p.Key, p => p.Value);
        moved["file"] = "other-host-bin.000042";
        moved["pos"] = 4L;
        offsets.Put(Partition, moved);

        await using var second = await StreamingAsync(server, config, kafka.Bootstrap, offsets);
        await Eventually.HoldsAsync(async () => second.Failure is not null || (await IdsAsync(kafka.Bootstrap, "g.g.t")).Count >= 20001,
            "all 20,001 rows in the topic", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(2));
        Assert.Null(second.Failure);
        await second.StopAsync();
        var ids = await IdsAsync(kafka.Bootstrap, "g.g.t");
        Assert.Equal(20001, ids.Count); // exactly once: the skip counts applied to the transaction the GTID led back to
        Assert.Equal(20001, ids.Distinct().Count());
        Assert.StartsWith("mysql-bin.", (string)offsets.Offset(Partition)!["file"]!);
    }

    [Theory]
    [InlineData("initial")]
    [InlineData("when_needed")]
    public async Task A_restart_whose_gtids_were_purged_fails_saying_so_or_with_when_needed_takes_a_new_snapshot(string snapshotMode)
    {
        var (server, kafka, config) = await SetUpAsync();
        config["snapshot.mode"] = snapshotMode;
        await using var _ = server;
        await using var __ = kafka;
        var offsets = new MemoryOffsetStore();
        await using (var first = await StreamingAsync(server, config, kafka.Bootstrap, offsets))
        {
            await server.ExecuteAsync("INSERT INTO t VALUES (1, 'seen')", "g");
            await Eventually.HoldsAsync(async () => first.Failure is not null || (await IdsAsync(kafka.Bootstrap, "g.g.t")).Count == 1, "the insert in the topic", TimeSpan.FromSeconds(30));
        }
        var stored = offsets.Offset(Partition);
        Assert.NotNull(stored);
        await server.ExecuteAsync("INSERT INTO t VALUES (2, 'never seen')", "g");
        await server.ExecuteAsync("FLUSH BINARY LOGS");
        await PurgeAllButNewestAsync(server);
        await using var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        if (snapshotMode == "when_needed")
        {
            // The unseen insert is gone from the binlog: a new snapshot reads it from the table (op=r), then streaming goes on.
            await Eventually.HoldsAsync(async () => second.Failure is not null || (await PayloadsAsync(kafka.Bootstrap, "g.g.t")).Count >= 3,
                "the snapshot's two rows after the first run's insert", TimeSpan.FromSeconds(30));
            Assert.Null(second.Failure);
            var snapshot = (await PayloadsAsync(kafka.Bootstrap, "g.g.t")).Skip(1).ToList();
            Assert.Equal(["r", "r"], snapshot.Select(p => p.GetProperty("op").GetString()));
            Assert.Equal([1L, 2L], snapshot.Select(p => p.GetProperty("after").GetProperty("id").GetInt64()));
            return;
        }
        await Eventually.HoldsAsync(() => second.Failure is not null, () => $"the restart from {JsonSerializer.Serialize(stored)} to fail", TimeSpan.FromSeconds(30));
        Assert.Contains("after GTIDs 0-1-", second.Failure!.Message);
        Assert.Contains("no longer available", second.Failure.Message);
    }
}
