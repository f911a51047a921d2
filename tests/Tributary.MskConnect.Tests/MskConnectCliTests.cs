using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Tributary.MskConnect.Tests;

/// <summary>
/// MSK Connect through the AWS CLI against one real `tributary serve`: plugin archives copied to the embedded bucket
/// (or to s3rver, read through msk.connect.plugin.s3.endpoint) with `aws s3 cp` and inspected (a Debezium MySQL zip ACTIVE, a zip with nothing known CREATE_FAILED with what was
/// found), a worker configuration, an autoscaled Datagen connector run by worker processes that reaches RUNNING and
/// writes records kcat reads, updated to provisioned capacity (workers × MCU, tasks.max capped at both × 2), then
/// deleted with its processes; MSK Connect's errors as the CLI prints them.
/// </summary>
[Trait("Category", "process")]
public sealed class MskConnectCliTests(MskConnectServer server) : IClassFixture<MskConnectServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PluginArchivesAreInspectedAndFailuresSayWhatWasFound()
    {
        AwsServeFixture.RequireAwsCli();
        var bucket = "plugins-" + Guid.NewGuid().ToString("N")[..8];
        var debezium = Zip(("debezium-connector-mysql/debezium-connector-mysql-2.7.0.Final.jar", ""), ("debezium-connector-mysql/README.md", "x"));
        var unknown = Zip(("lib/some-other-connector-1.0.jar", ""), ("notes.txt", "x"));
        (await server.CliAsync("s3", "mb", $"s3://{bucket}")).EnsureSuccess();
        (await server.CliAsync("s3", "cp", debezium, $"s3://{bucket}/debezium.zip")).EnsureSuccess();
        (await server.CliAsync("s3", "cp", unknown, $"s3://{bucket}/unknown.zip")).EnsureSuccess();

        var created = await Task.WhenAll(
            server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "debezium-" + bucket, "--content-type", "ZIP",
                "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=debezium.zip}}"),
            server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "unknown-" + bucket, "--content-type", "ZIP",
                "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=unknown.zip}}"));
        var good = created[0].GetProperty("customPluginArn").GetString()!;
        var bad = created[1].GetProperty("customPluginArn").GetString()!;
        Assert.StartsWith("arn:aws:kafkaconnect:us-east-1:", good, StringComparison.Ordinal);
        Assert.Contains($":custom-plugin/debezium-{bucket}/", good, StringComparison.Ordinal);
        Assert.Equal(1, created[0].GetProperty("revision").GetInt64());

        JsonElement goodDescription = default, badDescription = default;
        await Eventually.HoldsAsync(async () =>
        {
            var described = await Task.WhenAll(
                server.KafkaConnectJsonAsync("describe-custom-plugin", "--custom-plugin-arn", good),
                server.KafkaConnectJsonAsync("describe-custom-plugin", "--custom-plugin-arn", bad));
            (goodDescription, badDescription) = (described[0], described[1]);
            return goodDescription.GetProperty("customPluginState").GetString() != "CREATING"
                && badDescription.GetProperty("customPluginState").GetString() != "CREATING";
        }, "both plugins leave CREATING", Patience);
        Assert.Equal("ACTIVE", goodDescription.GetProperty("customPluginState").GetString());
        var revision = goodDescription.GetProperty("latestRevision");
        Assert.Equal(new FileInfo(debezium).Length, revision.GetProperty("fileDescription").GetProperty("fileSize").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(debezium))),
            revision.GetProperty("fileDescription").GetProperty("fileMd5").GetString());
        Assert.Equal("CREATE_FAILED", badDescription.GetProperty("customPluginState").GetString());
        var message = badDescription.GetProperty("stateDescription").GetProperty("message").GetString()!;
        Assert.Contains("lib/some-other-connector-1.0.jar", message, StringComparison.Ordinal);
        Assert.Contains("notes.txt", message, StringComparison.Ordinal);

        var listed = await server.KafkaConnectJsonAsync("list-custom-plugins");
        var names = listed.GetProperty("customPlugins").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("debezium-" + bucket, names);
        Assert.Contains("unknown-" + bucket, names);

        // A JAR (matched by its own file name), a ZIP holding a .NET plugin assembly (extracted for the workers'
        // plugin.path), a ZIP that is not one, and a key with no object.
        var jar = Path.Combine(Path.GetTempPath(), "kafka-connect-s3-10.5.13.jar");
        await File.WriteAllBytesAsync(jar, File.ReadAllBytes(debezium));
        var dotnet = Zip(("acme-connectors/Acme.Connect.Ledger.dll", "not really an assembly"), ("acme-connectors/Acme.Connect.Ledger.deps.json", "{}"));
        var notZip = Path.Combine(Path.GetTempPath(), "mskc-" + Guid.NewGuid().ToString("N") + ".zip");
        await File.WriteAllTextAsync(notZip, "plain text, no archive");
        (await server.CliAsync("s3", "cp", jar, $"s3://{bucket}/kafka-connect-s3-10.5.13.jar")).EnsureSuccess();
        (await server.CliAsync("s3", "cp", dotnet, $"s3://{bucket}/dotnet.zip")).EnsureSuccess();
        (await server.CliAsync("s3", "cp", notZip, $"s3://{bucket}/not-a.zip")).EnsureSuccess();
        var more = await Task.WhenAll(
            server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "s3-jar-" + bucket, "--content-type", "JAR",
                "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=kafka-connect-s3-10.5.13.jar}}"),
            server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "dotnet-" + bucket, "--content-type", "ZIP",
                "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=dotnet.zip}}"),
            server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "not-zip-" + bucket, "--content-type", "ZIP",
                "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=not-a.zip}}"),
            server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "missing-" + bucket, "--content-type", "ZIP",
                "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=missing.zip}}"));
        var arns = more.Select(c => c.GetProperty("customPluginArn").GetString()!).ToArray();
        var states = new JsonElement[arns.Length];
        await Eventually.HoldsAsync(async () =>
        {
            states = await Task.WhenAll(arns.Select(a => server.KafkaConnectJsonAsync("describe-custom-plugin", "--custom-plugin-arn", a)));
            return states.All(d => d.GetProperty("customPluginState").GetString() != "CREATING");
        }, "the four plugins leave CREATING", Patience);
        Assert.Equal(["ACTIVE", "ACTIVE", "CREATE_FAILED", "CREATE_FAILED"], states.Select(d => d.GetProperty("customPluginState").GetString()));
        Assert.Equal("JAR", states[0].GetProperty("latestRevision").GetProperty("contentType").GetString());
        var extracted = Path.Combine(server.DataDirectory, "msk-connect", "plugins", arns[1].Split('/')[^1], "1", "acme-connectors", "Acme.Connect.Ledger.dll");
        Assert.True(File.Exists(extracted), extracted + " was not extracted");
        Assert.Equal("INVALID_ZIP", states[2].GetProperty("stateDescription").GetProperty("code").GetString());
        Assert.Contains($"s3://{bucket}/not-a.zip is not a ZIP archive", states[2].GetProperty("stateDescription").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("S3_OBJECT_NOT_FOUND", states[3].GetProperty("stateDescription").GetProperty("code").GetString());
        Assert.Contains($"s3://{bucket}/missing.zip", states[3].GetProperty("stateDescription").GetProperty("message").GetString(), StringComparison.Ordinal);

        var deleted = await server.KafkaConnectJsonAsync("delete-custom-plugin", "--custom-plugin-arn", bad);
        Assert.Equal("DELETING", deleted.GetProperty("customPluginState").GetString());
        var gone = await server.CliAsync("kafkaconnect", "describe-custom-plugin", "--custom-plugin-arn", bad);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("(NotFoundException)", gone.StandardError, StringComparison.Ordinal);

        // With msk.connect.plugin.s3.endpoint the archive is read from that S3-compatible service (s3rver here, its copy
        // made with `aws s3 cp` against s3rver), not from the embedded bucket: the same bucket name exists only there.
        var s3rverRoot = Path.Combine(Path.GetTempPath(), "mskc-s3rver-" + Guid.NewGuid().ToString("N"));
        await using var s3rver = await S3rver.StartAsync(s3rverRoot);
        var s3rverEnvironment = AwsServeFixture.Environment();
        s3rverEnvironment["AWS_ACCESS_KEY_ID"] = S3rver.Credentials;
        s3rverEnvironment["AWS_SECRET_ACCESS_KEY"] = S3rver.Credentials;
        var externalBucket = "external-" + bucket;
        foreach (var command in new[] { new[] { "s3", "mb", $"s3://{externalBucket}" }, ["s3", "cp", debezium, $"s3://{externalBucket}/plugins/debezium.zip"] })
        {
            (await ClientProcess.RunAsync(AwsServeFixture.AwsCli, ["--endpoint-url", s3rver.Endpoint, .. command], TimeSpan.FromSeconds(60), environment: s3rverEnvironment)).EnsureSuccess();
        }
        string[] external = [$"msk.connect.plugin.s3.endpoint={s3rver.Endpoint}", $"msk.connect.plugin.s3.access.key={S3rver.Credentials}", $"msk.connect.plugin.s3.secret.key={S3rver.Credentials}"];
        server.Settings.AddRange(external);
        await server.RestartAsync();
        try
        {
            var fromS3rver = await Task.WhenAll(
                server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "s3rver-" + bucket, "--content-type", "ZIP",
                    "--location", $"s3Location={{bucketArn=arn:aws:s3:::{externalBucket},fileKey=plugins/debezium.zip}}"),
                server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "s3rver-missing-" + bucket, "--content-type", "ZIP",
                    "--location", $"s3Location={{bucketArn=arn:aws:s3:::{externalBucket},fileKey=plugins/missing.zip}}"));
            var externalArns = fromS3rver.Select(c => c.GetProperty("customPluginArn").GetString()!).ToArray();
            await Eventually.HoldsAsync(async () =>
            {
                states = await Task.WhenAll(externalArns.Select(a => server.KafkaConnectJsonAsync("describe-custom-plugin", "--custom-plugin-arn", a)));
                return states.All(d => d.GetProperty("customPluginState").GetString() != "CREATING");
            }, "the s3rver plugins leave CREATING", Patience);
            Assert.True(states[0].GetProperty("customPluginState").GetString() == "ACTIVE", states[0].ToString());
            Assert.Equal(new FileInfo(debezium).Length, states[0].GetProperty("latestRevision").GetProperty("fileDescription").GetProperty("fileSize").GetInt64());
            Assert.Equal("CREATE_FAILED", states[1].GetProperty("customPluginState").GetString());
            Assert.Equal("S3_OBJECT_NOT_FOUND", states[1].GetProperty("stateDescription").GetProperty("code").GetString());
            Assert.Contains($"s3://{externalBucket}/plugins/missing.zip", states[1].GetProperty("stateDescription").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains(s3rver.Requests(), r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains($"/{externalBucket}/plugins/debezium.zip", StringComparison.Ordinal));
        }
        finally
        {
            server.Settings.RemoveAll(external.Contains);
            await server.RestartAsync();
            Directory.Delete(s3rverRoot, recursive: true);
        }
    }

    [Fact]
    public async Task AnAutoscaledDatagenConnectorRunsAsWorkerProcessesAndIsDeletedWithThem()
    {
        AwsServeFixture.RequireAwsCli();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var bucket = "datagen-" + suffix;
        var plugin = Zip(("confluentinc-kafka-connect-datagen-0.6.5/lib/kafka-connect-datagen-0.6.5.jar", ""));
        (await server.CliAsync("s3", "mb", $"s3://{bucket}")).EnsureSuccess();
        (await server.CliAsync("s3", "cp", plugin, $"s3://{bucket}/datagen.zip")).EnsureSuccess();
        var pluginArn = (await server.KafkaConnectJsonAsync("create-custom-plugin", "--name", "datagen-" + suffix, "--content-type", "ZIP",
            "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=datagen.zip}}")).GetProperty("customPluginArn").GetString()!;
        var properties = Convert.ToBase64String(Encoding.UTF8.GetBytes("key.converter=org.apache.kafka.connect.storage.StringConverter\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter.schemas.enable=false\n"));
        var workerConfiguration = await server.KafkaConnectJsonAsync("create-worker-configuration", "--name", "json-" + suffix, "--properties-file-content", properties);
        var workerConfigurationArn = workerConfiguration.GetProperty("workerConfigurationArn").GetString()!;
        var described = await server.KafkaConnectJsonAsync("describe-worker-configuration", "--worker-configuration-arn", workerConfigurationArn);
        Assert.Equal(properties, described.GetProperty("latestRevision").GetProperty("propertiesFileContent").GetString());
        await Eventually.HoldsAsync(async () =>
            (await server.KafkaConnectJsonAsync("describe-custom-plugin", "--custom-plugin-arn", pluginArn)).GetProperty("customPluginState").GetString() == "ACTIVE",
            "the Datagen plugin is ACTIVE", Patience);

        var topic = "pageviews-" + suffix;
        var bootstrap = $"127.0.0.1:{server.KafkaPort}";
        var connectorName = "datagen-" + suffix;
        var created = await server.KafkaConnectJsonAsync("create-connector",
            "--connector-name", connectorName,
            "--kafka-connect-version", "3.7.x",
            "--capacity", "autoScaling={minWorkerCount=2,maxWorkerCount=3,mcuCount=1,scaleInPolicy={cpuUtilizationPercentage=1},scaleOutPolicy={cpuUtilizationPercentage=95}}",
            "--connector-configuration", $"connector.class=io.confluent.kafka.connect.datagen.DatagenConnector,kafka.topic={topic},quickstart=pageviews,max.interval=50,tasks.max=50",
            "--kafka-cluster", $"apacheKafkaCluster={{bootstrapServers={bootstrap},vpc={{subnets=[subnet-1],securityGroups=[sg-1]}}}}",
            "--kafka-cluster-client-authentication", "authenticationType=NONE",
            "--kafka-cluster-encryption-in-transit", "encryptionType=PLAINTEXT",
            "--plugins", $"customPlugin={{customPluginArn={pluginArn},revision=1}}",
            "--service-execution-role-arn", "arn:aws:iam::123456789012:role/msk-connect",
            "--worker-configuration", $"workerConfigurationArn={workerConfigurationArn},revision=1");
        var connectorArn = created.GetProperty("connectorArn").GetString()!;
        Assert.Equal("CREATING", created.GetProperty("connectorState").GetString());

        JsonElement connector = default;
        await Eventually.HoldsAsync(async () =>
        {
            connector = await server.KafkaConnectJsonAsync("describe-connector", "--connector-arn", connectorArn);
            return connector.GetProperty("connectorState").GetString() is "RUNNING" or "FAILED";
        }, () => "the connector leaves CREATING; last: " + connector + "\n" + server.Output, TimeSpan.FromSeconds(150));
        Assert.True(connector.GetProperty("connectorState").GetString() == "RUNNING", connector.ToString());
        Assert.Equal(2, connector.GetProperty("capacity").GetProperty("autoScaling").GetProperty("minWorkerCount").GetInt32());
        Assert.Equal(2, server.WorkerProcesses().Count);
        var listedConnectors = (await server.KafkaConnectJsonAsync("list-connectors", "--connector-name-prefix", connectorName)).GetProperty("connectors");
        var summary = Assert.Single(listedConnectors.EnumerateArray());
        Assert.Equal(connectorArn, summary.GetProperty("connectorArn").GetString());
        Assert.Equal("RUNNING", summary.GetProperty("connectorState").GetString());
        Assert.Equal(connector.GetProperty("currentVersion").GetString(), summary.GetProperty("currentVersion").GetString());
        var listedConfigurations = (await server.KafkaConnectJsonAsync("list-worker-configurations")).GetProperty("workerConfigurations");
        Assert.Contains(listedConfigurations.EnumerateArray(), w => w.GetProperty("workerConfigurationArn").GetString() == workerConfigurationArn);

        string metadata = "";
        await Eventually.HoldsAsync(async () =>
        {
            metadata = (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-L", "-J"], TimeSpan.FromSeconds(30))).EnsureSuccess().StandardOutput;
            return metadata.Contains($"\"{topic}\"", StringComparison.Ordinal);
        }, "the Datagen topic exists", Patience);
        Assert.Contains($"__amazon_msk_connect_configs_{connectorName}_", metadata, StringComparison.Ordinal);
        Assert.Contains($"__amazon_msk_connect_offsets_{connectorName}_", metadata, StringComparison.Ordinal);
        Assert.Contains($"__amazon_msk_connect_status_{connectorName}_", metadata, StringComparison.Ordinal);
        var records = await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-c", "5", "-q"], TimeSpan.FromSeconds(60));
        records.EnsureSuccess();
        var lines = records.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        foreach (var line in lines)
        {
            using var record = JsonDocument.Parse(line);
            Assert.True(record.RootElement.TryGetProperty("pageid", out _), line);
        }

        // tasks.max=50 asked; MSK Connect caps it at maxWorkerCount × mcuCount × 2 = 3 × 1 × 2: datagen's task.id header
        // names the task of each record, and none is beyond the sixth.
        var headers = (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-c", "300", "-q", "-f", "%h\n"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        var taskIds = headers.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => System.Text.RegularExpressions.Regex.Match(h, @"(?:^|,)task\.id=(\d+)(?:,|$)"))
            .Select(m => { Assert.True(m.Success, headers.StandardOutput); return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture); })
            .ToHashSet();
        Assert.True(taskIds.Count > 1 && taskIds.Max() <= 5, "task ids " + string.Join(",", taskIds.Order()));

        // The server supervises its workers: one killed (SIGKILL) is replaced by a new process and the connector runs on.
        var running = server.WorkerProcesses();
        System.Diagnostics.Process.GetProcessById(running[0]).Kill();
        await Eventually.HoldsAsync(async () =>
        {
            connector = await server.KafkaConnectJsonAsync("describe-connector", "--connector-arn", connectorArn);
            var now = server.WorkerProcesses();
            return now.Count == 2 && !now.Contains(running[0]) && connector.GetProperty("connectorState").GetString() == "RUNNING";
        }, () => $"a new worker replaces the killed {running[0]}; now {string.Join(",", server.WorkerProcesses())}; last: {connector}", TimeSpan.FromSeconds(120));

        // A server restart stops the workers and starts the connector's group again from the state file.
        var before = server.WorkerProcesses();
        await server.RestartAsync();
        Assert.DoesNotContain(server.WorkerProcesses(), before.Contains);
        await Eventually.HoldsAsync(async () =>
        {
            connector = await server.KafkaConnectJsonAsync("describe-connector", "--connector-arn", connectorArn);
            return connector.GetProperty("connectorState").GetString() == "RUNNING" && server.WorkerProcesses().Count == 2;
        }, () => "the connector runs again on two workers after the restart; last: " + connector, TimeSpan.FromSeconds(120));

        // A capacity update to provisioned capacity, three workers of two MCUs: UPDATING, then RUNNING on three processes.
        var updated = await server.KafkaConnectJsonAsync("update-connector", "--connector-arn", connectorArn,
            "--current-version", connector.GetProperty("currentVersion").GetString()!,
            "--capacity", "provisionedCapacity={mcuCount=2,workerCount=3}");
        Assert.Equal("UPDATING", updated.GetProperty("connectorState").GetString());
        await Eventually.HoldsAsync(async () =>
        {
            connector = await server.KafkaConnectJsonAsync("describe-connector", "--connector-arn", connectorArn);
            return connector.GetProperty("connectorState").GetString() == "RUNNING" && server.WorkerProcesses().Count == 3;
        }, () => "the connector runs on three workers after the update; last: " + connector, TimeSpan.FromSeconds(120));
        Assert.Equal(3, connector.GetProperty("capacity").GetProperty("provisionedCapacity").GetProperty("workerCount").GetInt32());
        Assert.Equal(2, connector.GetProperty("capacity").GetProperty("provisionedCapacity").GetProperty("mcuCount").GetInt32());
        Assert.False(connector.GetProperty("capacity").TryGetProperty("autoScaling", out _), connector.ToString());
        // DescribeConnector shows the workers running now (MSK's shape has no member for it: a response header).
        var debug = (await server.CliAsync("kafkaconnect", "describe-connector", "--connector-arn", connectorArn, "--debug")).EnsureSuccess();
        Assert.Contains("'x-tributary-worker-count': '3'", debug.StandardError, StringComparison.Ordinal);
        // tasks.max=50 is now capped at workerCount × mcuCount × 2 = 12: among the latest records (the last 1,000 per
        // partition, 1,000 in all) tasks 6..11, beyond the autoscaled cap, write too, and none is beyond the twelfth.
        HashSet<int> latestTaskIds = [];
        await Eventually.HoldsAsync(async () =>
        {
            var all = (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-t", topic, "-C", "-o", "-1000", "-c", "1000", "-q", "-f", "%h\n"], TimeSpan.FromSeconds(60))).EnsureSuccess();
            latestTaskIds = [.. all.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(h => System.Text.RegularExpressions.Regex.Match(h, @"(?:^|,)task\.id=(\d+)(?:,|$)"))
                .Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
            return latestTaskIds.Any(id => id > 5);
        }, () => "tasks beyond the sixth write after the update; task ids " + string.Join(",", latestTaskIds.Order()), TimeSpan.FromSeconds(60));
        Assert.True(latestTaskIds.Max() <= 11, "task ids " + string.Join(",", latestTaskIds.Order()));

        // The JS SDK v3 (the CLI v2 here predates these operations): tags, and the update as a connector operation.
        var scripts = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "aws", "node");
        Assert.True(Directory.Exists(Path.Combine(scripts, "node_modules", "@aws-sdk", "client-kafkaconnect")),
            "@aws-sdk/client-kafkaconnect is not installed: run ./test.sh (npm ci in tests/interop/aws/node)");
        var js = await ClientProcess.RunAsync("node", [Path.Combine(scripts, "mskconnect_js.mjs"), server.Endpoint, connectorArn, workerConfigurationArn, pluginArn],
            TimeSpan.FromSeconds(120), workingDirectory: scripts, environment: AwsServeFixture.Environment());
        Assert.True(js.ExitCode == 0, js.ToString());
        Assert.Contains("OK 11 checks", js.StandardOutput, StringComparison.Ordinal);

        var deleted = await server.KafkaConnectJsonAsync("delete-connector", "--connector-arn", connectorArn, "--current-version", connector.GetProperty("currentVersion").GetString()!);
        Assert.Equal("DELETING", deleted.GetProperty("connectorState").GetString());
        await Eventually.HoldsAsync(() => server.WorkerProcesses().Count == 0, "the worker processes are gone", Patience);
        await Eventually.HoldsAsync(async () =>
            (await server.CliAsync("kafkaconnect", "describe-connector", "--connector-arn", connectorArn)).StandardError.Contains("(NotFoundException)", StringComparison.Ordinal),
            "the deleted connector is not found", Patience);
    }

    [Fact]
    public async Task BadConnectorRequestsGetMskConnectErrors()
    {
        AwsServeFixture.RequireAwsCli();
        string[] Create(string capacity, string pluginArn) =>
        [
            "kafkaconnect", "create-connector", "--connector-name", "bad-" + Guid.NewGuid().ToString("N")[..6], "--kafka-connect-version", "3.7.x",
            "--capacity", capacity,
            "--connector-configuration", "connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector,topic=t,file=/dev/null",
            "--kafka-cluster", $"apacheKafkaCluster={{bootstrapServers=127.0.0.1:{server.KafkaPort},vpc={{subnets=[s]}}}}",
            "--kafka-cluster-client-authentication", "authenticationType=NONE",
            "--kafka-cluster-encryption-in-transit", "encryptionType=PLAINTEXT",
            "--plugins", $"customPlugin={{customPluginArn={pluginArn},revision=1}}",
            "--service-execution-role-arn", "arn:aws:iam::123456789012:role/r",
        ];
        var unknownPlugin = "arn:aws:kafkaconnect:us-east-1:000000000000:custom-plugin/none/00000000-0000-0000-0000-000000000000-1";
        var results = await Task.WhenAll(
            server.CliAsync(Create("autoScaling={minWorkerCount=3,maxWorkerCount=2,mcuCount=1}", unknownPlugin)),
            server.CliAsync(Create("provisionedCapacity={mcuCount=3,workerCount=1}", unknownPlugin)),
            server.CliAsync(Create("provisionedCapacity={mcuCount=1,workerCount=1}", unknownPlugin)),
            server.CliAsync("kafkaconnect", "describe-connector", "--connector-arn", "arn:aws:kafkaconnect:us-east-1:000000000000:connector/none/x"));
        Assert.All(results, r => Assert.NotEqual(0, r.ExitCode));
        Assert.Contains("An error occurred (BadRequestException) when calling the CreateConnector operation: capacity.autoScaling.minWorkerCount (3) must be less than or equal to maxWorkerCount (2)", results[0].StandardError, StringComparison.Ordinal);
        Assert.Contains("(BadRequestException) when calling the CreateConnector operation: capacity.provisionedCapacity.mcuCount must be one of 1, 2, 4 and 8, not 3", results[1].StandardError, StringComparison.Ordinal);
        Assert.Contains($"(NotFoundException) when calling the CreateConnector operation: The custom plugin {unknownPlugin} does not exist", results[2].StandardError, StringComparison.Ordinal);
        Assert.Contains("(NotFoundException) when calling the DescribeConnector operation", results[3].StandardError, StringComparison.Ordinal);
    }

    /// <summary>A zip in a temporary file with the given entries (name, text).</summary>
    internal static string Zip(params (string Name, string Text)[] entries)
    {
        var path = Path.Combine(Path.GetTempPath(), "mskc-" + Guid.NewGuid().ToString("N") + ".zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, text) in entries)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(text);
        }
        return path;
    }
}
