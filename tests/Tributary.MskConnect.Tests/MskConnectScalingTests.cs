using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tributary.MskConnect.Tests;

/// <summary>`tributary serve` with the autoscaler and the log delivery paced for a test: CPU sampled every second, steps 3 s apart, logs delivered every second.</summary>
public sealed class MskConnectFastServer : AwsServeFixture, IAsyncLifetime
{
    public MskConnectFastServer()
        : base("mskscale")
    {
        Settings.Add("msk.connect.scale.sample.ms=1000");
        Settings.Add("msk.connect.scale.cooldown.ms=3000");
        Settings.Add("msk.connect.log.flush.ms=1000");
        Settings.Add("num.partitions=6");
    }

    public Task<ClientResult> CliAsync(params string[] args) =>
        ClientProcess.RunAsync(AwsCli, ["--endpoint-url", Endpoint, .. args, "--output", "json"], TimeSpan.FromSeconds(60), environment: Environment());

    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = (await CliAsync(args)).EnsureSuccess();
        var text = result.StandardOutput.Trim();
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return document.RootElement.Clone();
    }

    /// <summary>The live `connect-distributed` processes of this server (see <see cref="MskConnectServer.WorkerProcesses"/>).</summary>
    public int Workers() => Directory.EnumerateDirectories("/proc").Count(directory =>
    {
        try
        {
            var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            return commandLine.Contains(" connect-distributed ", StringComparison.Ordinal) && commandLine.Contains(DataDirectory, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    });
}

/// <summary>
/// The autoscaler and the log delivery against real worker processes: an autoscaled FileStream sink (min 1, max 3
/// workers) under a kcat load scales out to three workers and back to one when the load stops; its workers' log lines
/// arrive as gzip objects under the S3 prefix and, through a delivery stream, as Firehose's objects; an enabled
/// destination without its target is refused as MSK Connect refuses it.
/// </summary>
[Trait("Category", "process")]
public sealed class MskConnectScalingTests(MskConnectFastServer server) : IClassFixture<MskConnectFastServer>
{
    [Fact]
    public async Task AnAutoscaledSinkScalesOutUnderLoadAndBackInWhenIdleAndItsWorkerLogsAreDelivered()
    {
        AwsServeFixture.RequireAwsCli();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var bucket = "scale-" + suffix;
        var stream = "worker-logs-" + suffix;
        (await server.CliAsync("s3", "mb", $"s3://{bucket}")).EnsureSuccess();
        var plugin = MskConnectCliTests.Zip(("kafka_2.13-3.7.0/libs/connect-file-3.7.0.jar", ""));
        (await server.CliAsync("s3", "cp", plugin, $"s3://{bucket}/file.zip")).EnsureSuccess();
        await server.JsonAsync("firehose", "create-delivery-stream", "--delivery-stream-name", stream, "--delivery-stream-type", "DirectPut",
            "--extended-s3-destination-configuration",
            $"RoleARN=arn:aws:iam::123456789012:role/firehose,BucketARN=arn:aws:s3:::{bucket},Prefix=firehose/,BufferingHints={{SizeInMBs=1,IntervalInSeconds=60}}");
        var pluginArn = (await server.JsonAsync("kafkaconnect", "create-custom-plugin", "--name", "file-" + suffix, "--content-type", "ZIP",
            "--location", $"s3Location={{bucketArn=arn:aws:s3:::{bucket},fileKey=file.zip}}")).GetProperty("customPluginArn").GetString()!;
        await Eventually.HoldsAsync(async () =>
            (await server.JsonAsync("kafkaconnect", "describe-custom-plugin", "--custom-plugin-arn", pluginArn)).GetProperty("customPluginState").GetString() == "ACTIVE",
            "the FileStream plugin is ACTIVE", TimeSpan.FromSeconds(60));

        var topic = "load-" + suffix;
        var bootstrap = $"127.0.0.1:{server.KafkaPort}";
        var sinkFile = Path.Combine(server.DataDirectory, "sink-" + suffix + ".txt");
        string[] Create(string logDelivery) =>
        [
            "kafkaconnect", "create-connector", "--connector-name", "sink-" + suffix, "--kafka-connect-version", "3.7.x",
            "--capacity", "autoScaling={minWorkerCount=1,maxWorkerCount=3,mcuCount=1,scaleInPolicy={cpuUtilizationPercentage=3},scaleOutPolicy={cpuUtilizationPercentage=10}}",
            "--connector-configuration", $"connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector,topics={topic},file={sinkFile},tasks.max=6",
            "--kafka-cluster", $"apacheKafkaCluster={{bootstrapServers={bootstrap},vpc={{subnets=[subnet-1],securityGroups=[sg-1]}}}}",
            "--kafka-cluster-client-authentication", "authenticationType=NONE", "--kafka-cluster-encryption-in-transit", "encryptionType=PLAINTEXT",
            "--plugins", $"customPlugin={{customPluginArn={pluginArn},revision=1}}", "--service-execution-role-arn", "arn:aws:iam::123456789012:role/msk-connect",
            "--log-delivery", logDelivery,
        ];

        // An enabled destination needs its target.
        var refused = await server.CliAsync(Create("workerLogDelivery={s3={enabled=true,prefix=x}}"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("(BadRequestException)", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("logDelivery.workerLogDelivery.s3.bucket is required", refused.StandardError, StringComparison.Ordinal);

        var connectorArn = (await server.JsonAsync(Create(
            $"workerLogDelivery={{s3={{enabled=true,bucket={bucket},prefix=connect-logs}},firehose={{enabled=true,deliveryStream={stream}}},cloudWatchLogs={{enabled=false}}}}")))
            .GetProperty("connectorArn").GetString()!;
        JsonElement connector = default;
        await Eventually.HoldsAsync(async () =>
        {
            connector = await server.JsonAsync("kafkaconnect", "describe-connector", "--connector-arn", connectorArn);
            return connector.GetProperty("connectorState").GetString() is "RUNNING" or "FAILED";
        }, () => "the connector leaves CREATING; last: " + connector, TimeSpan.FromSeconds(150));
        Assert.True(connector.GetProperty("connectorState").GetString() == "RUNNING", connector.ToString());
        // It starts with minWorkerCount workers. The scale-out threshold is low (10 %), so on a loaded machine the
        // autoscaler may already have stepped out by now; more than one worker must then be a recorded step.
        var atStart = server.Workers();
        var earlySteps = await MetricsAsync();
        Assert.True(atStart >= 1 && Steps(earlySteps, suffix, "out") >= atStart - 1,
            $"{atStart} workers at RUNNING without the scale-out steps that explain them\n{earlySteps}");

        // Load: kcat writes 200,000 records a round until the group has grown to three workers (at most 120 s).
        var lines = Path.Combine(server.DataDirectory, "load-" + suffix + ".txt");
        await File.WriteAllLinesAsync(lines, Enumerable.Range(0, 200_000).Select(i => $"{{\"n\":{i},\"payload\":\"{new string('x', 80)}\"}}"));
        var produced = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var most = 1;
        while (most < 3 && DateTime.UtcNow < deadline)
        {
            (await ClientProcess.RunAsync("kcat", ["-P", "-b", bootstrap, "-t", topic, "-l", lines], TimeSpan.FromSeconds(60))).EnsureSuccess();
            produced += 200_000;
            most = Math.Max(most, server.Workers());
        }
        Assert.True(most == 3, $"the group grew to {most} workers only under {produced} records in 120 s\n{await MetricsAsync()}");
        // One step at a time: reaching three workers from one takes two steps out (more if it also stepped back in).
        var grown = await MetricsAsync();
        Assert.True(Steps(grown, suffix, "out") >= 2, grown);

        // Idle: back to the minimum.
        await Eventually.HoldsAsync(() => server.Workers() == 1, () => $"back to one worker once idle; {server.Workers()} run",
            TimeSpan.FromSeconds(120));
        // The registry records the step when the stopped worker has been reaped, a moment after its process is gone.
        var metrics = "";
        await Eventually.HoldsAsync(async () =>
        {
            metrics = await MetricsAsync();
            return metrics.Contains($"tributary_msk_connect_workers{{connector=\"sink-{suffix}\",state=\"running\"}} 1\n", StringComparison.Ordinal);
        }, () => "the workers gauge reads 1 running worker\n" + metrics, TimeSpan.FromSeconds(30));
        // Back at the one worker it started with: as many steps in as out (at least two each way).
        Assert.Equal(Steps(metrics, suffix, "out"), Steps(metrics, suffix, "in"));

        // The workers' log lines, as [Worker-<17 hex digits>] lines: in gzip objects under the S3 prefix...
        var workerLine = new Regex(@"^\[Worker-[0-9a-f]{17}\] ", RegexOptions.Multiline);
        string[] keys = [];
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await server.JsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "connect-logs/");
            keys = listed.TryGetProperty("Contents", out var contents) ? [.. contents.EnumerateArray().Select(o => o.GetProperty("Key").GetString()!)] : [];
            return keys.Length > 0;
        }, "worker log objects under connect-logs/", TimeSpan.FromSeconds(60));
        var id = connectorArn[(connectorArn.LastIndexOf('/') + 1)..];
        Assert.All(keys, key => Assert.Matches(
            $@"^connect-logs/AWSLogs/\d{{12}}/KafkaConnect/us-east-1/sink-{suffix}-{Regex.Escape(id)}/\d{{4}}/\d{{2}}/\d{{2}}/\d{{2}}/{Regex.Escape(id)}_\d{{8}}T\d{{6}}Z_\d{{6}}\.log\.gz$", key));
        var local = Path.Combine(server.DataDirectory, "log-" + suffix + ".gz");
        (await server.CliAsync("s3", "cp", $"s3://{bucket}/{keys[0]}", local)).EnsureSuccess();
        using (var gzip = new GZipStream(File.OpenRead(local), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip, Encoding.UTF8))
        {
            var text = await reader.ReadToEndAsync();
            Assert.True(workerLine.IsMatch(text), text[..Math.Min(text.Length, 2000)]);
        }
        // ...and through the delivery stream, in Firehose's objects under its prefix.
        await Eventually.HoldsAsync(async () =>
        {
            var listed = await server.JsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "firehose/");
            return listed.TryGetProperty("Contents", out var contents) && contents.GetArrayLength() > 0;
        }, "the delivery stream's objects under firehose/ (60 s buffers)", TimeSpan.FromSeconds(120));
        var delivered = await server.JsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "firehose/");
        var first = delivered.GetProperty("Contents")[0].GetProperty("Key").GetString()!;
        (await server.CliAsync("s3", "cp", $"s3://{bucket}/{first}", local)).EnsureSuccess();
        Assert.Matches(workerLine, await File.ReadAllTextAsync(local));

        var current = (await server.JsonAsync("kafkaconnect", "describe-connector", "--connector-arn", connectorArn)).GetProperty("currentVersion").GetString()!;
        await server.JsonAsync("kafkaconnect", "delete-connector", "--connector-arn", connectorArn, "--current-version", current);
        await Eventually.HoldsAsync(() => server.Workers() == 0, "the worker processes are gone", TimeSpan.FromSeconds(60));
    }

    /// <summary>The autoscaler's steps in one direction for the connector, from the Prometheus text (-1 when absent).</summary>
    private static int Steps(string metrics, string suffix, string direction)
    {
        var match = Regex.Match(metrics, $@"tributary_msk_connect_scaling_steps_total\{{connector=""sink-{suffix}"",direction=""{direction}""\}} (\d+)\n");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    private async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.AdminPort}/metrics"));
    }
}
