using System.Text;
using System.Text.Json;

namespace Tributary.Msk.Tests;

/// <summary>
/// The AWS CLI v2 (`aws kafka`) against the real server: the embedded cluster as MSK describes it, its bootstrap string
/// reached by kcat, a configuration applied as the broker's topic defaults (seen by a Kafka admin client and enforced
/// on a produce), tags, and MSK's error shapes as the CLI prints them.
/// </summary>
[Trait("Category", "process")]
public sealed class MskCliTests(MskServer server) : IClassFixture<MskServer>
{
    [Fact]
    public async Task The_cli_finds_the_embedded_cluster_and_a_configuration_becomes_the_broker_default()
    {
        MskServer.RequireAwsCli();
        InteropClients.RequireKcat();
        InteropClients.RequireConfluentKafka();

        var clusters = await server.KafkaJsonAsync("list-clusters-v2");
        var cluster = Assert.Single(clusters.GetProperty("ClusterInfoList").EnumerateArray());
        var arn = cluster.GetProperty("ClusterArn").GetString()!;
        Assert.Matches("^arn:aws:kafka:us-east-1:000000000000:cluster/tributary/[0-9a-f-]{36}$", arn);
        Assert.Equal("ACTIVE", cluster.GetProperty("State").GetString());
        Assert.Equal("PROVISIONED", cluster.GetProperty("ClusterType").GetString());
        Assert.Equal(1, cluster.GetProperty("Provisioned").GetProperty("NumberOfBrokerNodes").GetInt32());

        // ListClusters (v1): the same cluster in the first API's shape.
        var v1 = Assert.Single((await server.KafkaJsonAsync("list-clusters")).GetProperty("ClusterInfoList").EnumerateArray());
        Assert.Equal(arn, v1.GetProperty("ClusterArn").GetString());
        Assert.Equal("ACTIVE", v1.GetProperty("State").GetString());
        Assert.Equal(1, v1.GetProperty("NumberOfBrokerNodes").GetInt32());

        var described = (await server.KafkaJsonAsync("describe-cluster-v2", "--cluster-arn", arn)).GetProperty("ClusterInfo");
        Assert.Equal(arn, described.GetProperty("ClusterArn").GetString());
        var versionBefore = described.GetProperty("CurrentVersion").GetString()!;
        Assert.False(described.GetProperty("Provisioned").GetProperty("CurrentBrokerSoftwareInfo").TryGetProperty("ConfigurationArn", out _));

        var bootstrap = (await server.KafkaJsonAsync("get-bootstrap-brokers", "--cluster-arn", arn)).GetProperty("BootstrapBrokerString").GetString()!;
        Assert.Equal($"127.0.0.1:{server.KafkaPort}", bootstrap);
        var metadata = (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-L", "-J"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        using (var kcatMetadata = JsonDocument.Parse(metadata.StandardOutput))
        {
            var broker = Assert.Single(kcatMetadata.RootElement.GetProperty("brokers").EnumerateArray());
            Assert.Equal(bootstrap, broker.GetProperty("name").GetString());
        }

        // A configuration: two properties the broker enforces, one it keeps without effect on a single node.
        var name = "cfg-" + Guid.NewGuid().ToString("N")[..8];
        var propertiesText = "# small messages, two days\nmessage.max.bytes=2000\nlog.retention.hours = 48\ndefault.replication.factor=3\n";
        var propertiesFile = Path.Combine(server.DataDirectory, name + ".properties");
        await File.WriteAllTextAsync(propertiesFile, propertiesText);
        var created = await server.KafkaJsonAsync("create-configuration", "--name", name, "--description", "small messages",
            "--kafka-versions", "3.9.x", "--server-properties", "fileb://" + propertiesFile);
        var configurationArn = created.GetProperty("Arn").GetString()!;
        Assert.StartsWith($"arn:aws:kafka:us-east-1:000000000000:configuration/{name}/", configurationArn, StringComparison.Ordinal);
        Assert.Equal(1, created.GetProperty("LatestRevision").GetProperty("Revision").GetInt64());

        var describedConfiguration = await server.KafkaJsonAsync("describe-configuration", "--arn", configurationArn);
        Assert.Equal(name, describedConfiguration.GetProperty("Name").GetString());
        Assert.Equal("ACTIVE", describedConfiguration.GetProperty("State").GetString());
        Assert.Equal("small messages", describedConfiguration.GetProperty("Description").GetString());
        Assert.Equal(["3.9.x"], describedConfiguration.GetProperty("KafkaVersions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(1, describedConfiguration.GetProperty("LatestRevision").GetProperty("Revision").GetInt64());

        var revision = await server.KafkaJsonAsync("describe-configuration-revision", "--arn", configurationArn, "--revision", "1");
        Assert.Equal(propertiesText, Encoding.UTF8.GetString(Convert.FromBase64String(revision.GetProperty("ServerProperties").GetString()!)));
        var listed = await server.KafkaJsonAsync("list-configurations");
        Assert.Contains(listed.GetProperty("Configurations").EnumerateArray(), c => c.GetProperty("Arn").GetString() == configurationArn);

        var update = await server.KafkaJsonAsync("update-cluster-configuration", "--cluster-arn", arn,
            "--configuration-info", $"Arn={configurationArn},Revision=1", "--current-version", versionBefore);
        Assert.Equal(arn, update.GetProperty("ClusterArn").GetString());
        var operation = (await server.KafkaJsonAsync("describe-cluster-operation", "--cluster-operation-arn", update.GetProperty("ClusterOperationArn").GetString()!))
            .GetProperty("ClusterOperationInfo");
        Assert.Equal("UPDATE_COMPLETE", operation.GetProperty("OperationState").GetString());

        var after = (await server.KafkaJsonAsync("describe-cluster-v2", "--cluster-arn", arn)).GetProperty("ClusterInfo");
        Assert.NotEqual(versionBefore, after.GetProperty("CurrentVersion").GetString());
        var software = after.GetProperty("Provisioned").GetProperty("CurrentBrokerSoftwareInfo");
        Assert.Equal(configurationArn, software.GetProperty("ConfigurationArn").GetString());
        Assert.Equal(1, software.GetProperty("ConfigurationRevision").GetInt64());

        // The broker enforces the new defaults: a Kafka admin client sees them on a topic, a produce above them fails.
        var topic = "msk-defaults-" + Guid.NewGuid().ToString("N")[..8];
        var small = Path.Combine(server.DataDirectory, topic + ".small");
        var large = Path.Combine(server.DataDirectory, topic + ".large");
        await File.WriteAllTextAsync(small, new string('s', 100));
        await File.WriteAllTextAsync(large, new string('l', 5000));
        (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-P", "-c", "1"], TimeSpan.FromSeconds(30), stdinFile: small)).EnsureSuccess();
        var refused = await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-P", "-c", "1"], TimeSpan.FromSeconds(30), stdinFile: large);
        Assert.Contains("Message size too large", refused.StandardError, StringComparison.Ordinal);
        var configs = await MskServer.TopicConfigsAsync(bootstrap, topic);
        Assert.Equal("2000", configs["max.message.bytes"]);
        Assert.Equal((48L * 3_600_000).ToString(System.Globalization.CultureInfo.InvariantCulture), configs["retention.ms"]);

        // Tags on the cluster and the configuration.
        (await server.KafkaCliAsync("tag-resource", "--resource-arn", arn, "--tags", "team=data,env=test")).EnsureSuccess();
        (await server.KafkaCliAsync("tag-resource", "--resource-arn", configurationArn, "--tags", "owner=msk-tests")).EnsureSuccess();
        (await server.KafkaCliAsync("untag-resource", "--resource-arn", arn, "--tag-keys", "env")).EnsureSuccess();
        var tags = (await server.KafkaJsonAsync("list-tags-for-resource", "--resource-arn", arn)).GetProperty("Tags");
        Assert.Equal(["team=data"], tags.EnumerateObject().Select(t => t.Name + "=" + t.Value.GetString()));
        Assert.Equal("msk-tests", (await server.KafkaJsonAsync("list-tags-for-resource", "--resource-arn", configurationArn)).GetProperty("Tags").GetProperty("owner").GetString());

        // The cluster, its configuration and the broker defaults survive a restart.
        await server.RestartAsync();
        var restarted = (await server.KafkaJsonAsync("describe-cluster-v2", "--cluster-arn", arn)).GetProperty("ClusterInfo");
        Assert.Equal(after.GetProperty("CurrentVersion").GetString(), restarted.GetProperty("CurrentVersion").GetString());
        Assert.Equal("data", restarted.GetProperty("Tags").GetProperty("team").GetString());
        var restartedBootstrap = (await server.KafkaJsonAsync("get-bootstrap-brokers", "--cluster-arn", arn)).GetProperty("BootstrapBrokerString").GetString()!;
        Assert.Equal("2000", (await MskServer.TopicConfigsAsync(restartedBootstrap, topic))["max.message.bytes"]);
    }

    [Fact]
    public async Task Bad_input_gets_msks_errors_as_the_cli_prints_them()
    {
        MskServer.RequireAwsCli();
        var unknownArn = "arn:aws:kafka:us-east-1:000000000000:cluster/other/" + Guid.NewGuid();
        var notFound = await server.KafkaCliAsync("describe-cluster-v2", "--cluster-arn", unknownArn);
        Assert.NotEqual(0, notFound.ExitCode);
        Assert.Contains("An error occurred (NotFoundException) when calling the DescribeClusterV2 operation:", notFound.StandardError, StringComparison.Ordinal);
        Assert.Contains(unknownArn, notFound.StandardError, StringComparison.Ordinal);
        var bootstrapNotFound = await server.KafkaCliAsync("get-bootstrap-brokers", "--cluster-arn", unknownArn);
        Assert.Contains("An error occurred (NotFoundException) when calling the GetBootstrapBrokers operation:", bootstrapNotFound.StandardError, StringComparison.Ordinal);

        foreach (var (properties, expected) in new[]
        {
            ("this line is not a property\n", "is not of the form key=value"),
            ("no.such.broker.property=1\n", "Unsupported property 'no.such.broker.property'"),
            ("message.max.bytes=lots\n", "Invalid value 'lots' for message.max.bytes"),
        })
        {
            var file = Path.Combine(server.DataDirectory, Guid.NewGuid().ToString("N") + ".properties");
            await File.WriteAllTextAsync(file, properties);
            var refused = await server.KafkaCliAsync("create-configuration", "--name", "bad-" + Guid.NewGuid().ToString("N")[..8], "--server-properties", "fileb://" + file);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("An error occurred (BadRequestException) when calling the CreateConfiguration operation:", refused.StandardError, StringComparison.Ordinal);
            Assert.Contains(expected, refused.StandardError, StringComparison.Ordinal);
        }

        var arn = (await server.KafkaJsonAsync("list-clusters-v2")).GetProperty("ClusterInfoList")[0].GetProperty("ClusterArn").GetString()!;
        var stale = await server.KafkaCliAsync("update-cluster-configuration", "--cluster-arn", arn,
            "--configuration-info", "Arn=arn:aws:kafka:us-east-1:000000000000:configuration/none/x,Revision=1", "--current-version", "NOTTHEVERSION");
        Assert.Contains("An error occurred (BadRequestException) when calling the UpdateClusterConfiguration operation:", stale.StandardError, StringComparison.Ordinal);
        var createCluster = await server.KafkaCliAsync("create-cluster-v2", "--cluster-name", "second", "--serverless",
            "VpcConfigs=[{SubnetIds=[subnet-1]}]");
        Assert.Contains("An error occurred (BadRequestException) when calling the CreateClusterV2 operation: Tributary runs provisioned clusters only", createCluster.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_js_sdk_v3_kafka_client_drives_the_api()
    {
        var scripts = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "aws", "node");
        Assert.True(Directory.Exists(Path.Combine(scripts, "node_modules", "@aws-sdk", "client-kafka")),
            "@aws-sdk/client-kafka is not installed: run ./test.sh (npm ci in tests/interop/aws/node)");
        var result = await ClientProcess.RunAsync("node", [Path.Combine(scripts, "msk_js.mjs"), server.Endpoint], TimeSpan.FromSeconds(120),
            workingDirectory: scripts, environment: MskServer.Environment());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK 15 checks", result.StandardOutput, StringComparison.Ordinal);
    }
}
