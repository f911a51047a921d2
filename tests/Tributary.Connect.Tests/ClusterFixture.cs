namespace Tributary.Connect.Tests;

/// <summary>One <c>tributary serve</c> (its Connect worker off) as the Kafka cluster of a test class's own workers, in a temporary directory.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private TributaryProcess _cluster = null!;

    public TempDirectory Directory { get; } = new();

    public string Bootstrap => $"127.0.0.1:{_cluster.Ports.Kafka}";

    public async Task InitializeAsync()
    {
        _cluster = new TributaryProcess(Directory.File("cluster"), () => ["connect.rest.port=-1"]);
        await _cluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Dispose();
    }
}
