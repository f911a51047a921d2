using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>`tributary serve` as scenario B's MSK cluster: a SASL_SSL listener taking AWS_MSK_IAM beside a PLAINTEXT one, MSK Connect's workers trusting its CA and signing with a key it accepts.</summary>
internal sealed class ScenarioBServer : AwsServeFixture
{
    public const string IamKey = "AKIDSCENARIOB";
    public const string IamSecret = "scenario-b-iam-secret";

    public ScenarioBServer(string tls)
        : base("scenario-b")
    {
        Settings.AddRange(
        [
            "kafka.listeners=PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0",
            "kafka.advertised.listeners=SASL_SSL://localhost:0",
            $"kafka.ssl.certificate.location={tls}/server.pem",
            $"kafka.ssl.key.location={tls}/server-key.pem",
            "kafka.sasl.enabled.mechanisms=AWS_MSK_IAM",
            $"kafka.sasl.aws.msk.iam.credentials={IamKey}:{IamSecret}:arn:aws:iam::123456789012:role/msk-connect",
            $"msk.connect.ssl.truststore.location={tls}/ca.pem",
            $"msk.connect.worker.credentials={IamKey}:{IamSecret}",
            "msk.connect.log.flush.ms=1000",
        ]);
    }

    /// <summary>The bound port of the listener named <paramref name="name"/>, from the serving line.</summary>
    public int ListenerPort(string name) =>
        Regex.Matches(ServingLine, @"\d+\.\d+\.\d+\.\d+:(\d+) \((\w+)\)").Where(m => m.Groups[2].Value == name)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Single();
}

