
namespace Tributary.Kinesis.Tests;

/// <summary>The AWS CLI and boto3, as separate processes, against one running Tributary.</summary>
[Trait("Category", "process")]
public class AwsClientTests(KinesisServer server) : IClassFixture<KinesisServer>
{
    [Fact]
    public async Task Aws_cli_creates_writes_reads_with_every_iterator_type_and_reshards()
    {
        AwsClients.RequireAwsCli();
        // About forty AWS CLI runs, each a Python start: a bound for a loaded machine, not a timing.
        var result = await ClientProcess.RunAsync("bash", [Path.Combine(AwsClients.Scripts, "kinesis_awscli.sh"), server.Endpoint], TimeSpan.FromSeconds(300), environment: AwsClients.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("OK 18 checks", result.StandardOutput);
    }

    [Fact]
    public async Task Boto3_runs_the_whole_api_and_keeps_per_key_order_across_resharding()
    {
        await AwsClients.RequireBoto3();
        var result = await ClientProcess.RunAsync(AwsClients.Python, [Path.Combine(AwsClients.Scripts, "kinesis_boto3.py"), server.Endpoint], TimeSpan.FromSeconds(150), environment: AwsClients.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Matches(@"OK \d+ checks", result.StandardOutput);
        Assert.DoesNotContain("FAILED", result.StandardOutput);
    }

    /// <summary>
    /// The JS SDK v3 Kinesis client speaks only HTTP/2: on the shared AWS port (HTTP/1.1 and HTTP/2 told apart by
    /// the connection preface) as on the HTTP/2-only port kept from before.
    /// </summary>
    [Theory]
    [InlineData("shared")]
    [InlineData("http2-only")]
    public async Task Js_sdk_v3_over_http2_writes_reads_and_subscribes_to_a_shard(string port)
    {
        AwsClients.RequireJsSdk();
        var endpoint = port == "shared" ? server.Endpoint : server.Http2Endpoint;
        var result = await ClientProcess.RunAsync("node", [Path.Combine(AwsClients.NodeScripts, "kinesis_js.mjs"), endpoint], TimeSpan.FromSeconds(120),
            workingDirectory: AwsClients.NodeScripts, environment: AwsClients.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server.Output);
        Assert.Contains("OK 9 checks", result.StandardOutput);
    }
}
