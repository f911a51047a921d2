using System.Text.Json;

namespace Tributary.Msk.Tests;

/// <summary>`tributary serve` for the MSK tests (see <see cref="AwsServeFixture"/>), with the AWS CLI as its client.</summary>
public sealed class MskServer() : AwsServeFixture("msk"), IAsyncLifetime
{
    /// <summary>Runs <c>aws kafka ARGS --output json</c> against the server; the finished process (not checked).</summary>
    public Task<ClientResult> KafkaCliAsync(params string[] args) =>
        ClientProcess.RunAsync(AwsCli, ["--endpoint-url", Endpoint, "kafka", .. args, "--output", "json"], TimeSpan.FromSeconds(60), environment: Environment());

    /// <summary>Runs <c>aws kafka ARGS</c>, requires success and parses its JSON output.</summary>
    public async Task<JsonElement> KafkaJsonAsync(params string[] args)
    {
        var result = (await KafkaCliAsync(args)).EnsureSuccess();
        var text = result.StandardOutput.Trim();
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return document.RootElement.Clone();
    }

    /// <summary>A topic's configs as confluent-kafka's AdminClient describes them (tests/interop/msk/describe_topic_configs.py).</summary>
    public static async Task<Dictionary<string, string>> TopicConfigsAsync(string bootstrap, string topic)
    {
        var script = Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "msk", "describe_topic_configs.py");
        var result = (await ClientProcess.RunAsync(InteropClients.Python, [script, bootstrap, topic], TimeSpan.FromSeconds(60))).EnsureSuccess();
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var entry = JsonDocument.Parse(line);
            configs[entry.RootElement.GetProperty("name").GetString()!] = entry.RootElement.GetProperty("value").GetString()!;
        }
        return configs;
    }
}