/// <summary>
/// Scenario B (user-scenarios.md) as its users walk it, with the AWS CLI against one `tributary serve`: the Debezium
/// MySQL plugin zip copied to S3 and made a custom plugin, a worker configuration, a connector created with autoscaled
/// capacity, IAM client authentication over TLS, logs delivered, and scenario B's Debezium 1.6 configuration as written
/// (its history clients on SASL_SSL with AWS_MSK_IAM); RUNNING; the database's DDL and three INSERTs arrive as
/// Debezium's events; the connector is deleted with its workers.
/// </summary>
[Trait("Category", "process")]
public sealed class MskConnectScenarioBTests
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");

    [Fact]
    public async Task Scenario_B_through_the_MSK_Connect_API_with_IAM_over_TLS_streams_the_orders()
    {
        AwsServeFixture.RequireAwsCli();
        using var directory = new TempDirectory();
        var tls = directory.File("tls");
        (await ClientProcess.RunAsync("dotnet", [Program, "tls-certificates", "--out", tls], TimeSpan.FromSeconds(60))).EnsureSuccess();
        await using var database = await MariaDbServer.StartAsync();
        await database.ExecuteAsync(ScenarioBTests.CdcUser);
        var server = new ScenarioBServer(tls);
        await server.InitializeAsync();
        try
        {
            async Task<JsonElement> Cli(params string[] args)
            {
                var result = (await ClientProcess.RunAsync(AwsServeFixture.AwsCli, ["--endpoint-url", server.Endpoint, .. args, "--output", "json"], TimeSpan.FromSeconds(60),
                    environment: AwsServeFixture.Environment())).EnsureSuccess();
                // `aws s3` prints text lines; the other services JSON.
                using var document = JsonDocument.Parse(result.StandardOutput.Trim() is ['{', ..] text ? text : "{}");
                return document.RootElement.Clone();
            }

            var zip = directory.File("debezium-connector-mysql.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                archive.CreateEntry("debezium-connector-mysql/debezium-connector-mysql-1.6.0.Final.jar");
                archive.CreateEntry("debezium-connector-mysql/mysql-binlog-connector-java-0.25.1.jar");
            }
            await Cli("s3", "mb", "s3://msk-connect-plugins");
            await Cli("s3", "cp", zip, "s3://msk-connect-plugins/debezium-connector-mysql.zip");
            var pluginArn = (await Cli("kafkaconnect", "create-custom-plugin", "--name", "debezium-mysql", "--content-type", "ZIP",
                "--location", "s3Location={bucketArn=arn:aws:s3:::msk-connect-plugins,fileKey=debezium-connector-mysql.zip}")).GetProperty("customPluginArn").GetString()!;
            await Eventually.HoldsAsync(async () =>
                (await Cli("kafkaconnect", "describe-custom-plugin", "--custom-plugin-arn", pluginArn)).GetProperty("customPluginState").GetString() == "ACTIVE",
                "the Debezium plugin is ACTIVE", TimeSpan.FromSeconds(60));

            // MSK's default worker configuration, written out as a custom one (create-worker-configuration takes the
            // properties base64-encoded).
            var workerProperties = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                "key.converter=org.apache.kafka.connect.storage.StringConverter\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n"));
            var workerConfigurationArn = (await Cli("kafkaconnect", "create-worker-configuration", "--name", "ecommerce-worker",
                "--properties-file-content", workerProperties)).GetProperty("workerConfigurationArn").GetString()!;

            var secured = $"localhost:{server.ListenerPort("SASL_SSL")}";
            var configuration = new Dictionary<string, string>
            {
                ["connector.class"] = "io.debezium.connector.mysql.MySqlConnector",
                ["tasks.max"] = "1",
                ["database.hostname"] = "127.0.0.1",
                ["database.port"] = database.Port.ToString(CultureInfo.InvariantCulture),
                ["database.user"] = "my-database-user",
                ["database.password"] = "my-secret-password",
                ["database.server.id"] = "123456",
                ["database.server.name"] = "ecommerce-server",
                ["database.include.list"] = "ecommerce",
                ["database.history.kafka.topic"] = "dbhistory.ecommerce",
                ["database.history.kafka.bootstrap.servers"] = secured,
                ["database.history.consumer.security.protocol"] = "SASL_SSL",
                ["database.history.consumer.sasl.mechanism"] = "AWS_MSK_IAM",
                ["database.history.consumer.sasl.jaas.config"] = "software.amazon.msk.auth.iam.IAMLoginModule required;",
                ["database.history.consumer.sasl.client.callback.handler.class"] = "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
                ["database.history.producer.security.protocol"] = "SASL_SSL",
                ["database.history.producer.sasl.mechanism"] = "AWS_MSK_IAM",
                ["database.history.producer.sasl.jaas.config"] = "software.amazon.msk.auth.iam.IAMLoginModule required;",
                ["database.history.producer.sasl.client.callback.handler.class"] = "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
                ["include.schema.changes"] = "true",
            };
            var request = directory.File("create-connector.json");
            await File.WriteAllTextAsync(request, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["connectorName"] = "ecommerce-connector",
                ["kafkaConnectVersion"] = "2.7.1",
                ["capacity"] = new { autoScaling = new { minWorkerCount = 1, maxWorkerCount = 2, mcuCount = 1, scaleInPolicy = new { cpuUtilizationPercentage = 20 }, scaleOutPolicy = new { cpuUtilizationPercentage = 80 } } },
                ["connectorConfiguration"] = configuration,
                ["kafkaCluster"] = new { apacheKafkaCluster = new { bootstrapServers = secured, vpc = new { subnets = new[] { "subnet-1" }, securityGroups = new[] { "sg-1" } } } },
                ["kafkaClusterClientAuthentication"] = new { authenticationType = "IAM" },
                ["kafkaClusterEncryptionInTransit"] = new { encryptionType = "TLS" },
                ["plugins"] = new[] { new { customPlugin = new { customPluginArn = pluginArn, revision = 1 } } },
                ["serviceExecutionRoleArn"] = "arn:aws:iam::123456789012:role/msk-connect",
                ["workerConfiguration"] = new { workerConfigurationArn, revision = 1 },
                ["logDelivery"] = new { workerLogDelivery = new { cloudWatchLogs = new { enabled = true, logGroup = "msk-connect-ecommerce" } } },
            }));
            var connectorArn = (await Cli("kafkaconnect", "create-connector", "--cli-input-json", "file://" + request)).GetProperty("connectorArn").GetString()!;
            JsonElement connector = default;
            await Eventually.HoldsAsync(async () =>
            {
                connector = await Cli("kafkaconnect", "describe-connector", "--connector-arn", connectorArn);
                return connector.GetProperty("connectorState").GetString() is "RUNNING" or "FAILED";
            }, () => "the connector leaves CREATING; last: " + connector, TimeSpan.FromSeconds(150));
            Assert.True(connector.GetProperty("connectorState").GetString() == "RUNNING", connector.ToString());
            Assert.Equal("IAM", connector.GetProperty("kafkaClusterClientAuthentication").GetProperty("authenticationType").GetString());

            await database.ExecuteAsync("CREATE DATABASE ecommerce");
            await database.ExecuteAsync("""
                CREATE TABLE orders (
                       order_id VARCHAR(255),
                       customer_id VARCHAR(255),
                       item_description VARCHAR(255),
                       price DECIMAL(6,2),
                       order_date DATETIME DEFAULT CURRENT_TIMESTAMP
                );
                INSERT INTO orders VALUES ("123456", "123", "A super noisy mechanical keyboard", "50.00", "2021-08-16 10:11:12");
                INSERT INTO orders VALUES ("123457", "123", "An extremely wide monitor", "500.00", "2021-08-16 11:12:13");
                INSERT INTO orders VALUES ("123458", "123", "A too sensible microphone", "150.00", "2021-08-16 12:13:14");
                """, "ecommerce");

            // kafka-console-consumer's view, through the PLAINTEXT listener: three creates with MSK Connect's default
            // StringConverter... Debezium's value as the worker's converter writes it.
            var plain = $"127.0.0.1:{server.ListenerPort("PLAINTEXT")}";
            List<string> orders = [];
            await Eventually.HoldsAsync(async () =>
            {
                var read = await ClientProcess.RunAsync("kcat", ["-b", plain, "-t", "ecommerce-server.ecommerce.orders", "-C", "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(30));
                orders = [.. read.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
                return orders.Count >= 3;
            }, () => $"three order events, have {orders.Count}", TimeSpan.FromSeconds(90));
            Assert.Equal(3, orders.Count);
            Assert.All(orders, o => Assert.Contains("op=c", o, StringComparison.Ordinal));
            Assert.Contains("order_id=123456", orders[0], StringComparison.Ordinal);
            Assert.Contains("order_date=1629108672000", orders[0], StringComparison.Ordinal);
            var history = await ClientProcess.RunAsync("kcat", ["-b", plain, "-t", "dbhistory.ecommerce", "-C", "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(30));
            Assert.Contains("CREATE TABLE orders", history.StandardOutput, StringComparison.Ordinal);

            // The workers' logs, as CloudWatch Logs would hold them.
            var log = Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "msk-connect", "connectors"), "msk-connect-ecommerce.log", SearchOption.AllDirectories).Single();
            Assert.Matches(@"^\[Worker-[0-9a-f]{17}\] ", await File.ReadAllTextAsync(log));

            var current = (await Cli("kafkaconnect", "describe-connector", "--connector-arn", connectorArn)).GetProperty("currentVersion").GetString()!;
            Assert.Equal("DELETING", (await Cli("kafkaconnect", "delete-connector", "--connector-arn", connectorArn, "--current-version", current)).GetProperty("connectorState").GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
