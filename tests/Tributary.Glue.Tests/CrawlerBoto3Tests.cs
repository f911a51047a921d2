using DuckDB.NET.Data;

namespace Tributary.Glue.Tests;

// One collection with GlueCliTests: their servers and clients run one class after the other, not side by side (on a
// loaded 2-core machine the CLI test's ~60 one-second processes timed out beside these crawls).
[Collection(GlueProcessTests.Name)]
[Trait("Category", "process")]
public sealed class CrawlerBoto3Tests(GlueServer server) : IClassFixture<GlueServer>
{
    [Fact]
    public async Task Boto3_crawls_json_gzip_parquet_hive_and_csv_objects_recrawls_and_reports_bad_input()
    {
        await GlueServer.RequireBoto3();
        var objects = Path.Combine(server.DataDirectory, "objects");
        var bucket = "crawl-" + Guid.NewGuid().ToString("N")[..8];
        WriteNestedParquet(Path.Combine(objects, bucket, "nested"));
        WriteAvro(Path.Combine(objects, bucket, "avro"));
        var result = await ClientProcess.RunAsync(GlueServer.Python, [Path.Combine(GlueServer.Scripts, "crawler_boto3.py"), server.Endpoint, objects, bucket],
            TimeSpan.FromSeconds(300), environment: GlueServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);
        // LOG only logs the schema change it did not apply.
        Assert.Contains("not applied (SchemaChangePolicy.UpdateBehavior LOG)", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario_C_kinesis_to_firehose_gzip_json_crawled_and_queried_with_athena()
    {
        await GlueServer.RequireBoto3();
        var result = await ClientProcess.RunAsync(GlueServer.Python, [Path.Combine(GlueServer.Scripts, "scenario_c_boto3.py"), server.Endpoint],
            TimeSpan.FromSeconds(300), environment: GlueServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// An Avro object container file written by Apache.Avro (deflate codec) with a nested record, an array, an enum,
    /// a logical timestamp and a nullable union: the crawler reads its header's writer schema.
    /// </summary>
    private static void WriteAvro(string directory)
    {
        Directory.CreateDirectory(directory);
        var schema = (global::Avro.RecordSchema)global::Avro.Schema.Parse("""
            {"type":"record","name":"Click","namespace":"shop","fields":[
              {"name":"id","type":"long"},
              {"name":"page","type":"string"},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["VIEW","BUY"]}},
              {"name":"user","type":{"type":"record","name":"User","fields":[{"name":"city","type":"string"},{"name":"age","type":"int"}]}},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"score","type":["null","double"],"default":null}]}
            """);
        var datumWriter = new global::Avro.Generic.GenericDatumWriter<global::Avro.Generic.GenericRecord>(schema);
        using var writer = global::Avro.File.DataFileWriter<global::Avro.Generic.GenericRecord>.OpenWriter(datumWriter, Path.Combine(directory, "clicks-0.avro"), global::Avro.File.Codec.CreateCodec(global::Avro.File.Codec.Type.Deflate));
        var userSchema = (global::Avro.RecordSchema)schema["user"].Schema;
        var kindSchema = (global::Avro.EnumSchema)schema["kind"].Schema;
        for (var i = 0; i < 5; i++)
        {
            var user = new global::Avro.Generic.GenericRecord(userSchema);
            user.Add("city", "c" + i);
            user.Add("age", 20 + i);
            var record = new global::Avro.Generic.GenericRecord(schema);
            record.Add("id", (long)i);
            record.Add("page", "/p/" + i);
            record.Add("tags", new object[] { "a", "b" + i });
            record.Add("kind", new global::Avro.Generic.GenericEnum(kindSchema, i % 2 == 0 ? "VIEW" : "BUY"));
            record.Add("user", user);
            record.Add("at", new DateTime(2026, 12, 6, 20, 0, i, DateTimeKind.Utc));
            record.Add("score", i % 2 == 0 ? null : (object)(i * 0.5));
            writer.Append(record);
        }
    }

    /// <summary>Two Parquet files with nested types (struct, list, map, list of structs), written by DuckDB.</summary>
    private static void WriteNestedParquet(string directory)
    {
        Directory.CreateDirectory(directory);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        for (var file = 0; file < 2; file++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                COPY (SELECT i::INTEGER AS id, 'name' || i AS name, (i * 1.25)::DECIMAL(10,2) AS amount,
                             {"{"}'city': 'c' || i, 'zip': (10000 + i)::INTEGER{"}"} AS address, ['t' || i, 'u'] AS tags,
                             MAP {"{"}'k': i::BIGINT{"}"} AS attributes, [{"{"}'sku': 's' || i, 'qty': i::INTEGER{"}"}] AS items,
                             TIMESTAMP '2026-12-06 20:00:00' + INTERVAL (i) MINUTE AS created, DATE '2026-12-06' AS day,
                             i / 3.0 AS score, (i * 1000000000000)::BIGINT AS big, i % 2 = 0 AS flag
                      FROM range({file * 10}, {file * 10 + 10}) t(i))
                TO '{Path.Combine(directory, $"part-{file}.snappy.parquet")}' (FORMAT parquet, COMPRESSION snappy)
                """;
            command.ExecuteNonQuery();
        }
    }
}

/// <summary>The Glue test classes that run a server and client processes: serialised (see <see cref="CrawlerBoto3Tests"/>).</summary>
[CollectionDefinition(Name)]
public sealed class GlueProcessTests
{
    public const string Name = "glue-processes";
}
