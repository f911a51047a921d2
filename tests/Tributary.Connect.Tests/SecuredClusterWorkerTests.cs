using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>
/// <c>tributary connect-distributed</c> against a separate <c>tributary serve</c> whose only listener for clients is
/// SASL_SSL (TLS with a CA made by <c>tributary tls-certificates</c>; SCRAM-SHA-512 users made with
/// <c>tributary scram-credentials</c>; AWS_MSK_IAM with an access key table), configured as Kafka Connect users write it
/// (top-level keys for the worker, <c>producer.</c> / <c>consumer.</c> for the tasks' clients, scenario B's IAM lines).
/// A FileStream source and sink carry a file through a topic end to end; wrong credentials stop the worker at start with
/// the broker's reason, and a connector whose <c>producer.override.*</c> credentials are wrong has its task FAILED with it.
/// A PLAINTEXT listener on loopback is kept for the test's own checks and the credentials command.
/// </summary>
[Trait("Category", "process")]
public sealed partial class SecuredClusterWorkerTests : IAsyncLifetime
{
    private const string User = "connect-user";
    private const string Password = "connect-secret";
    private const string IamKey = "AKIDCONNECTWORKER";
    private const string IamSecret = "connect-worker-iam-secret";
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");
    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private TributaryProcess _broker = null!;

    private string Tls => _directory.File("tls");

    private string SecuredBootstrap => $"localhost:{_ports["SASL_SSL"]}";

