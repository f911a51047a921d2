using System.Text.Json;
using Npgsql;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// The stored source offset has Debezium's meaning (PostgresOffsetContext): <c>lsn_commit</c> the end of the last
/// transaction streamed before the record (the first entry of <c>source.sequence</c>), <c>lsn</c> = <c>lsn_proc</c>
/// the record's own LSN, <c>txId</c>, <c>ts_usec</c> the commit time, <c>messageType</c>. A restart in the middle of
/// a multi-statement transaction — streamed after a transaction that committed while it was open, so change LSNs are
/// not in stream order across the two — resumes right after the last stored change, from our offset and from one
/// written as Debezium writes it (with and without <c>messageType</c>, which Debezium added later).
/// </summary>
[Trait("Category", "process")]
public sealed class OffsetTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    private async Task<Dictionary<string, string>> TableAsync(string schema)
    {
        var config = await RestartAndFailureTests.TableAsync(_server, schema);
        config["publication.name"] = schema;
        config["publication.autocreate.mode"] = "filtered";
        return config;
    }

    private static JsonElement Payload(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload");

    private static long Id(string? value) => Payload(value).GetProperty("after").GetProperty("id").GetInt64();

    private static JsonElement Source(string? value) => Payload(value).GetProperty("source");

    /// <summary>source.sequence's first entry: Debezium's lastCommitLsn when the event was emitted.</summary>
    private static long LastCommit(string? value) =>
        long.Parse(JsonDocument.Parse(Source(value).GetProperty("sequence").GetString()!).RootElement[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Two transactions on two connections: a long one (three statements of <paramref name="perStatement"/> rows, ids
    /// from 1) opened first, and a short one (id 0) that inserts and commits between its statements. The short one is
    /// streamed first (commit order) though the long one's first rows lie before it in the WAL.
    /// </summary>
    private async Task InterleavedAsync(string schema, int perStatement)
    {
        await using var longer = new NpgsqlConnection(_server.ConnectionString());
        await longer.OpenAsync();
        async Task Run(NpgsqlConnection connection, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        await Run(longer, $"BEGIN; INSERT INTO {schema}.t SELECT g, 'long' FROM generate_series(1, {perStatement}) g");
        await _server.ExecuteAsync($"INSERT INTO {schema}.t VALUES (0, 'short')");
        await Run(longer, $"INSERT INTO {schema}.t SELECT g, 'long' FROM generate_series({perStatement + 1}, {2 * perStatement}) g");
        await Run(longer, $"INSERT INTO {schema}.t SELECT g, 'long' FROM generate_series({2 * perStatement + 1}, {3 * perStatement}) g; COMMIT");
    }

    [Fact]
    public async Task Offsets_carry_Debeziums_last_commit_the_records_own_lsn_txId_commit_time_and_message_type()
    {
        var config = await TableAsync("offmeaning");
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore(), schemas: true);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("offmeaning"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO offmeaning.t VALUES (1, 'a')");
        await _server.ExecuteAsync("BEGIN; INSERT INTO offmeaning.t VALUES (2, 'b'); UPDATE offmeaning.t SET note = 'c' WHERE id = 2; DELETE FROM offmeaning.t WHERE id = 1; COMMIT");
        await runner.AwaitAsync("PostgreSQL_server.offmeaning.t", 5);
        var records = runner.SourceRecords("PostgreSQL_server.offmeaning.t");
        var values = runner.Records("PostgreSQL_server.offmeaning.t");
        Assert.Equal(["c", "c", "u", "d", null], values.Select(v => v.Value is null ? null : Payload(v.Value).GetProperty("op").GetString()));

        var firstChange = Source(values[0].Value).GetProperty("lsn").GetInt64();
        var secondTransactionStart = Source(values[1].Value).GetProperty("lsn").GetInt64();
        for (var i = 1; i < 4; i++)
        {
            var offset = records[i].SourceOffset!;
            var source = Source(values[i].Value);
            // The last commit before the record: the first transaction's end, after its change and not past the second's first.
            Assert.Equal(LastCommit(values[i].Value), (long)offset["lsn_commit"]!);
            Assert.InRange((long)offset["lsn_commit"]!, firstChange + 1, secondTransactionStart);
            Assert.Equal(source.GetProperty("lsn").GetInt64(), (long)offset["lsn"]!);
            Assert.Equal(source.GetProperty("lsn").GetInt64(), (long)offset["lsn_proc"]!);
            Assert.Equal(source.GetProperty("txId").GetInt64(), (long)offset["txId"]!);
            Assert.Equal(source.GetProperty("ts_us").GetInt64(), (long)offset["ts_usec"]!);
        }
        Assert.Equal(["INSERT", "UPDATE", "DELETE"], records.Skip(1).Take(3).Select(r => (string)r.SourceOffset!["messageType"]!));
        // The tombstone carries its delete's offset.
        Assert.Equal(records[3].SourceOffset!["lsn_proc"], records[4].SourceOffset!["lsn_proc"]);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_multi_statement_transaction_resumes_after_the_last_stored_change()
    {
        const string Topic = "PostgreSQL_server.offrestart.t";
        const int PerStatement = 1000;
        var config = await TableAsync("offrestart");
        // Small batches and queue: the stop below lands well inside the long transaction.
        config["max.batch.size"] = "10";
        config["max.queue.size"] = "20";
        var offsets = new MemoryOffsetStore();
        IReadOnlyList<(string? Key, string? Value)> first;
        await using (var runner = await TaskRunner.StartAsync(config, offsets, schemas: true))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("offrestart"), "the connector streaming", TimeSpan.FromSeconds(30));
            await InterleavedAsync("offrestart", PerStatement);
            await runner.AwaitAsync(Topic, 200);
            await runner.StopAsync();
            first = runner.Records(Topic);
        }
        Assert.InRange(first.Count, 200, 3 * PerStatement - 1); // stopped inside the long transaction
        Assert.Equal(0L, Id(first[0].Value));
        var stored = offsets.Offset(CdcSourceTask.SourcePartition("PostgreSQL_server"))!;
        var last = first[^1].Value;
        // Debezium's meaning: the short transaction ended before the long one's records; the long one's xid and last change.
        Assert.Equal(LastCommit(last), (long)stored["lsn_commit"]!);
        Assert.Equal(LastCommit(last), LastCommit(first[1].Value));
        Assert.Equal(Source(last).GetProperty("txId").GetInt64(), (long)stored["txId"]!);
        Assert.Equal(Source(last).GetProperty("lsn").GetInt64(), (long)stored["lsn_proc"]!);
        Assert.True(Source(first[1].Value).GetProperty("lsn").GetInt64() < (long)stored["lsn_commit"]!,
            "the long transaction's first rows lie before the short one's commit in the WAL");

        await using var again = await TaskRunner.StartAsync(config, offsets, schemas: true);
        var rest = await again.AwaitAsync(Topic, 3 * PerStatement + 1 - first.Count);
        await Task.Delay(TimeSpan.FromSeconds(1));
        rest = again.Records(Topic);
        // Every row once, in order, the restart starting right after the last stored change.
        Assert.Equal(Enumerable.Range(0, 3 * PerStatement + 1).Select(i => (long)i), first.Concat(rest).Select(r => Id(r.Value)));
    }

    [Fact]
    public void Debeziums_snapshot_offsets_read_as_an_unfinished_or_a_finished_snapshot_with_no_commit_known()
    {
        Dictionary<string, object?> Snapshot(bool last) => new()
        {
            ["lsn"] = 24023128L,
            ["txId"] = 556L,
            ["ts_usec"] = 1559033904863769L,
            ["snapshot"] = true,
            ["last_snapshot_record"] = last,
        };
        var running = PostgresOffset.FromMap(Snapshot(false))!;
        var done = PostgresOffset.FromMap(Snapshot(true))!;
        Assert.True(running.Snapshot);
        Assert.False(done.Snapshot);
        // No lsn_commit nor lsn_proc: no transaction is known to be emitted, the stream starts where the slot stands.
        Assert.Equal(0UL, done.LsnCommit);
        Assert.Equal(24023128UL, done.Lsn);
        Assert.False(done.Covers(1, 700, 1));
        // Debezium's loader: lsn_commit missing → lsn_proc.
        var streaming = PostgresOffset.FromMap(new Dictionary<string, object?> { ["lsn_proc"] = 500L, ["lsn"] = 400L, ["txId"] = 9L })!;
        Assert.Equal((500UL, 500UL), (streaming.LsnCommit, streaming.Lsn!.Value));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_offset_written_as_Debezium_writes_it_resumes_after_its_change(bool withMessageType)
    {
        var schema = withMessageType ? "offdbz" : "offdbzold";
        var topic = $"PostgreSQL_server.{schema}.t";
        const int PerStatement = 100;
        var config = await TableAsync(schema);
        IReadOnlyList<(string? Key, string? Value)> all;
        await using (var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore(), schemas: true))
        {
            // Nothing confirmed to the slot: a later start receives everything again.
            runner.CommitOffsets = false;
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync(schema), "the connector streaming", TimeSpan.FromSeconds(30));
            await InterleavedAsync(schema, PerStatement);
            await _server.ExecuteAsync($"INSERT INTO {schema}.t VALUES ({3 * PerStatement + 1}, 'after')");
            all = await runner.AwaitAsync(topic, 3 * PerStatement + 2);
        }
        // Debezium's offset after the long transaction's 150th row, from that event alone (PostgresOffsetContext.getOffset).
        var at = all[150].Value;
        var source = Source(at);
        var debezium = new Dictionary<string, object?>
        {
            ["lsn_proc"] = source.GetProperty("lsn").GetInt64(),
            ["lsn_commit"] = LastCommit(at),
            ["lsn"] = source.GetProperty("lsn").GetInt64(),
            ["txId"] = source.GetProperty("txId").GetInt64(),
            ["ts_usec"] = source.GetProperty("ts_us").GetInt64(),
        };
        if (withMessageType)
        {
            debezium["messageType"] = "INSERT";
        }
        var offsets = new MemoryOffsetStore();
        offsets.Put(CdcSourceTask.SourcePartition("PostgreSQL_server"), debezium);
        await using var resumed = await TaskRunner.StartAsync(config, offsets, schemas: true);
        resumed.CommitOffsets = false;
        var rest = await resumed.AwaitAsync(topic, all.Count - 151);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(all.Skip(151).Select(r => Id(r.Value)), resumed.Records(topic).Select(r => Id(r.Value)));
    }
}
