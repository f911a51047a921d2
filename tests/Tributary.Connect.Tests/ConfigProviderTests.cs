using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Connect.Tests;

/// <summary>
/// Config providers in the real worker (KIP-297, KIP-632, KIP-887): a connector configuration's <c>${file:...}</c>,
/// <c>${dir:...}</c> and <c>${env:...}</c> variables are resolved by the worker's <c>config.providers</c> where the
/// configuration is used — the source reads the file and writes the topic the variables name — while the REST API
/// shows the connector's and its task's configuration as written, so the secret does not leave the worker. A
/// variable of a provider the worker does not have stays as written.
/// </summary>
[Trait("Category", "process")]
public sealed class ConfigProviderTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private readonly TempDirectory _directory = cluster.Directory;

    [Fact]
    public async Task File_directory_and_environment_variables_are_resolved_for_the_tasks_and_shown_as_written()
    {
        var bootstrap = cluster.Bootstrap;
        var input = _directory.File("input.txt");
        await System.IO.File.WriteAllTextAsync(input, "alpha\nbeta\n");
        var secrets = _directory.File("secrets.properties");
        await System.IO.File.WriteAllTextAsync(secrets, $"input.file={input}\n");
        var secretDir = Directory.CreateDirectory(_directory.File("mounted")).FullName;
        await System.IO.File.WriteAllTextAsync(Path.Combine(secretDir, "topic-prefix"), "resolved");
        // The worker's own values take variables too (KIP-421): its bootstrap servers come from a file.
        var workerSecrets = _directory.File("worker-secrets.properties");
        await System.IO.File.WriteAllTextAsync(workerSecrets, $"bootstrap={bootstrap}\n");
        var bootstrapVariable = $"${{file:{workerSecrets}:bootstrap}}";
        var worker = _directory.File("worker.properties");
        await System.IO.File.WriteAllTextAsync(worker, $"""
            bootstrap.servers={bootstrapVariable}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={_directory.File("offsets.json")}
            listeners=http://127.0.0.1:0
            config.providers=file,dir,env
            config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
            config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
            config.providers.dir.param.allowed.paths={secretDir}
            config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
            """);
        var process = await ConnectStandaloneProcess.StartCommandAsync("connect-standalone", new Dictionary<string, string> { ["TRIBUTARY_TEST_TOPIC_SUFFIX"] = "topic" }, worker);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(process.RestUrl), Timeout = TimeSpan.FromSeconds(100) };
            var config = new JsonObject
            {
                ["connector.class"] = "FileStreamSource",
                ["file"] = $"${{file:{secrets}:input.file}}",
                ["topic"] = $"${{dir:{secretDir}:topic-prefix}}-${{env:TRIBUTARY_TEST_TOPIC_SUFFIX}}",
                ["batch.size"] = "100",
            };
            using var create = await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = "secret-source", ["config"] = config.DeepClone() });
            Assert.True(create.IsSuccessStatusCode, $"create: {(int)create.StatusCode} {await create.Content.ReadAsStringAsync()}");

            await using var client = new KafkaClient(new KafkaClientOptions { BootstrapServers = [bootstrap] });
            await Eventually.HoldsAsync(async () => await client.PartitionCountAsync("resolved-topic") is not null && await client.ListOffsetAsync("resolved-topic", 0, -1) == 2,
                () => "the two lines in resolved-topic\n" + process.Output, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            Assert.Equal(["alpha", "beta"], (await Kcat.ReadAllAsync(bootstrap, "resolved-topic")).Select(m => m.Value));

            // As written through the REST API: the connector's configuration and the task configuration it generated.
            var shown = await http.GetFromJsonAsync<JsonObject>("/connectors/secret-source/config");
            Assert.Equal((string?)config["file"], (string?)shown?["file"]);
            Assert.Equal((string?)config["topic"], (string?)shown?["topic"]);
            var tasks = await http.GetFromJsonAsync<JsonArray>("/connectors/secret-source/tasks");
            var taskConfig = tasks?[0]?["config"]?.AsObject();
            Assert.NotNull(taskConfig);
            Assert.DoesNotContain(taskConfig, p => ((string?)p.Value)?.Contains(input, StringComparison.Ordinal) == true || (string?)p.Value == "resolved-topic");

            // A provider the worker does not have: the variable stays as written (and here fails validation as a number).
            var unknown = (JsonObject)config.DeepClone();
            unknown["batch.size"] = "${vault:secret/path:size}";
            using var refused = await http.PostAsJsonAsync("/connectors", new JsonObject { ["name"] = "unknown-provider", ["config"] = unknown });
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True((int)refused.StatusCode == 400, $"unknown provider: {(int)refused.StatusCode} {body}");
            Assert.Contains("${vault:secret/path:size}", body, StringComparison.Ordinal);
            await process.StopAsync();
        }
        finally
        {
            await process.DisposeAsync();
        }
    }
}
