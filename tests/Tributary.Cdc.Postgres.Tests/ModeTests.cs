using System.Text.Json;

namespace Tributary.Cdc.Postgres.Tests;

/// <summary>
/// The connector's slot, publication and snapshot settings against the real PostgreSQL: what
/// <c>publication.autocreate.mode</c> makes of the publication (pg_publication, pg_publication_tables), whether
/// <c>slot.drop.on.stop</c> drops the slot (pg_replication_slots), and which rows each <c>snapshot.mode</c> reads
/// before streaming. Each test works in schemas, a slot and a publication of its own.
/// </summary>
[Trait("Category", "process")]
public sealed class ModeTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private readonly PostgresServer _server = fixture.Server;

    /// <summary>Schema <paramref name="schema"/> with tables a and b (two rows each) and a config capturing it on slot <paramref name="schema"/>.</summary>
    private async Task<Dictionary<string, string>> SchemaAsync(string schema)
    {
        await _server.ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.a (id int PRIMARY KEY, note text);
            CREATE TABLE {schema}.b (id int PRIMARY KEY, note text);
            INSERT INTO {schema}.a VALUES (1, 'a1'), (2, 'a2');
            INSERT INTO {schema}.b VALUES (1, 'b1'), (2, 'b2');
            """);
        var config = ChangeEventTests.Config(_server, schema);
        config["schema.include.list"] = schema;
        config["publication.name"] = "pub_" + schema;
        return config;
    }

    private async Task<List<string>> PublicationTablesAsync(string publication)
    {
        var tables = (string?)await _server.ScalarAsync(
            $"SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname, tablename) FROM pg_publication_tables WHERE pubname = '{publication}'");
        return tables is null ? [] : [.. tables.Split(',')];
    }

    private static string Op(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload").GetProperty("op").GetString()!;

    private static int Id(string? value) => JsonDocument.Parse(value!).RootElement.GetProperty("payload").GetProperty("after").GetProperty("id").GetInt32();

    [Fact]
    public async Task Publication_autocreate_all_tables_creates_a_publication_for_all_tables()
    {
        var config = await SchemaAsync("puball");
        config["publication.autocreate.mode"] = "all_tables";
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await runner.AwaitAsync("PostgreSQL_server.puball.b", 2);
        Assert.Equal(true, await _server.ScalarAsync("SELECT puballtables FROM pg_publication WHERE pubname = 'pub_puball'"));
        Assert.Contains("puball.a", await PublicationTablesAsync("pub_puball"));
    }

    [Fact]
    public async Task Publication_autocreate_filtered_creates_or_narrows_the_publication_to_the_captured_tables()
    {
        // A new publication: created for the captured tables only.
        var config = await SchemaAsync("pubfil");
        config["publication.autocreate.mode"] = "filtered";
        config["table.include.list"] = "pubfil\\.a";
        config["snapshot.mode"] = "no_data";
        await using (var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore()))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("pubfil"), "the connector streaming", TimeSpan.FromSeconds(30));
            Assert.Equal(["pubfil.a"], await PublicationTablesAsync("pub_pubfil"));
            Assert.Equal(false, await _server.ScalarAsync("SELECT puballtables FROM pg_publication WHERE pubname = 'pub_pubfil'"));
            await _server.ExecuteAsync("INSERT INTO pubfil.b VALUES (3, 'b3'); INSERT INTO pubfil.a VALUES (3, 'a3');");
            var events = await runner.AwaitAsync("PostgreSQL_server.pubfil.a", 1);
            Assert.Equal(3, Id(events[0].Value));
            Assert.DoesNotContain("PostgreSQL_server.pubfil.b", runner.Topics);
        }

        // An existing publication of other tables: set to the captured ones.
        var other = await SchemaAsync("pubset");
        await _server.ExecuteAsync("CREATE PUBLICATION pub_pubset FOR TABLE pubset.b");
        other["publication.autocreate.mode"] = "filtered";
        other["table.include.list"] = "pubset\\.a";
        other["snapshot.mode"] = "no_data";
        await using (var runner = await TaskRunner.StartAsync(other, new MemoryOffsetStore()))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("pubset"), "the connector streaming", TimeSpan.FromSeconds(30));
            Assert.Equal(["pubset.a"], await PublicationTablesAsync("pub_pubset"));
        }
    }

    [Fact]
    public async Task Publication_autocreate_disabled_uses_an_existing_publication_and_fails_without_one()
    {
        var config = await SchemaAsync("pubdis");
        config["publication.autocreate.mode"] = "disabled";
        await using (var missing = await TaskRunner.StartAsync(config, new MemoryOffsetStore()))
        {
            await Eventually.HoldsAsync(() => missing.Failure is not null, "the task failing without the publication", TimeSpan.FromSeconds(30));
            Assert.Contains("pub_pubdis", missing.Failure!.Message);
            Assert.Null(await _server.ScalarAsync("SELECT pubname FROM pg_publication WHERE pubname = 'pub_pubdis'"));
        }

        // The operator's publication (of table b only) is used as it is.
        await _server.ExecuteAsync("CREATE PUBLICATION pub_pubdis FOR TABLE pubdis.b");
        config["slot.name"] = "pubdis2";
        config["snapshot.mode"] = "no_data";
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("pubdis2"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO pubdis.a VALUES (3, 'a3'); INSERT INTO pubdis.b VALUES (3, 'b3');");
        var events = await runner.AwaitAsync("PostgreSQL_server.pubdis.b", 1);
        Assert.Equal(3, Id(events[0].Value));
        Assert.Equal(["pubdis.b"], await PublicationTablesAsync("pub_pubdis"));
        Assert.DoesNotContain("PostgreSQL_server.pubdis.a", runner.Topics);
    }

    [Fact]
    public async Task Slot_drop_on_stop_drops_the_slot_after_a_clean_stop_and_keeps_it_otherwise()
    {
        var keep = await SchemaAsync("slotkeep");
        keep["snapshot.mode"] = "no_data";
        await using (var runner = await TaskRunner.StartAsync(keep, new MemoryOffsetStore()))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("slotkeep"), "the connector streaming", TimeSpan.FromSeconds(30));
            await runner.StopAsync();
        }
        Assert.Equal("slotkeep", await _server.ScalarAsync("SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'slotkeep'"));

        var drop = await SchemaAsync("slotdrop");
        drop["snapshot.mode"] = "no_data";
        drop["slot.drop.on.stop"] = "true";
        await using (var runner = await TaskRunner.StartAsync(drop, new MemoryOffsetStore()))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("slotdrop"), "the connector streaming", TimeSpan.FromSeconds(30));
            await runner.StopAsync();
        }
        Assert.Null(await _server.ScalarAsync("SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'slotdrop'"));
    }

    [Fact]
    public async Task Snapshot_mode_initial_reads_the_rows_once_then_streams()
    {
        var config = await SchemaAsync("snapinit");
        config["snapshot.mode"] = "initial";
        var offsets = new MemoryOffsetStore();
        await using (var runner = await TaskRunner.StartAsync(config, offsets))
        {
            var a = await runner.AwaitAsync("PostgreSQL_server.snapinit.a", 2);
            var b = await runner.AwaitAsync("PostgreSQL_server.snapinit.b", 2);
            Assert.All(a.Concat(b), r => Assert.Equal("r", Op(r.Value)));
            await runner.StopAsync();
        }
        // A restart with the stored offsets streams without reading the tables again.
        await using var again = await TaskRunner.StartAsync(config, offsets);
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("snapinit"), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO snapinit.a VALUES (3, 'a3')");
        var events = await again.AwaitAsync("PostgreSQL_server.snapinit.a", 1);
        Assert.Single(events);
        Assert.Equal("c", Op(events[0].Value));
        Assert.Equal(3, Id(events[0].Value));
    }

    [Theory]
    [InlineData("initial_only")]
    public async Task Snapshot_mode_initial_only_reads_the_rows_and_streams_nothing(string mode)
    {
        var config = await SchemaAsync("snaponly");
        config["snapshot.mode"] = mode;
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await runner.AwaitAsync("PostgreSQL_server.snaponly.b", 2);
        await _server.ExecuteAsync("INSERT INTO snaponly.a VALUES (3, 'a3')");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Null(runner.Failure);
        Assert.Equal(2, runner.Records("PostgreSQL_server.snaponly.a").Count);
        Assert.All(runner.Records("PostgreSQL_server.snaponly.a"), r => Assert.Equal("r", Op(r.Value)));
    }

    [Theory]
    [InlineData("no_data", "snapnodata")]
    [InlineData("never", "snapnever")]
    public async Task Snapshot_modes_no_data_and_never_stream_without_reading_the_rows(string mode, string schema)
    {
        var config = await SchemaAsync(schema);
        config["snapshot.mode"] = mode;
        await using var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync(schema), "the connector streaming", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync($"INSERT INTO {schema}.a VALUES (3, 'a3')");
        var events = await runner.AwaitAsync($"PostgreSQL_server.{schema}.a", 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(runner.Records($"PostgreSQL_server.{schema}.a"));
        Assert.Equal("c", Op(events[0].Value));
        Assert.DoesNotContain($"PostgreSQL_server.{schema}.b", runner.Topics);
    }

    [Fact]
    public async Task Snapshot_mode_when_needed_snapshots_again_when_the_slot_is_gone_and_initial_does_not()
    {
        foreach (var (mode, schema, expectedSecondSnapshot) in new[] { ("when_needed", "snapneed", true), ("initial", "snapnoneed", false) })
        {
            var config = await SchemaAsync(schema);
            config["snapshot.mode"] = mode;
            var offsets = new MemoryOffsetStore();
            await using (var runner = await TaskRunner.StartAsync(config, offsets))
            {
                await runner.AwaitAsync($"PostgreSQL_server.{schema}.b", 2);
                await runner.StopAsync();
            }
            // The slot is lost (an operator dropped it, a failover without slots): the stored offsets cannot be resumed.
            await Eventually.HoldsAsync(async () => !await _server.SlotActiveAsync(schema), "the slot released", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync($"SELECT pg_drop_replication_slot('{schema}')");
            await using var again = await TaskRunner.StartAsync(config, offsets);
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync(schema), "the connector streaming again", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync($"INSERT INTO {schema}.a VALUES (3, 'a3')");
            var events = await again.AwaitAsync($"PostgreSQL_server.{schema}.a", expectedSecondSnapshot ? 3 : 1);
            Assert.Equal(expectedSecondSnapshot ? ["r", "r", "c"] : ["c"], events.Select(e => Op(e.Value)));
        }
    }

    [Fact]
    public async Task Snapshot_mode_configuration_based_snapshots_streams_or_both_as_its_keys_say()
    {
        // snapshot.data without start.stream: the rows, then nothing streamed (as initial_only).
        var config = await SchemaAsync("cfgsnap");
        config["snapshot.mode"] = "configuration_based";
        config["snapshot.mode.configuration.based.snapshot.data"] = "true";
        await using (var runner = await TaskRunner.StartAsync(config, new MemoryOffsetStore()))
        {
            await runner.AwaitAsync("PostgreSQL_server.cfgsnap.b", 2);
            await _server.ExecuteAsync("INSERT INTO cfgsnap.a VALUES (3, 'a3')");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Null(runner.Failure);
            Assert.Equal(["r", "r"], runner.Records("PostgreSQL_server.cfgsnap.a").Select(r => Op(r.Value)));
        }

        // start.stream without snapshot.data: only the changes after the start (as no_data).
        config = await SchemaAsync("cfgstream");
        config["snapshot.mode"] = "configuration_based";
        config["snapshot.mode.configuration.based.start.stream"] = "true";
        var offsets = new MemoryOffsetStore();
        await using (var runner = await TaskRunner.StartAsync(config, offsets))
        {
            await Eventually.HoldsAsync(() => _server.SlotActiveAsync("cfgstream"), "the connector streaming", TimeSpan.FromSeconds(30));
            await _server.ExecuteAsync("INSERT INTO cfgstream.a VALUES (3, 'a3')");
            var events = await runner.AwaitAsync("PostgreSQL_server.cfgstream.a", 1);
            Assert.Equal(["c"], events.Select(e => Op(e.Value)));
            Assert.DoesNotContain("PostgreSQL_server.cfgstream.b", runner.Topics);
            await runner.StopAsync();
        }

        // snapshot.on.data.error: the slot is gone, the stored position cannot be resumed, so the rows are read again.
        await Eventually.HoldsAsync(async () => !await _server.SlotActiveAsync("cfgstream"), "the slot released", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("SELECT pg_drop_replication_slot('cfgstream')");
        config["snapshot.mode.configuration.based.snapshot.on.data.error"] = "true";
        await using var again = await TaskRunner.StartAsync(config, offsets);
        var rows = await again.AwaitAsync("PostgreSQL_server.cfgstream.a", 3);
        Assert.Equal(["r", "r", "r"], rows.Select(e => Op(e.Value)));
        await Eventually.HoldsAsync(() => _server.SlotActiveAsync("cfgstream"), "streaming after the snapshot", TimeSpan.FromSeconds(30));
        await _server.ExecuteAsync("INSERT INTO cfgstream.a VALUES (4, 'a4')");
        Assert.Equal("c", Op((await again.AwaitAsync("PostgreSQL_server.cfgstream.a", 4))[3].Value));
    }
}
