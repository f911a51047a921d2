using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>Event shapes and values against real MariaDB: every mapped column type (snapshot and binlog alike), updates, deletes, tombstones.</summary>
[Trait("Category", "process")]
public sealed class ChangeEventTests
{
    internal static Dictionary<string, string> Config(MariaDbServer server, string prefix, string database) => new()
    {
        ["connector.class"] = "MySql",
        ["database.hostname"] = "127.0.0.1",
        ["database.port"] = server.Port.ToString(CultureInfo.InvariantCulture),
        ["database.user"] = "cdc",
        ["database.password"] = "cdc-pw",
        ["database.server.id"] = "5400",
        ["topic.prefix"] = prefix,
        ["database.include.list"] = database,
        ["schema.history.internal.kafka.topic"] = "history." + prefix,
        ["poll.interval.ms"] = "100",
    };

    internal const string CdcUser = """
        CREATE USER 'cdc'@'%' IDENTIFIED BY 'cdc-pw';
        GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'cdc'@'%';
        """;

    private const string AllTypesTable = """
        CREATE TABLE all_types (
          id INT PRIMARY KEY, tiny TINYINT, utiny TINYINT UNSIGNED, small SMALLINT, usmall SMALLINT UNSIGNED, med MEDIUMINT,
          i INT, ui INT UNSIGNED, big BIGINT, ubig BIGINT UNSIGNED, f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(20,5),
          b1 BIT(1), b10 BIT(10), ch CHAR(3), vc VARCHAR(20) NOT NULL, txt TEXT, bin BINARY(4), vbin VARBINARY(10), blb BLOB,
          e ENUM('small','medium','large'), s SET('a','b','c'), y YEAR, dt DATE, tm TIME(3), dtm DATETIME, dtm6 DATETIME(6),
          ts TIMESTAMP(3) NULL, nothing INT);
        """;

    private const string AllTypesRow = """
        SET time_zone = '+00:00';
        INSERT INTO all_types VALUES (1, -5, 250, -300, 65000, -8000000, -2000000000, 4000000000, -9000000000000, 18446744073709551615,
          1.5, 2.25, 12.34, -123456789012345.12345, 1, b'1000000001', 'abc', 'hello', 'text', x'0102', x'0A0B', x'FF',
          'medium', 'a,c', 2021, '2021-08-16', '10:11:12.345', '2021-08-16 10:11:12', '2021-08-16 10:11:12.123456',
          '2021-08-16 10:11:12.500', NULL);
        """;

    /// <summary>The expected <c>after</c> of the row above (Debezium's mappings, debezium.md §4).</summary>
    private static Dictionary<string, string> ExpectedAllTypes() => new()
    {
        ["id"] = "1",
        ["tiny"] = "-5",
        ["utiny"] = "250",
        ["small"] = "-300",
        ["usmall"] = "65000",
        ["med"] = "-8000000",
        ["i"] = "-2000000000",
        ["ui"] = "4000000000",
        ["big"] = "-9000000000000",
        ["ubig"] = "-1", // bigint.unsigned.handling.mode=long wraps
        ["f"] = "1.5",
        ["d"] = "2.25",
        ["dec1"] = "\"BNI=\"", // 1234 at scale 2
        ["dec2"] = "\"" + Convert.ToBase64String(BigInteger.Parse("-12345678901234512345", CultureInfo.InvariantCulture).ToByteArray(isUnsigned: false, isBigEndian: true)) + "\"",
        ["b1"] = "true",
        ["b10"] = "\"AQI=\"", // 513 = 0x0201, little-endian bytes 01 02
        ["ch"] = "\"abc\"",
        ["vc"] = "\"hello\"",
        ["txt"] = "\"text\"",
        ["bin"] = "\"AQIAAA==\"", // BINARY(4) padded with zero bytes
        ["vbin"] = "\"Cgs=\"",
        ["blb"] = "\"/w==\"",
        ["e"] = "\"medium\"",
        ["s"] = "\"a,c\"",
        ["y"] = "2021",
        ["dt"] = "18855", // days since 1970-01-01
        ["tm"] = "36672345000", // MicroTime
        ["dtm"] = "1629108672000", // Timestamp (ms)
        ["dtm6"] = "1629108672123456", // MicroTimestamp
        ["ts"] = "\"2021-08-16T10:11:12.500Z\"", // ZonedTimestamp, fraction padded to the column's precision
        ["nothing"] = "null",
    };

    [Fact]
    public async Task Every_column_type_maps_as_Debezium_does_in_the_snapshot_and_in_the_binlog()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(CdcUser + "CREATE DATABASE inventory;");
        await server.ExecuteAsync(AllTypesTable + AllTypesRow, "inventory");
        await using var driver = await TaskDriver.StartAsync(Config(server, "types", "inventory"), kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync(AllTypesRow.Replace("VALUES (1,", "VALUES (2,"), "inventory");
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 3, "the snapshot's DDL and row, then the insert", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);

