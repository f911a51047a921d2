namespace Tributary.Athena.Tests;

[Trait("Category", "process")]
public sealed class AthenaBoto3Tests(AthenaServer server) : IClassFixture<AthenaServer>
{
    [Fact]
    public async Task Boto3_queries_a_partitioned_table_and_reads_the_results_and_the_csv()
    {
        await AthenaServer.RequireBoto3();
        var objects = Path.Combine(server.DataDirectory, "objects");
        var result = await ClientProcess.RunAsync(AthenaServer.Python, [Path.Combine(AthenaServer.Scripts, "athena_boto3.py"), server.Endpoint, objects],
            TimeSpan.FromSeconds(240), environment: AthenaServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);
    }
}

[Trait("Category", "process")]
public sealed class FirehoseGlueSchemaTests(AthenaServer server) : IClassFixture<AthenaServer>
{
    [Fact]
    public async Task Firehose_converts_to_parquet_with_the_schema_of_a_table_made_by_glue_create_table()
    {
        await AthenaServer.RequireBoto3();
        AthenaServer.RequireAwsCli();
        var objects = Path.Combine(server.DataDirectory, "objects");
        var result = await ClientProcess.RunAsync(AthenaServer.Python, [Path.Combine(AthenaServer.Scripts, "firehose_parquet_glue.py"), server.Endpoint, objects],
            TimeSpan.FromSeconds(300), environment: AthenaServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);
    }
}

[Trait("Category", "process")]
public sealed class AthenaCliTests(AthenaServer server) : IClassFixture<AthenaServer>
{
    [Fact]
    public async Task Aws_cli_uploads_defines_a_table_queries_it_and_fetches_the_csv()
    {
        AthenaServer.RequireAwsCli();
        var name = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var result = await ClientProcess.RunAsync("bash", [Path.Combine(AthenaServer.Scripts, "athena_awscli.sh"), server.Endpoint, name],
            TimeSpan.FromSeconds(240), environment: AthenaServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);
    }
}

[Trait("Category", "process")]
public sealed class GlueAthenaJsSdkTests(AthenaServer server) : IClassFixture<AthenaServer>
{
    [Fact]
    public async Task The_js_sdk_v3_glue_and_athena_clients_drive_the_catalog_a_crawler_and_a_paged_query()
    {
        var scripts = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "aws", "node");
        foreach (var client in (ReadOnlySpan<string>)["client-glue", "client-athena"])
        {
            Assert.True(Directory.Exists(Path.Combine(scripts, "node_modules", "@aws-sdk", client)),
                $"@aws-sdk/{client} is not installed: run ./test.sh (npm ci in tests/interop/aws/node)");
        }
        var objects = Path.Combine(server.DataDirectory, "objects");
        var result = await ClientProcess.RunAsync("node", [Path.Combine(scripts, "glue_athena_js.mjs"), server.Endpoint, objects], TimeSpan.FromSeconds(180),
            workingDirectory: scripts, environment: AthenaServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("OK 30 checks", result.StandardOutput, StringComparison.Ordinal);
    }
}
