namespace Tributary.Glue.Tests;

/// <summary>
/// `tributary serve` whose object store is s3rver (delivery.destination=s3): s3rver starts first, the server is pointed
/// at it. Both are separate processes, stopped when the fixture is disposed.
/// </summary>
public sealed class GlueS3rverServer() : AwsServeFixture("glue-s3rver"), IAsyncLifetime
{
    private readonly TempDirectory _s3rverDirectory = new();

    public S3rver S3 { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        S3 = await S3rver.StartAsync(_s3rverDirectory.Path);
        Settings.AddRange(["delivery.destination=s3", $"delivery.s3.endpoint={S3.Endpoint}", $"delivery.s3.access.key={S3rver.Credentials}",
            $"delivery.s3.secret.key={S3rver.Credentials}"]);
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            await DisposeAsync();
        }
        finally
        {
            await S3.DisposeAsync();
            _s3rverDirectory.Dispose();
        }
    }
}

/// <summary>
/// Crawlers over an S3-compatible store rather than the local object directory, and SchemaChangePolicy.DeleteBehavior
/// (LOG, DELETE_FROM_DATABASE, DEPRECATE_IN_DATABASE) when a partition's objects and a table's folder disappear: boto3
/// puts and deletes the objects in s3rver and drives Glue and Athena (tests/interop/glue/crawler_s3rver_boto3.py).
/// </summary>
[Collection(GlueProcessTests.Name)]
[Trait("Category", "process")]
public sealed class CrawlerS3rverTests(GlueS3rverServer server) : IClassFixture<GlueS3rverServer>
{
    [Fact]
    public async Task Boto3_crawls_s3rver_and_each_delete_behavior_handles_vanished_partitions_and_tables()
    {
        await GlueServer.RequireBoto3();
        var result = await ClientProcess.RunAsync(GlueServer.Python, [Path.Combine(GlueServer.Scripts, "crawler_s3rver_boto3.py"), server.Endpoint, server.S3.Endpoint],
            TimeSpan.FromSeconds(300), environment: GlueServer.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("all ", result.StandardOutput, StringComparison.Ordinal);
        // The objects came through s3rver's API (its request log), and LOG only logged what went.
        Assert.Contains(server.S3.Requests(), r => r.StartsWith("GET /lake-", StringComparison.Ordinal));
        Assert.Contains("kept (DeleteBehavior LOG)", server.Output, StringComparison.Ordinal);
        Assert.Contains("partition(s) of", server.Output, StringComparison.Ordinal);
    }
}
