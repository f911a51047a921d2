
namespace Tributary.Kinesis.Tests;

/// <summary>A server with credentials configured (SigV4 verified) and AWS's per-shard write limits on, driven by boto3.</summary>
[Trait("Category", "process")]
public sealed class SignedKinesisServer : IAsyncLifetime
{
    public KinesisServer Server { get; } = new();

    public Task InitializeAsync()
    {
        Server.Settings.Add("aws.credentials=tributary-key:tributary-secret");
        Server.Settings.Add("kinesis.enforce.limits=true");
        return Server.StartAsync();
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

[Trait("Category", "process")]
public class SignedServerTests(SignedKinesisServer fixture) : IClassFixture<SignedKinesisServer>
{
    [Fact]
    public async Task Signatures_are_verified_and_write_limits_throttle_when_configured()
    {
        await AwsClients.RequireBoto3();
        var result = await ClientProcess.RunAsync(AwsClients.Python, [Path.Combine(AwsClients.Scripts, "kinesis_sigv4_limits.py"), fixture.Server.Endpoint], TimeSpan.FromSeconds(90), environment: AwsClients.Environment());
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + fixture.Server.Output);
        Assert.Contains("OK 7 checks", result.StandardOutput);
    }
}
