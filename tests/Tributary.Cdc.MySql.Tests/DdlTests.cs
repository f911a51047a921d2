using System.Text.Json;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>DDL mid-stream: rows before and after ADD/DROP COLUMN decode with the columns they were written with.</summary>
[Trait("Category", "process")]
public sealed class DdlTests
{
    [Fact]
    public async Task Rows_around_add_and_drop_column_decode_with_their_own_columns_and_each_DDL_reaches_the_schema_change_topic()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(ChangeEventTests.CdcUser + "CREATE DATABASE app; CREATE TABLE app.people (id INT PRIMARY KEY, name VARCHAR(20));");
        await using var driver = await TaskDriver.StartAsync(ChangeEventTests.Config(server, "ddl", "app"), kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO people VALUES (1, 'ann')", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 2, "the first row", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("ALTER TABLE people ADD COLUMN age INT", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 3, "the ALTER", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO people VALUES (2, 'bob', 42)", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 4, "the second row", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("ALTER TABLE people DROP COLUMN name", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 5, "the DROP", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("INSERT INTO people VALUES (3, 7)", "app");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 6, "the third row", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);

        var rows = await Kcat.ReadAllAsync(kafka.Bootstrap, "ddl.app.people");
        Assert.Equal(
            ["""{"id":1,"name":"ann"}""", """{"id":2,"name":"bob","age":42}""", """{"id":3,"age":7}"""],
            rows.Select(r => JsonDocument.Parse(r.Value!).RootElement.GetProperty("payload").GetProperty("after").GetRawText()));
        var ddl = (await Kcat.ReadAllAsync(kafka.Bootstrap, "ddl")).Select(d => JsonDocument.Parse(d.Value!).RootElement.GetProperty("payload")).ToList();
        Assert.Equal(["CREATE", "ALTER", "ALTER"], ddl.Select(d => d.GetProperty("tableChanges")[0].GetProperty("type").GetString()!));
        Assert.Equal("ALTER TABLE people ADD COLUMN age INT", ddl[1].GetProperty("ddl").GetString());
        Assert.Equal(["id", "age"], ddl[2].GetProperty("tableChanges")[0].GetProperty("table").GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
    }
}
