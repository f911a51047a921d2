namespace Tributary.Interop.Tests;

/// <summary>
/// Always on: every interop client is installed and runnable, and every client script at least parses and
/// answers bad usage with exit code 2. Passes after ./test.sh has installed the clients; fails (never skips)
/// with what to install otherwise.
/// </summary>
[Trait("Category", "process")]
public class ClientsInstalledTests
{
    [Fact]
    public async Task Kcat_runs_and_has_every_codec()
    {
        InteropClients.RequireKcat();
        var result = (await ClientProcess.RunAsync("kcat", ["-V"], TimeSpan.FromSeconds(30))).EnsureSuccess();
        Assert.Contains("librdkafka", result.StandardOutput);
        foreach (var codec in new[] { "gzip", "snappy", "lz4", "zstd" })
        {
            Assert.Contains(codec, result.StandardOutput);
        }
    }

    [Fact]
    public async Task Confluent_kafka_and_kafka_python_import_in_debians_python()
    {
        InteropClients.RequireConfluentKafka();
        InteropClients.RequireKafkaPython();
        var result = (await ClientProcess.RunAsync(InteropClients.Python,
            ["-c", "import confluent_kafka, kafka; print(confluent_kafka.version()[0], confluent_kafka.libversion()[0], kafka.__version__)"],
            TimeSpan.FromSeconds(30))).EnsureSuccess();
        Assert.Matches(@"^\d+\.\d+\.\d+ \d+\.\d+\.\d+ \d+\.\d+\.\d+", result.StandardOutput);
    }

    [Fact]
    public async Task Kafkajs_loads_in_node()
    {
        InteropClients.RequireKafkaJs();
        var result = (await ClientProcess.RunAsync(InteropClients.Node,
            ["-e", "const k = require('kafkajs'); if (typeof k.Kafka !== 'function') process.exit(1); console.log(require('kafkajs/package.json').version)"],
            TimeSpan.FromSeconds(30), workingDirectory: InteropPaths.NodeScripts)).EnsureSuccess();
        Assert.Equal("2.2.4", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Platformatic_kafka_loads_in_node_22()
    {
        InteropClients.RequirePlatformatic();
        var result = (await ClientProcess.RunAsync(InteropClients.Node22,
            ["--input-type=module", "-e",
             "const m = await import('@platformatic/kafka'); for (const c of ['Producer', 'Consumer', 'Admin']) if (typeof m[c] !== 'function') process.exit(1); " +
             "const { promise, resolve } = Promise.withResolvers(); resolve(); await promise; console.log(process.versions.node)"],
            TimeSpan.FromSeconds(30), workingDirectory: InteropPaths.NodeScripts)).EnsureSuccess();
        Assert.StartsWith("22.", result.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("confluent_produce_consume.py")]
    [InlineData("confluent_admin.py")]
    [InlineData("kafka_python_produce_consume.py")]
    public async Task Python_client_script_answers_bad_usage_with_code_two(string script)
    {
        InteropClients.RequireConfluentKafka();
        var result = await ClientProcess.RunAsync(InteropClients.Python, [Path.Combine(InteropPaths.Scripts, script)], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 2, result.ToString());
    }

    [Theory]
    [InlineData("kafkajs_roundtrip.mjs", false)]
    [InlineData("platformatic_roundtrip.mjs", true)]
    public async Task Node_client_script_answers_bad_usage_with_code_two(string script, bool needsNode22)
    {
        if (needsNode22)
        {
            InteropClients.RequirePlatformatic();
        }
        else
        {
            InteropClients.RequireKafkaJs();
        }
        var node = needsNode22 ? InteropClients.Node22 : InteropClients.Node;
        var result = await ClientProcess.RunAsync(node, [Path.Combine(InteropPaths.NodeScripts, script)], TimeSpan.FromSeconds(30),
            workingDirectory: InteropPaths.NodeScripts);
        Assert.True(result.ExitCode == 2, result.ToString());
    }
}
