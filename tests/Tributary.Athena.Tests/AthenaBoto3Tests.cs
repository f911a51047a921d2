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
