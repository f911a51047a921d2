using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Firehose.Tests.EndToEnd;

/// <summary>
/// Format conversion taking its schema from a schema registry subject (SchemaConfiguration.RegistrySubject, issue 20)
/// rather than a catalog table: the subject is registered with curl against serve's registry, the stream is created
/// and fed with the AWS CLI, and DuckDB (a node process) reads the Parquet object with the Avro record's columns.
/// </summary>
[Trait("Category", "process")]
public sealed class RegistrySubjectConversionTests
{
    private const string Role = "arn:aws:iam::000000000000:role/firehose";

    private static readonly string V1 = """{"type":"record","name":"Click","namespace":"web","fields":[{"name":"id","type":"long"},{"name":"page","type":"string"},{"name":"score","type":["null","double"],"default":null},{"name":"tags","type":{"type":"array","items":"string"}}]}""";

    private static readonly string V2 = """{"type":"record","name":"Click","namespace":"web","fields":[{"name":"id","type":"long"},{"name":"page","type":"string"},{"name":"score","type":["null","double"],"default":null},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":8,"scale":2},"default":"\u0000"}]}""";

    private static async Task RegisterAsync(DeliveryServer server, string work, string subject, string schema)
    {
        var body = Path.Combine(work, subject + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(body, new JsonObject { ["schema"] = schema }.ToJsonString());
        var result = await ClientProcess.RunAsync("curl", ["-sS", "-f", "-X", "POST", "-H", "Content-Type: application/vnd.schemaregistry.v1+json", "--data-binary", "@" + body,
            $"http://127.0.0.1:{server.RegistryPort}/subjects/{subject}/versions"], TimeSpan.FromSeconds(30));
        result.EnsureSuccess();
    }

    private static JsonObject Create(string name, string subject, string? version)
    {
        var schema = new JsonObject { ["RoleARN"] = Role, ["RegistrySubject"] = subject };
        if (version is not null)
        {
            schema["VersionId"] = version;
        }
        return new JsonObject
        {
            ["DeliveryStreamName"] = name,
            ["DeliveryStreamType"] = "DirectPut",
            ["ExtendedS3DestinationConfiguration"] = new JsonObject
            {
                ["RoleARN"] = Role,
                ["BucketARN"] = "arn:aws:s3:::tables",
                ["Prefix"] = name + "/",
                ["ErrorOutputPrefix"] = name + "-errors/!{firehose:error-output-type}/",
                ["BufferingHints"] = new JsonObject { ["SizeInMBs"] = 64, ["IntervalInSeconds"] = 1 },
                ["CompressionFormat"] = "UNCOMPRESSED",
                ["DataFormatConversionConfiguration"] = new JsonObject
                {
                    ["Enabled"] = true,
                    ["InputFormatConfiguration"] = new JsonObject { ["Deserializer"] = new JsonObject { ["OpenXJsonSerDe"] = new JsonObject() } },
                    ["OutputFormatConfiguration"] = new JsonObject { ["Serializer"] = new JsonObject { ["ParquetSerDe"] = new JsonObject { ["Compression"] = "SNAPPY" } } },
                    ["SchemaConfiguration"] = schema,
                },
            },
        };
    }

    [Fact]
    public async Task Parquet_columns_come_from_the_subjects_Avro_record_at_the_version_named()
    {
        var duckdb = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "formats-node");
        Assert.True(Directory.Exists(Path.Combine(duckdb, "node_modules", "@duckdb", "node-api")), "DuckDB is not installed: run ./test.sh (npm ci in tests/interop/formats-node)");
        await using var server = await DeliveryServer.StartAsync();
        Assert.True(server.RegistryPort > 0, "serve did not name its registry port:\n" + server.Output);
        var work = Path.Combine(server.Root, "work");
        Directory.CreateDirectory(work);
        await RegisterAsync(server, work, "clicks-value", V1);
        await RegisterAsync(server, work, "clicks-value", V2);

        foreach (var (name, version) in new[] { ("latest-clicks", (string?)null), ("first-clicks", "1") })
        {
            var file = Path.Combine(work, name + ".json");
            await File.WriteAllTextAsync(file, Create(name, "clicks-value", version).ToJsonString());
            (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + file)).EnsureSuccess();
            var described = await server.AwsJsonAsync("firehose", "describe-delivery-stream", "--delivery-stream-name", name);
            var schema = described.GetProperty("DeliveryStreamDescription").GetProperty("Destinations")[0].GetProperty("ExtendedS3DestinationDescription")
                .GetProperty("DataFormatConversionConfiguration").GetProperty("SchemaConfiguration");
            Assert.Equal("clicks-value", schema.GetProperty("RegistrySubject").GetString());
            var records = new JsonArray();
            for (var i = 0; i < 3; i++)
            {
                var line = $"{{\"id\":{i},\"page\":\"/p{i}\",\"score\":{(i == 1 ? "null" : i + ".5")},\"tags\":[\"t{i}\"],\"price\":{i}.25}}\n";
                records.Add(new JsonObject { ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(line)) });
            }
            var recordsFile = Path.Combine(work, name + "-records.json");
            await File.WriteAllTextAsync(recordsFile, records.ToJsonString());
            (await server.AwsAsync("firehose", "put-record-batch", "--delivery-stream-name", name, "--records", "file://" + recordsFile)).EnsureSuccess();
        }

        foreach (var (name, columns) in new[] { ("latest-clicks", "id:BIGINT,page:VARCHAR,score:DOUBLE,tags:VARCHAR[],price:DECIMAL(8,2)"), ("first-clicks", "id:BIGINT,page:VARCHAR,score:DOUBLE,tags:VARCHAR[]") })
        {
            await DeliveryServer.WaitForAsync(() => server.Objects("tables").Keys.Any(k => k.StartsWith(name + "/", StringComparison.Ordinal) && k.EndsWith(".parquet", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), () => $"a Parquet object of {name}\n" + string.Join("\n", server.Objects("tables").Keys) + "\n" + server.Output);
            var key = server.Objects("tables").Keys.Single(k => k.StartsWith(name + "/", StringComparison.Ordinal) && k.EndsWith(".parquet", StringComparison.Ordinal));
            var path = Path.Combine(server.ObjectsDirectory, "tables", key).Replace("'", "''");
            var described = await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(duckdb, "duckdb_read.mjs"), "sql", $"SELECT string_agg(column_name || ':' || column_type, ',') AS c FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))"], TimeSpan.FromSeconds(60), workingDirectory: duckdb);
            described.EnsureSuccess();
            Assert.Equal(columns, (string)JsonNode.Parse(described.StandardOutput)!["c"]!);
            var rows = await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(duckdb, "duckdb_read.mjs"), "sql", $"SELECT string_agg(id || '|' || page || '|' || coalesce(CAST(score AS VARCHAR), 'null') || '|' || tags[1], ',' ORDER BY id) AS r FROM read_parquet('{path}')"], TimeSpan.FromSeconds(60), workingDirectory: duckdb);
            rows.EnsureSuccess();
            Assert.Equal("0|/p0|0.5|t0,1|/p1|null|t1,2|/p2|2.5|t2", (string)JsonNode.Parse(rows.StandardOutput)!["r"]!);
        }
    }

    [Fact]
    public async Task A_subject_that_does_not_exist_fails_the_records_into_the_error_output()
    {
        await using var server = await DeliveryServer.StartAsync();
        var work = Path.Combine(server.Root, "work");
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "create.json");
        await File.WriteAllTextAsync(file, Create("nowhere", "missing-value", null).ToJsonString());
        (await server.AwsAsync("firehose", "create-delivery-stream", "--cli-input-json", "file://" + file)).EnsureSuccess();
        (await server.AwsAsync("firehose", "put-record", "--delivery-stream-name", "nowhere", "--record", "Data=" + Convert.ToBase64String("{\"id\":1}\n"u8.ToArray()))).EnsureSuccess();
        await DeliveryServer.WaitForAsync(() => server.Objects("tables").Keys.Any(k => k.StartsWith("nowhere-errors/format-conversion-failed/", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => "an error object\n" + string.Join("\n", server.Objects("tables").Keys) + "\n" + server.Output);
        var error = Encoding.UTF8.GetString(server.Objects("tables").First(k => k.Key.StartsWith("nowhere-errors/", StringComparison.Ordinal)).Value);
        var failure = JsonNode.Parse(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!;
        Assert.Equal("DataFormatConversion.InvalidSchema", (string)failure["lastErrorCode"]!);
        Assert.Contains("Subject 'missing-value' not found", (string)failure["lastErrorMessage"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Objects("tables").Keys, k => k.EndsWith(".parquet", StringComparison.Ordinal));
    }
}
