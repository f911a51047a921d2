namespace Tributary.Glue.Tests;

[Collection(GlueProcessTests.Name)]
[Trait("Category", "process")]
public sealed class GlueCliTests(GlueServer server) : IClassFixture<GlueServer>
{
    [Fact]
    public async Task The_aws_cli_drives_the_catalog_and_it_survives_a_restart()
    {
        GlueServer.RequireAwsCli();
        var database = "cli_" + Guid.NewGuid().ToString("N")[..8];
        var result = await ClientProcess.RunAsync("bash", [Path.Combine(GlueServer.Scripts, "glue_awscli.sh"), server.Endpoint, database], TimeSpan.FromSeconds(240), environment: GlueServer.Environment());
        result.EnsureSuccess();
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);

        await server.RestartAsync();
        var after = await ClientProcess.RunAsync(GlueServer.AwsCli,
            ["--endpoint-url", server.Endpoint, "glue", "get-partitions", "--database-name", database, "--table-name", "events", "--query", "length(Partitions)", "--output", "text"],
            TimeSpan.FromSeconds(60), environment: GlueServer.Environment());
        Assert.Equal("5", after.EnsureSuccess().StandardOutput.Trim());
    }
}
