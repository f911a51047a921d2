namespace Tributary.Msk.Tests;

/// <summary>`tributary serve` with aws.credentials set: MSK requests must carry a valid SigV4 signature.</summary>
public sealed class SignedMskServer : AwsServeFixture, IAsyncLifetime
{
    public SignedMskServer()
        : base("msk-signed") => Settings.Add("aws.credentials=tributary:tributary");
}

/// <summary>
/// Signatures as REST-JSON clients compute them (the ARN label's %2F encoded once more in the canonical URI): the CLI
/// with the configured secret is served, with another secret refused with the signature error MSK's front end gives.
/// </summary>
[Trait("Category", "process")]
public sealed class MskSignatureTests(SignedMskServer server) : IClassFixture<SignedMskServer>
{
    [Fact]
    public async Task Signed_requests_are_verified()
    {
        AwsServeFixture.RequireAwsCli();
        var environment = AwsServeFixture.Environment();
        var arn = (await ClientProcess.RunAsync(AwsServeFixture.AwsCli,
            ["--endpoint-url", server.Endpoint, "kafka", "list-clusters-v2", "--query", "ClusterInfoList[0].ClusterArn", "--output", "text"],
            TimeSpan.FromSeconds(60), environment: environment)).EnsureSuccess().StandardOutput.Trim();
        var bootstrap = (await ClientProcess.RunAsync(AwsServeFixture.AwsCli,
            ["--endpoint-url", server.Endpoint, "kafka", "get-bootstrap-brokers", "--cluster-arn", arn, "--output", "text"],
            TimeSpan.FromSeconds(60), environment: environment)).EnsureSuccess().StandardOutput.Trim();
        Assert.Equal($"127.0.0.1:{server.KafkaPort}", bootstrap);

        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
        var refused = await ClientProcess.RunAsync(AwsServeFixture.AwsCli,
            ["--endpoint-url", server.Endpoint, "kafka", "get-bootstrap-brokers", "--cluster-arn", arn], TimeSpan.FromSeconds(60), environment: environment);
        Assert.Contains("An error occurred (InvalidSignatureException) when calling the GetBootstrapBrokers operation: The request signature we calculated does not match",
            refused.StandardError, StringComparison.Ordinal);
    }
}
