using System.Text.Json;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>Restarts from stored offsets (exactly once after a clean stop, at least once after a crash) and setups the connector refuses with a reason.</summary>
[Trait("Category", "process")]
public sealed class RestartAndFailureTests
{
    private static async Task<List<long>> IdsAsync(string bootstrap, string topic)
    {
        var events = await Kcat.ReadAllAsync(bootstrap, topic);
        return [.. events.Where(e => e.Value is not null).Select(e => JsonDocument.Parse(e.Value!).RootElement.GetProperty("payload").GetProperty("after").GetProperty("id").GetInt64())];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_100000_row_transaction_interrupted_midway_is_delivered_exactly_once_after_a_clean_stop_and_at_least_once_after_a_crash(bool clean)
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE big; CREATE TABLE big.t (id BIGINT PRIMARY KEY, note VARCHAR(20));");
        var config = ChangeEventTests.Config(server, "big", "big");
        config["max.batch.size"] = "1000";
        config["max.queue.size"] = "2000";
        var offsets = new MemoryOffsetStore();
        var first = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        await Eventually.HoldsAsync(() => first.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO t SELECT seq, 'row' FROM seq_1_to_100000", "big");
        await Eventually.HoldsAsync(() => first.Failure is not null || Interlocked.Read(ref first.Produced) >= 30000, "30,000 records before the interruption", TimeSpan.FromSeconds(60));
        if (!clean)
        {
            // A worker killed before its offset flush: the records of the last batches are in the topic, their offsets are not.
            first.FlushOffsets = false;
            await Eventually.HoldsAsync(() => first.Failure is not null || Interlocked.Read(ref first.Produced) >= 40000, "10,000 more records without offsets", TimeSpan.FromSeconds(60));
        }
        await first.DisposeAsync();
        Assert.Null(first.Failure);
        var before = Interlocked.Read(ref first.Produced);
        Assert.True(before < 100001, $"the first run should stop mid-transaction; produced {before}");

        await using var second = await TaskDriver.StartAsync(config, kafka.Bootstrap, offsets);
        // The whole topic (100,000 records with schemas, parsed twice) is read only once it holds at least 100,000.
        await Eventually.HoldsAsync(async () => second.Failure is not null || await Kcat.EndOffsetAsync(kafka.Bootstrap, "big.big.t") >= 100000 && (await IdsAsync(kafka.Bootstrap, "big.big.t")).Distinct().Count() == 100000,
            "all 100,000 rows in the topic", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(2));
        Assert.Null(second.Failure);
        var ids = await IdsAsync(kafka.Bootstrap, "big.big.t");
        Assert.Equal(100000, ids.Distinct().Count());
        if (clean)
        {
            Assert.Equal(100000, ids.Count); // exactly once: the restart skipped the rows already delivered
        }
        else
        {
            Assert.True(ids.Count > 100000, $"after the crash the unflushed rows are delivered again (at least once); got {ids.Count}");
        }
    }

    private static async Task<string> FailureAsync(MariaDbServer server, Dictionary<string, string> config)
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var driver = await TaskDriver.StartAsync(config, kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null, "the task to fail", TimeSpan.FromSeconds(30));
        return driver.Failure!.Message;
    }

    [Fact]
    public async Task A_wrong_password_fails_the_task_with_the_servers_access_denied()
    {
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser);
        var config = ChangeEventTests.Config(server, "bad", "x");
        config["database.password"] = "wrong";
        var message = await FailureAsync(server, config);
        Assert.Contains("Access denied", message);
        Assert.Contains("'cdc'", message);
    }

    [Fact]
    public async Task A_server_without_binlog_fails_the_task_saying_so()
    {
        await using var server = await MariaDbServer.StartAsync("--skip-log-bin");
        await server.ExecuteAsync(ChangeEventTests.CdcUser);
        var message = await FailureAsync(server, ChangeEventTests.Config(server, "bad", "x"));
        Assert.Contains("binlog", message);
        Assert.Contains("log_bin", message);
    }

    [Fact]
    public async Task A_statement_binlog_format_fails_the_task_saying_so()
    {
        await using var server = await MariaDbServer.StartAsync("--binlog-format=STATEMENT");
        await server.ExecuteAsync(ChangeEventTests.CdcUser);
        var message = await FailureAsync(server, ChangeEventTests.Config(server, "bad", "x"));
        Assert.Contains("binlog_format=ROW", message);
        Assert.Contains("STATEMENT", message);
    }

    [Fact]
    public async Task A_user_without_replication_privileges_fails_the_task_naming_the_privilege()
    {
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync("CREATE USER 'cdc'@'%' IDENTIFIED BY 'cdc-pw'; GRANT SELECT ON *.* TO 'cdc'@'%';");
        var message = await FailureAsync(server, ChangeEventTests.Config(server, "bad", "x"));
        Assert.Contains("privilege", message);
    }
}
