using System.Net.Sockets;
using System.Text.Json;

namespace Tributary.Msk.Tests;

/// <summary>
/// CreateClusterV2 / DeleteCluster with the AWS CLI v2 against the real server: a further cluster is its own broker
/// (own data directory, listener port, configuration), CREATING then ACTIVE; kcat produces to and consumes from it at
/// the address GetBootstrapBrokers gives; confluent-kafka's AdminClient sees its configuration as the broker default;
/// it survives a restart with its port and data; DeleteCluster makes it DELETING, closes its port and removes its data.
/// </summary>
[Trait("Category", "process")]
public sealed class MskCreatedClusterTests(MskServer server) : IClassFixture<MskServer>
{
    [Fact]
    public async Task A_created_cluster_is_a_broker_of_its_own_until_it_is_deleted()
    {
        MskServer.RequireAwsCli();
        InteropClients.RequireKcat();
        InteropClients.RequireConfluentKafka();
        var embeddedArn = (await server.KafkaJsonAsync("list-clusters-v2")).GetProperty("ClusterInfoList")[0].GetProperty("ClusterArn").GetString()!;

        var propertiesFile = Path.Combine(server.DataDirectory, "team-b.properties");
        await File.WriteAllTextAsync(propertiesFile, "message.max.bytes=3000\n");
        var configurationArn = (await server.KafkaJsonAsync("create-configuration", "--name", "team-b", "--kafka-versions", "3.9.x",
            "--server-properties", "fileb://" + propertiesFile)).GetProperty("Arn").GetString()!;

        var created = await server.KafkaJsonAsync("create-cluster-v2", "--cluster-name", "team-b", "--tags", "team=b", "--provisioned",
            $"BrokerNodeGroupInfo={{InstanceType=kafka.t3.small,ClientSubnets=[subnet-a,subnet-b]}},KafkaVersion=3.9.x,NumberOfBrokerNodes=2,ConfigurationInfo={{Arn={configurationArn},Revision=1}}");
        var arn = created.GetProperty("ClusterArn").GetString()!;
        Assert.Matches("^arn:aws:kafka:us-east-1:000000000000:cluster/team-b/[0-9a-f-]{36}$", arn);
        Assert.Equal("CREATING", created.GetProperty("State").GetString());
        Assert.Equal("PROVISIONED", created.GetProperty("ClusterType").GetString());
        var active = await WaitForStateAsync(arn, "ACTIVE");
        Assert.Equal("kafka.t3.small", active.GetProperty("Provisioned").GetProperty("BrokerNodeGroupInfo").GetProperty("InstanceType").GetString());
        Assert.Equal(configurationArn, active.GetProperty("Provisioned").GetProperty("CurrentBrokerSoftwareInfo").GetProperty("ConfigurationArn").GetString());
        Assert.Equal("b", active.GetProperty("Tags").GetProperty("team").GetString());
        var listed = (await server.KafkaJsonAsync("list-clusters-v2")).GetProperty("ClusterInfoList").EnumerateArray().Select(c => c.GetProperty("ClusterArn").GetString()).ToList();
        Assert.Equal([embeddedArn, arn], listed);

        var bootstrap = (await server.KafkaJsonAsync("get-bootstrap-brokers", "--cluster-arn", arn)).GetProperty("BootstrapBrokerString").GetString()!;
        Assert.StartsWith("127.0.0.1:", bootstrap, StringComparison.Ordinal);
        Assert.NotEqual($"127.0.0.1:{server.KafkaPort}", bootstrap);
        var node = Assert.Single((await server.KafkaJsonAsync("list-nodes", "--cluster-arn", arn)).GetProperty("NodeInfoList").EnumerateArray());
        Assert.Equal("BROKER", node.GetProperty("NodeType").GetString());

        // kcat produces to and consumes from the new cluster; the topic exists there only.
        var topic = "team-b-orders";
        var records = Path.Combine(server.DataDirectory, "team-b.records");
        await File.WriteAllTextAsync(records, "order-1\norder-2\norder-3\n");
        (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-P", "-l"], TimeSpan.FromSeconds(30), stdinFile: records)).EnsureSuccess();
        Assert.Equal(["order-1", "order-2", "order-3"], await ConsumeAsync(bootstrap, topic));
        Assert.Contains(topic, await TopicsAsync(bootstrap));
        Assert.DoesNotContain(topic, await TopicsAsync($"127.0.0.1:{server.KafkaPort}"));
        var configs = await MskServer.TopicConfigsAsync(bootstrap, topic);
        Assert.Equal("3000", configs["max.message.bytes"]);

        // A restart brings the cluster back on the same port, with its records.
        await server.RestartAsync();
        var restarted = await WaitForStateAsync(arn, "ACTIVE");
        Assert.Equal(active.GetProperty("CurrentVersion").GetString(), restarted.GetProperty("CurrentVersion").GetString());
        Assert.Equal(bootstrap, (await server.KafkaJsonAsync("get-bootstrap-brokers", "--cluster-arn", arn)).GetProperty("BootstrapBrokerString").GetString());
        Assert.Equal(["order-1", "order-2", "order-3"], await ConsumeAsync(bootstrap, topic));
        Assert.Equal("3000", (await MskServer.TopicConfigsAsync(bootstrap, topic))["max.message.bytes"]);

        // The configuration is in use; DeleteCluster takes the cluster, its port and its data away.
        var inUse = await server.KafkaCliAsync("delete-configuration", "--arn", configurationArn);
        Assert.Contains("(BadRequestException) when calling the DeleteConfiguration operation", inUse.StandardError, StringComparison.Ordinal);
        var deleting = await server.KafkaJsonAsync("delete-cluster", "--cluster-arn", arn);
        Assert.Equal("DELETING", deleting.GetProperty("State").GetString());
        var clusterDirectory = Path.Combine(server.DataDirectory, "__cluster", "msk-clusters", arn[(arn.LastIndexOf('/') + 1)..]);
        await Eventually.HoldsAsync(async () =>
        {
            var described = await server.KafkaCliAsync("describe-cluster-v2", "--cluster-arn", arn);
            return described.ExitCode != 0 && described.StandardError.Contains("(NotFoundException)", StringComparison.Ordinal);
        }, "the deleted cluster is gone", TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(clusterDirectory), clusterDirectory + " is still there");
        var port = int.Parse(bootstrap[(bootstrap.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using (var client = new TcpClient())
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        (await server.KafkaCliAsync("delete-configuration", "--arn", configurationArn)).EnsureSuccess();
        Assert.Equal([embeddedArn], (await server.KafkaJsonAsync("list-clusters-v2")).GetProperty("ClusterInfoList").EnumerateArray().Select(c => c.GetProperty("ClusterArn").GetString()));
    }

    [Fact]
    public async Task Bad_cluster_requests_get_msks_errors()
    {
        MskServer.RequireAwsCli();
        const string group = "BrokerNodeGroupInfo={InstanceType=kafka.m5.large,ClientSubnets=[subnet-a,subnet-b]}";
        foreach (var (provisioned, expected) in new[]
        {
            ($"{group},KafkaVersion=3.9.x,NumberOfBrokerNodes=3", "numberOfBrokerNodes must be a positive multiple of the 2 client subnets"),
            ($"{group},KafkaVersion=2.8.1,NumberOfBrokerNodes=2", "Unsupported KafkaVersion 2.8.1"),
            ($"{group},KafkaVersion=3.9.x,NumberOfBrokerNodes=2,ClientAuthentication={{Sasl={{Iam={{Enabled=true}}}}}}", "SASL client authentication is not supported"),
            ($"{group},KafkaVersion=3.9.x,NumberOfBrokerNodes=2,EncryptionInfo={{EncryptionInTransit={{ClientBroker=TLS}}}}", "clientBroker TLS is not supported"),
            ($"{group},KafkaVersion=3.9.x,NumberOfBrokerNodes=2,ConfigurationInfo={{Arn=arn:aws:kafka:us-east-1:000000000000:configuration/none/x,Revision=1}}", "does not exist"),
        })
        {
            var refused = await server.KafkaCliAsync("create-cluster-v2", "--cluster-name", "bad-" + Guid.NewGuid().ToString("N")[..8], "--provisioned", provisioned);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("when calling the CreateClusterV2 operation", refused.StandardError, StringComparison.Ordinal);
            Assert.Contains(expected, refused.StandardError, StringComparison.Ordinal);
        }
        var badName = await server.KafkaCliAsync("create-cluster", "--cluster-name", "bad_name", "--kafka-version", "3.9.x", "--number-of-broker-nodes", "1",
            "--broker-node-group-info", "InstanceType=kafka.m5.large,ClientSubnets=[subnet-a]");
        Assert.Contains("An error occurred (BadRequestException) when calling the CreateCluster operation: The cluster name bad_name is not valid", badName.StandardError, StringComparison.Ordinal);
        var taken = await server.KafkaCliAsync("create-cluster", "--cluster-name", "tributary", "--kafka-version", "3.9.x", "--number-of-broker-nodes", "1",
            "--broker-node-group-info", "InstanceType=kafka.m5.large,ClientSubnets=[subnet-a]");
        Assert.Contains("An error occurred (ConflictException) when calling the CreateCluster operation", taken.StandardError, StringComparison.Ordinal);
        var embeddedArn = (await server.KafkaJsonAsync("list-clusters-v2")).GetProperty("ClusterInfoList")[0].GetProperty("ClusterArn").GetString()!;
        var embedded = await server.KafkaCliAsync("delete-cluster", "--cluster-arn", embeddedArn);
        Assert.Contains("An error occurred (BadRequestException) when calling the DeleteCluster operation", embedded.StandardError, StringComparison.Ordinal);
        Assert.Contains("embedded broker", embedded.StandardError, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForStateAsync(string arn, string state)
    {
        JsonElement last = default;
        await Eventually.HoldsAsync(async () =>
        {
            last = (await server.KafkaJsonAsync("describe-cluster-v2", "--cluster-arn", arn)).GetProperty("ClusterInfo");
            Assert.NotEqual("FAILED", last.GetProperty("State").GetString());
            return last.GetProperty("State").GetString() == state;
        }, () => $"the cluster is {state}; last seen {last}", TimeSpan.FromSeconds(30));
        return last;
    }

    private static async Task<List<string>> ConsumeAsync(string bootstrap, string topic)
    {
        var result = (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static async Task<List<string>> TopicsAsync(string bootstrap)
    {
        var metadata = (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-L", "-J"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        using var document = JsonDocument.Parse(metadata.StandardOutput);
        return [.. document.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic").GetString()!)];
    }
}