        var events = await Kcat.ReadAllAsync(kafka.Bootstrap, "types.inventory.all_types");
        Assert.Equal(2, events.Count);
        foreach (var (message, op, id) in new[] { (events[0], "r", 1), (events[1], "c", 2) })
        {
            var root = JsonDocument.Parse(message.Value!).RootElement;
            Assert.Equal(op, root.GetProperty("payload").GetProperty("op").GetString());
            Assert.Equal($$$"""{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"types.inventory.all_types.Key"},"payload":{"id":{{{id}}}}}""", message.Key);
            var after = root.GetProperty("payload").GetProperty("after");
            var expected = ExpectedAllTypes();
            expected["id"] = id.ToString(CultureInfo.InvariantCulture);
            foreach (var (column, value) in expected)
            {
                Assert.True(value == after.GetProperty(column).GetRawText(), $"{op} event, column {column}: expected {value}, got {after.GetProperty(column).GetRawText()}");
            }
        }
        var snapshotSource = JsonDocument.Parse(events[0].Value!).RootElement.GetProperty("payload").GetProperty("source");
        Assert.Equal("last", snapshotSource.GetProperty("snapshot").GetString()); // the only snapshot row is both first and last: the end wins
        var fields = JsonDocument.Parse(events[1].Value!).RootElement.GetProperty("schema").GetProperty("fields")[1].GetProperty("fields");
        string SchemaOf(string column) => fields.EnumerateArray().Single(f => f.GetProperty("field").GetString() == column).GetRawText();
        Assert.Equal("""{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"small,medium,large"},"field":"e"}""", SchemaOf("e"));
        Assert.Equal("""{"type":"string","optional":true,"name":"io.debezium.data.EnumSet","version":1,"parameters":{"allowed":"a,b,c"},"field":"s"}""", SchemaOf("s"));
        Assert.Equal("""{"type":"bytes","optional":true,"name":"io.debezium.data.Bits","version":1,"parameters":{"length":"10"},"field":"b10"}""", SchemaOf("b10"));
        Assert.Equal("""{"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"dtm6"}""", SchemaOf("dtm6"));
        Assert.Equal("""{"type":"string","optional":false,"field":"vc"}""", SchemaOf("vc"));
        Assert.Equal("""{"type":"int16","optional":true,"field":"utiny"}""", SchemaOf("utiny"));
        Assert.Equal("""{"type":"int32","optional":true,"name":"io.debezium.time.Year","version":1,"field":"y"}""", SchemaOf("y"));
    }

    [Fact]
    public async Task Updates_and_deletes_carry_before_images_and_deletes_are_followed_by_tombstones()
    {
        await using var kafka = await InProcessKafka.StartAsync();
        await using var server = await MariaDbServer.StartAsync();
        await server.ExecuteAsync(CdcUser + "CREATE DATABASE shop; CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20));");
        await using var driver = await TaskDriver.StartAsync(Config(server, "dbz", "shop"), kafka.Bootstrap, new MemoryOffsetStore());
        await Eventually.HoldsAsync(() => driver.Failure is not null || server.ReplicaRegisteredAsync(5400).Result, "the connector streaming", TimeSpan.FromSeconds(30));
        await server.ExecuteAsync("""
            INSERT INTO items VALUES (1, 'one');
            UPDATE items SET name = 'uno' WHERE id = 1;
            DELETE FROM items WHERE id = 1;
            INSERT INTO items VALUES (2, 'two');
            UPDATE items SET id = 3 WHERE id = 2;
            """, "shop");
        // DDL(1) + c + u + d + tombstone + c + (d + tombstone + c for the key change)
        await Eventually.HoldsAsync(() => driver.Failure is not null || Interlocked.Read(ref driver.Produced) >= 9, () => $"9 records, have {driver.Produced}", TimeSpan.FromSeconds(30));
        Assert.Null(driver.Failure);
        var events = await Kcat.ReadAllAsync(kafka.Bootstrap, "dbz.shop.items");
        string? Op(Kcat.Message m) => m.Value is null ? null : JsonDocument.Parse(m.Value).RootElement.GetProperty("payload").GetProperty("op").GetString();
        string Image(Kcat.Message m, string which) => JsonDocument.Parse(m.Value!).RootElement.GetProperty("payload").GetProperty(which).GetRawText();
        Assert.Equal(["c", "u", "d", null, "c", "d", null, "c"], events.Select(Op));
        Assert.Equal("""{"id":1,"name":"one"}""", Image(events[1], "before"));
        Assert.Equal("""{"id":1,"name":"uno"}""", Image(events[1], "after"));
        Assert.Equal("""{"id":1,"name":"uno"}""", Image(events[2], "before"));
        Assert.Equal("null", Image(events[2], "after"));
        Assert.Null(events[3].Value);
        Assert.Equal(events[2].Key, events[3].Key);
        Assert.Contains("\"payload\":{\"id\":2}", events[5].Key);
        Assert.Contains("\"payload\":{\"id\":3}", events[7].Key);
    }
}
