using System.Text.Json.Nodes;

namespace Tributary.Connect.Tests;

/// <summary>
/// Beyond Kafka Connect: a FAILED task is restarted by the worker itself with back-off (task.auto.restart.*), and the
/// admin port's metrics show the connector, the task's state and the automatic restarts. The task fails because its
/// output path is a directory; once the directory is gone a later automatic restart succeeds with no REST call.
/// </summary>
[Trait("Category", "process")]
public sealed class TaskAutoRestartTests(ConnectServerFixture fixture) : IClassFixture<ConnectServerFixture>
{
    [Fact]
    public async Task A_failed_task_restarts_by_itself_once_its_cause_is_gone_and_the_metrics_count_it()
    {
        var name = "auto-restart-" + Guid.NewGuid().ToString("N")[..6];
        var output = Path.Combine(fixture.Directory, name + ".out");
        System.IO.Directory.CreateDirectory(output);
        var create = await fixture.SendAsync(HttpMethod.Post, "/connectors", new JsonObject
        {
            ["name"] = name,
            ["config"] = new JsonObject
            {
                ["connector.class"] = "FileStreamSink",
                ["topics"] = name,
                ["file"] = output,
            },
        });
        Assert.True(create.Status == 201, create.Body?.ToJsonString());

        string? TaskState(JsonNode? status) => status?["tasks"]?.AsArray().FirstOrDefault()?["state"]?.GetValue<string>();
        JsonNode? last;
        await Eventually.HoldsAsync(async () =>
        {
            last = (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/status")).Body;
            return TaskState(last) == "FAILED";
        }, "the task to fail (its file is a directory)", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));

        System.IO.Directory.Delete(output);
        await Eventually.HoldsAsync(async () =>
        {
            last = (await fixture.SendAsync(HttpMethod.Get, $"/connectors/{name}/status")).Body;
            return TaskState(last) == "RUNNING";
        }, "the worker to restart the task by itself", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));
        Assert.True(System.IO.File.Exists(output), "the restarted task did not open its file");

        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var metrics = await admin.GetStringAsync($"http://127.0.0.1:{fixture.Server.Ports.Admin}/metrics");
        var labels = $"{{connector=\"{name}\",task=\"0\"}}";
        var restarts = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("tributary_connect_task_auto_restarts_total" + labels, StringComparison.Ordinal));
        Assert.True(restarts is not null, "no restart counter for the task:\n" + metrics);
        Assert.True(double.Parse(restarts.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, restarts);
        Assert.Contains($"tributary_connect_task_status{{connector=\"{name}\",task=\"0\",state=\"running\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"tributary_connect_connector_status{{connector=\"{name}\",type=\"sink\",state=\"running\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"tributary_connect_sink_record_send_total{labels} 0", metrics, StringComparison.Ordinal);

        Assert.Equal(204, (await fixture.SendAsync(HttpMethod.Delete, $"/connectors/{name}")).Status);
    }
}
