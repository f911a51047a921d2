using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.WebConsole.Api;

/// <summary>
/// <c>GET /overview</c>: the cluster (id, the one broker), counts and sizes, and alerts — delivery streams that
/// failed or hold records older than their buffer interval, groups with lag, connectors or tasks in FAILED.
/// Each figure is computed from the same sources as its own page; the connectors part is left out (null) when
/// the worker does not answer, so the overview still loads.
/// </summary>
internal static class OverviewApi
{
    public static void Map(IEndpointRouteBuilder api, ConsoleSources sources)
    {
        api.MapGet("/overview", async (HttpRequest request) =>
        {
            var broker = sources.Broker;
            var alerts = new List<Alert>();
            var topics = broker.ListTopics();
            var (directory, partitions) = broker.DescribeLogDirectory();
            var groups = broker.Groups.ListGroups();
            long totalLag = 0;
            foreach (var group in groups)
            {
                var lag = GroupsApi.TotalLag(broker, group.GroupId);
                totalLag += lag;
                if (lag > 0)
                {
                    alerts.Add(new Alert("warning", "group", group.GroupId, $"Consumer group {group.GroupId} is {lag:N0} records behind."));
                }
            }
            var streams = sources.Delivery.List();
            foreach (var stream in streams)
            {
                if (stream.FailureDescription is { } failure)
                {
                    alerts.Add(new Alert("error", "delivery", stream.Definition.Name, $"Delivery stream {stream.Definition.Name}: {failure}"));
                }
                else if (stream.Metrics.DataFreshnessSeconds > 2 * stream.Definition.Destination.BufferIntervalInSeconds + 60)
                {
                    alerts.Add(new Alert("warning", "delivery", stream.Definition.Name,
                        $"Delivery stream {stream.Definition.Name} holds records {stream.Metrics.DataFreshnessSeconds:N0} s old (buffer interval {stream.Definition.Destination.BufferIntervalInSeconds} s)."));
                }
            }
            var connectors = await ConnectorsAsync(sources.ConnectRest, request.HttpContext.RequestAborted).ConfigureAwait(false);
            foreach (var connector in connectors?.Items ?? [])
            {
                if (connector.State == "FAILED" || connector.FailedTasks > 0)
                {
                    alerts.Add(new Alert("error", "connector", connector.Name, $"Connector {connector.Name}: {(connector.State == "FAILED" ? "FAILED" : $"{connector.FailedTasks} task(s) FAILED")}."));
                }
            }
            return Results.Json(new
            {
                broker.ClusterId,
                Brokers = new[] { new { Id = broker.NodeId, DataDirectory = directory } },
                Topics = topics.Count,
                Partitions = partitions.Count,
                SizeBytes = partitions.Sum(p => p.SizeBytes),
                Groups = groups.Count,
                TotalLag = totalLag,
                DeliveryStreams = streams.Count,
                KinesisStreams = sources.Kinesis()?.ListStreams().Count,
                Connectors = connectors?.Total,
                Alerts = alerts,
            });
        });
    }

    internal sealed record Alert(string Severity, string Kind, string Name, string Message);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    private static async Task<Page<ConnectorsApi.ConnectorRow>?> ConnectorsAsync(Func<Uri?> connect, CancellationToken cancellationToken)
    {
        if (connect() is not { } root)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri(root, "connectors?expand=status&expand=info"), cancellationToken).ConfigureAwait(false));
            return ConnectorsApi.List(document.RootElement, new Paging(0, Paging.MaxLimit, null));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }
}
