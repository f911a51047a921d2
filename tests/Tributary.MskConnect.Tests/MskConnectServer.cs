using System.Text.Json;

namespace Tributary.MskConnect.Tests;

/// <summary>`tributary serve` for the MSK Connect tests (see <see cref="AwsServeFixture"/>), with the AWS CLI as its client.</summary>
public sealed class MskConnectServer() : AwsServeFixture("mskconnect"), IAsyncLifetime
{
    /// <summary>Runs <c>aws SERVICE ARGS --output json</c> against the server; the finished process (not checked).</summary>
    public Task<ClientResult> CliAsync(params string[] args) =>
        ClientProcess.RunAsync(AwsCli, ["--endpoint-url", Endpoint, .. args, "--output", "json"], TimeSpan.FromSeconds(60), environment: Environment());

    /// <summary>Runs <c>aws kafkaconnect ARGS</c>, requires success and parses its JSON output.</summary>
    public async Task<JsonElement> KafkaConnectJsonAsync(params string[] args)
    {
        var result = (await CliAsync(["kafkaconnect", .. args])).EnsureSuccess();
        var text = result.StandardOutput.Trim();
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return document.RootElement.Clone();
    }

    /// <summary>The ids of the live processes whose command line runs `connect-distributed` on a file in this server's data directory.</summary>
    public IReadOnlyList<int> WorkerProcesses()
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(" connect-distributed ", StringComparison.Ordinal) && commandLine.Contains(DataDirectory, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }
        return found;
    }
}
