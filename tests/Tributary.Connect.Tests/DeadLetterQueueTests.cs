using System.Text.Json.Nodes;

namespace Tributary.Connect.Tests;

/// <summary>
/// errors.tolerance=all with a dead-letter queue: a record the value converter cannot read goes to the DLQ topic with
/// its original bytes and Connect's __connect.errors.* headers (read back with kcat), the good records reach the sink.
/// </summary>
[Trait("Category", "process")]
public sealed class DeadLetterQueueTests(ConnectServerFixture fixture) : IClassFixture<ConnectServerFixture>
{
    [Fact]
    public async Task A_record_the_converter_rejects_lands_in_the_DLQ_with_context_headers_readable_by_kcat()
    {
        InteropClients.RequireKcat();
        var topic = "dlq-in-" + Guid.NewGuid().ToString("N")[..6];
        var dlq = topic + "-dlq";
        var input = Path.Combine(fixture.Directory, topic + ".txt");
        var output = Path.Combine(fixture.Directory, topic + ".out");
        await System.IO.File.WriteAllTextAsync(input, "{\"good\":1}\nnot json {\n{\"good\":2}\n");
        (await ClientProcess.RunAsync("kcat", ["-b", fixture.Bootstrap, "-t", topic, "-P"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();

        await CreateSinkWithDlqAsync(topic, output, dlq, withKeyConverter: false);

        ClientResult? read = null;
        await Eventually.HoldsAsync(async () =>
        {
            read = await ClientProcess.RunAsync("kcat", ["-b", fixture.Bootstrap, "-C", "-t", dlq, "-o", "beginning", "-c", "1", "-e", "-q", "-f", "%s\n%h\n"], TimeSpan.FromSeconds(30));
            return read.ExitCode == 0 && read.StandardOutput.Contains("not json {", StringComparison.Ordinal);
        }, "the DLQ record", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        var text = read!.StandardOutput;
        Assert.StartsWith("not json {\n", text, StringComparison.Ordinal);
        Assert.Contains($"__connect.errors.topic={topic}", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.partition=0", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.offset=1", text, StringComparison.Ordinal);
        Assert.Contains($"__connect.errors.connector.name={topic}", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.task.id=0", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.stage=VALUE_CONVERTER", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.class.name=org.apache.kafka.connect.json.JsonConverter", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.exception.class.name=org.apache.kafka.connect.errors.DataException", text, StringComparison.Ordinal);
        Assert.Contains("__connect.errors.exception.stacktrace=", text, StringComparison.Ordinal);

        await Eventually.HoldsAsync(() => System.IO.File.Exists(output) && System.IO.File.ReadAllText(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 2,
            "the two good records in the sink file", TimeSpan.FromSeconds(60));
        var status = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{topic}/status");
        Assert.Equal("RUNNING", (string)status.Body!["tasks"]![0]!["state"]!);
    }

    [Fact]
    public async Task DLQ_records_keep_the_original_key_value_and_headers_with_nulls_kept_null()
    {
        InteropClients.RequireKcat();
        var topic = "dlq-null-" + Guid.NewGuid().ToString("N")[..6];
        var dlq = topic + "-dlq";
        var input = Path.Combine(fixture.Directory, topic + ".txt");
        var output = Path.Combine(fixture.Directory, topic + ".out");
        // key|value per line; -Z sends an empty key or value as NULL: a null key with a value the converter rejects,
        // a key the converter rejects on a tombstone (null value), and one good record.
        await System.IO.File.WriteAllTextAsync(input, "|not json {\n{bad key|\n{\"k\":1}|{\"good\":1}\n");
        (await ClientProcess.RunAsync("kcat", ["-b", fixture.Bootstrap, "-t", topic, "-P", "-Z", "-K", "|", "-H", "origin=kcat"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();

        await CreateSinkWithDlqAsync(topic, output, dlq, withKeyConverter: true);

        // %K / %S are the key / value lengths, -1 for NULL; records end with a marker (the stack trace header has newlines).
        ClientResult? read = null;
        await Eventually.HoldsAsync(async () =>
        {
            read = await ClientProcess.RunAsync("kcat", ["-b", fixture.Bootstrap, "-C", "-t", dlq, "-o", "beginning", "-c", "2", "-e", "-q", "-f", "%K|%S|%k|%s|%h<end>\n"], TimeSpan.FromSeconds(30));
            return read.ExitCode == 0 && read.StandardOutput.Split("<end>\n", StringSplitOptions.RemoveEmptyEntries).Length == 2;
        }, () => $"the two DLQ records; kcat read:\n{read?.StandardOutput}\n{read?.StandardError}", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        var lines = read!.StandardOutput.Split("<end>\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("-1|10||not json {|origin=kcat,", lines[0], StringComparison.Ordinal);
        Assert.Contains("__connect.errors.offset=0", lines[0], StringComparison.Ordinal);
        Assert.Contains("__connect.errors.stage=VALUE_CONVERTER", lines[0], StringComparison.Ordinal);

        Assert.StartsWith("8|-1|{bad key||origin=kcat,", lines[1], StringComparison.Ordinal);
        Assert.Contains("__connect.errors.offset=1", lines[1], StringComparison.Ordinal);
        Assert.Contains("__connect.errors.stage=KEY_CONVERTER", lines[1], StringComparison.Ordinal);
        Assert.Contains("__connect.errors.exception.class.name=org.apache.kafka.connect.errors.DataException", lines[1], StringComparison.Ordinal);

        await Eventually.HoldsAsync(() => System.IO.File.Exists(output) && System.IO.File.ReadAllText(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1,
            "the good record in the sink file", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_DLQ_topic_is_created_with_the_configured_replication_factor_and_one_the_cluster_cannot_hold_fails_the_task()
    {
        // The same rule as KIP-158 topic creation: the factor goes to the broker. Kafka's default (3) is more than
        // serve's single broker holds, so the task fails at start with the broker's reason; -1 takes the broker's default.
        var topic = "dlq-rf-" + Guid.NewGuid().ToString("N")[..6];
        await CreateSinkWithDlqAsync(topic, Path.Combine(fixture.Directory, topic + ".out"), topic + "-dlq", withKeyConverter: false, replicationFactor: null);
        string? trace = null;
        await Eventually.HoldsAsync(async () =>
        {
            var status = await fixture.SendAsync(HttpMethod.Get, $"/connectors/{topic}/status");
            if (status.Body?["tasks"]?.AsArray() is not [{ } task, ..])
            {
                return false;
            }
            trace = (string?)task["trace"];
            return (string?)task["state"] == "FAILED";
        }, "the task FAILED", TimeSpan.FromSeconds(60));
        Assert.Contains($"Could not initialize dead letter queue with topic={topic}-dlq", trace, StringComparison.Ordinal);
        Assert.Contains("Replication factor 3", trace, StringComparison.Ordinal);

        var byDefault = "dlq-rf-default-" + Guid.NewGuid().ToString("N")[..6];
        await CreateSinkWithDlqAsync(byDefault, Path.Combine(fixture.Directory, byDefault + ".out"), byDefault + "-dlq", withKeyConverter: false, replicationFactor: "-1");
        await Eventually.HoldsAsync(async () => (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{byDefault}/status")).Body?["tasks"]?.AsArray() is [{ } task, ..] && (string?)task["state"] == "RUNNING", "the task RUNNING", TimeSpan.FromSeconds(60));
        await using var client = new Tributary.Client.KafkaClient(new Tributary.Client.KafkaClientOptions { BootstrapServers = [fixture.Bootstrap] });
        Assert.Equal(1, await client.PartitionCountAsync(byDefault + "-dlq"));
    }

    /// <summary>
    /// A FileStreamSink reading <paramref name="topic"/> with schemaless JsonConverter values (and keys), tolerating all
    /// errors into <paramref name="dlq"/> with context headers; the DLQ's replication factor 1 unless told (null: unset).
    /// </summary>
    private async Task CreateSinkWithDlqAsync(string topic, string output, string dlq, bool withKeyConverter, string? replicationFactor = "1")
    {
        var config = new JsonObject
        {
            ["connector.class"] = "FileStreamSink",
            ["topics"] = topic,
            ["file"] = output,
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter.schemas.enable"] = "false",
            ["errors.tolerance"] = "all",
            ["errors.deadletterqueue.topic.name"] = dlq,
            ["errors.deadletterqueue.context.headers.enable"] = "true",
        };
        if (replicationFactor is not null)
        {
            config["errors.deadletterqueue.topic.replication.factor"] = replicationFactor;
        }
        if (withKeyConverter)
        {
            config["key.converter"] = "org.apache.kafka.connect.json.JsonConverter";
            config["key.converter.schemas.enable"] = "false";
        }
        var create = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject { ["name"] = topic, ["config"] = config });
        Assert.True(create.Status == 201, create.Body?.ToJsonString());
    }
}