    public async Task InitializeAsync()
    {
        (await RunTributaryAsync("tls-certificates", "--out", Tls)).EnsureSuccess();
        _broker = new TributaryProcess(_directory.File("data"), () =>
        [
            "connect.rest.port=-1",
            "group.min.session.timeout.ms=1000",
            "num.partitions=1",
            "kafka.listeners=PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0",
            "kafka.advertised.listeners=SASL_SSL://localhost:0",
            $"kafka.ssl.certificate.location={Tls}/server.pem",
            $"kafka.ssl.key.location={Tls}/server-key.pem",
            "kafka.sasl.enabled.mechanisms=SCRAM-SHA-512,AWS_MSK_IAM",
            $"kafka.sasl.aws.msk.iam.credentials={IamKey}:{IamSecret}:arn:aws:iam::123456789012:role/connect-worker",
        ]);
        await _broker.StartAsync();
        foreach (Match match in ListenerPattern().Matches(_broker.ServingLine))
        {
            _ports[match.Groups[2].Value] = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        Assert.True(_ports.ContainsKey("PLAINTEXT") && _ports.ContainsKey("SASL_SSL"), "two listeners expected in: " + _broker.ServingLine);
        (await RunTributaryAsync("scram-credentials", "--bootstrap-server", $"127.0.0.1:{_ports["PLAINTEXT"]}", "--add", User, "--password", Password, "--mechanism", "SCRAM-SHA-512")).EnsureSuccess();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_worker_on_SASL_SSL_with_SCRAM_runs_a_file_through_a_topic_and_a_wrong_override_fails_only_that_task()
    {
        var scram = Scram(Password);
        await using var worker = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", WorkerFile("scram", scram + Prefixed("producer.", scram) + Prefixed("consumer.", scram)));
        await RunFileThroughTopicAsync(worker, "scram");

        // A connector authenticating as someone else (producer.override.*) with a wrong password: its task fails with
        // the broker's answer; the worker and the other connectors carry on.
        var input = _directory.File("override-in.txt");
        await System.IO.File.WriteAllTextAsync(input, "never sent\n");
        await CreateAsync(worker, "wrong-override", new JsonObject
        {
            ["connector.class"] = "FileStreamSource",
            ["file"] = input,
            ["topic"] = "override-lines",
            ["producer.override.sasl.jaas.config"] = $"org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{User}\" password=\"wrong\";",
        });
        string trace = "";
        await Eventually.HoldsAsync(async () =>
        {
            var status = await GetAsync(worker, "/connectors/wrong-override/status");
            var task = status?["tasks"]?.AsArray().FirstOrDefault();
            trace = task?["trace"]?.GetValue<string>() ?? "";
            return task?["state"]?.GetValue<string>() == "FAILED";
        }, () => "the task with wrong override credentials FAILED\n" + worker.Output, TimeSpan.FromSeconds(60));
        Assert.Contains("SASL authentication with localhost", trace, StringComparison.Ordinal);
        Assert.Contains("invalid credentials", trace, StringComparison.Ordinal);
        Assert.Equal("RUNNING", (await GetAsync(worker, "/connectors/scram-source/status"))?["tasks"]?[0]?["state"]?.GetValue<string>());
        await worker.StopAsync();
    }

    [Fact]
    public async Task A_worker_with_AWS_MSK_IAM_signs_with_credentials_from_the_environment()
    {
        var iam = """
            security.protocol=SASL_SSL
            sasl.mechanism=AWS_MSK_IAM
            sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;
            sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler

            """ + $"ssl.truststore.type=PEM\nssl.truststore.location={Tls}/ca.pem\n";
        var environment = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = IamKey, ["AWS_SECRET_ACCESS_KEY"] = IamSecret, ["AWS_REGION"] = "eu-west-1" };
        await using var worker = await ConnectStandaloneProcess.StartCommandAsync("connect-distributed", environment, WorkerFile("iam", iam + Prefixed("producer.", iam) + Prefixed("consumer.", iam)));
        await RunFileThroughTopicAsync(worker, "iam");
        await worker.StopAsync();
    }

    [Theory]
    [InlineData("scram", "invalid credentials")]
    [InlineData("iam", "the signature does not match")]
    public async Task Wrong_worker_credentials_stop_the_worker_at_start_with_the_brokers_reason(string kind, string reason)
    {
        var settings = kind == "scram"
            ? Scram("not-the-password")
            : $"security.protocol=SASL_SSL\nsasl.mechanism=AWS_MSK_IAM\nsasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;\nssl.truststore.location={Tls}/ca.pem\n";
        var environment = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = IamKey, ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret" };
        var started = Stopwatch.StartNew();
        var result = await ClientProcess.RunAsync("dotnet", [Program, "connect-distributed", WorkerFile("bad-" + kind, settings)], TimeSpan.FromSeconds(60), environment: environment);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("cannot start the worker: SASL authentication with localhost", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(reason, result.StandardError, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"the worker took {started.Elapsed} to give up");
    }

    [Fact]
    public async Task A_worker_that_does_not_trust_the_brokers_certificate_stops_at_start()
    {
        var result = await ClientProcess.RunAsync("dotnet", [Program, "connect-distributed", WorkerFile("untrusted", Scram(Password).Replace($"ssl.truststore.location={Tls}/ca.pem", "", StringComparison.Ordinal))], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("TLS handshake with localhost", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>A FileStream source reads a file into a topic, a FileStream sink writes the topic to another file.</summary>
    private async Task RunFileThroughTopicAsync(ConnectStandaloneProcess worker, string name)
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"{name}-line-{i}").ToList();
        var input = _directory.File(name + "-in.txt");
        var output = _directory.File(name + "-out.txt");
        await System.IO.File.WriteAllTextAsync(input, string.Join('\n', lines) + "\n");
        await CreateAsync(worker, name + "-source", new JsonObject { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = name + "-lines" });
        await CreateAsync(worker, name + "-sink", new JsonObject { ["connector.class"] = "FileStreamSink", ["file"] = output, ["topics"] = name + "-lines" });
        await Eventually.HoldsAsync(() => System.IO.File.Exists(output) && System.IO.File.ReadAllLines(output).Length >= lines.Count, () => $"{output} has every line\n{worker.Output}", TimeSpan.FromSeconds(90));
        Assert.Equal(lines, System.IO.File.ReadAllLines(output));
        await using var check = new KafkaClient(new KafkaClientOptions { BootstrapServers = [$"127.0.0.1:{_ports["PLAINTEXT"]}"] });
        Assert.Equal(lines.Count, await check.ListOffsetAsync(name + "-lines", 0, -1));
    }

    private string Scram(string password) => $"""
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="{User}" password="{password}";
        ssl.truststore.type=PEM
        ssl.truststore.location={Tls}/ca.pem

        """;

    private static string Prefixed(string prefix, string settings) =>
        string.Concat(settings.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => prefix + line + "\n"));

    private async Task CreateAsync(ConnectStandaloneProcess worker, string name, JsonObject config)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = config }.ToJsonString();
        var status = 0;
        var answer = "";
        // 409 while the group forms (no leader known yet), as Kafka answers: try again.
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await _http.PostAsync(worker.RestUrl + "/connectors", new StringContent(body, Encoding.UTF8, "application/json"));
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsStringAsync();
            return status != 409;
        }, () => "a leader is known\n" + worker.Output, TimeSpan.FromSeconds(60));
        Assert.True(status == 201, $"create {name}: {status} {answer}\n{worker.Output}");
    }

    private async Task<JsonNode?> GetAsync(ConnectStandaloneProcess worker, string path)
    {
        using var response = await _http.GetAsync(worker.RestUrl + path);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode && text.Length > 0 ? JsonNode.Parse(text) : null;
    }

    /// <summary>
    /// A distributed worker's properties on a free REST port, with the security settings given. The default session
    /// timeout (10 s) is kept: the sink's consumer shares the worker's connection to the coordinator, and its first
    /// JoinGroup waits out the broker's initial rebalance delay (3 s) ahead of the worker's heartbeats.
    /// </summary>
    private string WorkerFile(string name, string security)
    {
        var port = FreePort.Next();
        var path = _directory.File($"worker-{name}.properties");
        System.IO.File.WriteAllText(path, $"""
            bootstrap.servers={SecuredBootstrap}
            group.id={name}-cluster
            config.storage.topic={name}-configs
            offset.storage.topic={name}-offsets
            status.storage.topic={name}-status
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.flush.interval.ms=300
            scheduled.rebalance.max.delay.ms=0
            listeners=http://127.0.0.1:{port}

            """ + security);
        return path;
    }

    private static Task<ClientResult> RunTributaryAsync(params string[] args) => ClientProcess.RunAsync("dotnet", [Program, .. args], TimeSpan.FromSeconds(60));

    [GeneratedRegex(@"\d+\.\d+\.\d+\.\d+:(\d+) \((\w+)\)")]
    private static partial Regex ListenerPattern();
}
