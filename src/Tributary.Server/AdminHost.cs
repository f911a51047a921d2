using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Streams;
using Tributary.WebConsole;

namespace Tributary.Server;

/// <summary>
/// The admin port (admin.host / admin.port): <c>GET /metrics</c> in Prometheus text format (topics, consumer-group
/// lag, delivery streams with Firehose's metric names), <c>GET /health</c>, and the web console (<c>/console/</c>
/// and its API under <c>/api/console/</c>, Tributary.WebConsole, docs/console.md). Binds loopback by default: the
/// console can create and delete topics and streams, so it is for whoever can reach this port.
/// </summary>
public sealed class AdminHost : IAsyncDisposable
{
    private readonly WebApplication? _app;

    private AdminHost(WebApplication? app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The bound port, or -1 when disabled.</summary>
    public int Port { get; }

    /// <param name="connect">The embedded Connect worker's herder once it runs (null before, or when Connect is off).</param>
    /// <param name="mskConnect">The MSK Connect registry, for its connectors' worker counts and scaling steps (null: none).</param>
    /// <param name="console">What the web console shows; null serves no console.</param>
    public static async Task<AdminHost> StartAsync(IBrokerApi broker, DeliveryStreams delivery, AdminOptions options, ILoggerFactory loggerFactory,
        Func<Tributary.Connect.Runtime.Herder.StandaloneHerder?>? connect = null, Tributary.MskConnect.State.MskConnectRegistry? mskConnect = null, ConsoleSources? console = null)
    {
        var port = options.Port;
        if (port < 0)
        {
            return new AdminHost(null, -1);
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        var address = IPAddress.Parse(options.Host);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.MapGet("/metrics", (HttpContext context) => Results.Text(Metrics(broker, delivery, connect?.Invoke(), mskConnect), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/health", () => Results.Text("ok\n"));
        if (console is not null)
        {
            app.MapConsole(console);
        }
        app.MapFallback((HttpContext context) => Results.Text("Not found: GET /metrics, /health or /console/.\n", statusCode: 404));
        await app.StartAsync().ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return new AdminHost(app, bound.Select(a => new Uri(a).Port).First());
    }

    /// <summary>The Prometheus exposition text.</summary>
    public static string Metrics(IBrokerApi broker, DeliveryStreams delivery, Tributary.Connect.Runtime.Herder.StandaloneHerder? connect = null,
        Tributary.MskConnect.State.MskConnectRegistry? mskConnect = null)
    {
        var text = new StringBuilder();
        var topics = broker.ListTopics(includeInternal: true);
        Header(text, "tributary_partition_log_end_offset", "gauge", "Next offset to be written, per topic partition.");
        foreach (var topic in topics)
        {
            for (var partition = 0; partition < topic.PartitionCount; partition++)
            {
                if (broker.GetOffsets(topic.Name, partition) is { } offsets)
                {
                    Sample(text, "tributary_partition_log_end_offset", offsets.LogEndOffset, ("topic", topic.Name), ("partition", partition.ToString(CultureInfo.InvariantCulture)));
                }
            }
        }
        Header(text, "tributary_consumer_group_lag", "gauge", "Records between a group's committed offset and the log end, per partition.");
        foreach (var group in broker.Groups.ListGroups())
        {
            foreach (var lag in broker.Groups.Lag(group.GroupId) ?? [])
            {
                Sample(text, "tributary_consumer_group_lag", lag.Lag, ("group", group.GroupId), ("topic", lag.Partition.Topic), ("partition", lag.Partition.Partition.ToString(CultureInfo.InvariantCulture)));
            }
        }
        var streams = delivery.List();
        (string Name, string Type, string Help, Func<DeliveryMetrics, double> Value)[] series =
        [
            ("tributary_delivery_incoming_bytes_total", "counter", "IncomingBytes: bytes read from the source or put.", m => m.IncomingBytes),
            ("tributary_delivery_incoming_records_total", "counter", "IncomingRecords.", m => m.IncomingRecords),
            ("tributary_delivery_incoming_put_requests_total", "counter", "IncomingPutRequests (PutRecord and PutRecordBatch calls).", m => m.IncomingPutRequests),
            ("tributary_delivery_delivered_bytes_total", "counter", "DeliveryToS3.Bytes: record bytes in delivered objects.", m => m.DeliveredBytes),
            ("tributary_delivery_delivered_records_total", "counter", "DeliveryToS3.Records.", m => m.DeliveredRecords),
            ("tributary_delivery_delivered_objects_total", "counter", "DeliveryToS3.ObjectCount.", m => m.DeliveredObjects),
            ("tributary_delivery_data_freshness_seconds", "gauge", "DeliveryToS3.DataFreshness: age of the oldest record not yet delivered.", m => m.DataFreshnessSeconds),
            ("tributary_delivery_retries_total", "counter", "Object writes retried after a failure.", m => m.DeliveryRetries),
        ];
        foreach (var (name, type, help, value) in series)
        {
            Header(text, name, type, help);
            foreach (var stream in streams)
            {
                Sample(text, name, value(stream.Metrics), ("stream", stream.Definition.Name));
            }
        }
        Header(text, "tributary_delivery_failed_records_total", "counter", "Records written to the error output, by error output type.");
        foreach (var stream in streams)
        {
            foreach (var (type, count) in stream.Metrics.FailedRecordsByType)
            {
                Sample(text, "tributary_delivery_failed_records_total", count, ("stream", stream.Definition.Name), ("type", type));
            }
        }
        if (connect is not null)
        {
            ConnectMetrics(text, connect);
        }
        if (mskConnect is not null)
        {
            MskConnectMetrics(text, mskConnect);
        }
        return text.ToString();
    }

    /// <summary>MSK Connect's connectors: workers running (what CloudWatch's WorkerCount reports) and the autoscaler's steps.</summary>
    private static void MskConnectMetrics(StringBuilder text, Tributary.MskConnect.State.MskConnectRegistry registry)
    {
        var connectors = registry.ConnectorMetrics();
        Header(text, "tributary_msk_connect_workers", "gauge", "Worker processes an MSK connector runs.");
        foreach (var c in connectors)
        {
            Sample(text, "tributary_msk_connect_workers", c.Workers, ("connector", c.Name), ("state", c.State.ToLowerInvariant()));
        }
        Header(text, "tributary_msk_connect_scaling_steps_total", "counter", "Autoscaling steps of an MSK connector since the server started, by direction.");
        foreach (var c in connectors)
        {
            Sample(text, "tributary_msk_connect_scaling_steps_total", c.ScaleOuts, ("connector", c.Name), ("direction", "out"));
            Sample(text, "tributary_msk_connect_scaling_steps_total", c.ScaleIns, ("connector", c.Name), ("direction", "in"));
        }
    }

    /// <summary>
    /// Connect's connector and task metrics under Prometheus names (Kafka's JMX groups connector-metrics,
    /// connector-task-metrics, source-task-metrics, sink-task-metrics and task-error-metrics, flattened), plus
    /// Tributary's automatic task restarts.
    /// </summary>
    private static void ConnectMetrics(StringBuilder text, Tributary.Connect.Runtime.Herder.StandaloneHerder connect)
    {
        Header(text, "tributary_connect_connector_status", "gauge", "1 for the connector's current state (connector-metrics status).");
        foreach (var (name, type, state) in connect.ConnectorStates())
        {
            Sample(text, "tributary_connect_connector_status", 1, ("connector", name), ("type", type), ("state", state.Value.ToLowerInvariant()));
        }
        var tasks = connect.TaskMetrics();
        Header(text, "tributary_connect_task_status", "gauge", "1 for the task's current state (connector-task-metrics status).");
        foreach (var task in tasks)
        {
            Sample(text, "tributary_connect_task_status", 1, ("connector", task.Connector), ("task", task.Task.ToString(CultureInfo.InvariantCulture)), ("state", task.State.Value.ToLowerInvariant()));
        }
        (string Name, string Help, Func<Tributary.Connect.Runtime.Herder.TaskMetricsSnapshot, long> Value, string? Type)[] series =
        [
            ("tributary_connect_source_record_write_total", "Records written to Kafka and acknowledged (source-task-metrics source-record-write-total).", t => t.RecordsWritten, "source"),
            ("tributary_connect_sink_record_send_total", "Records handed to the sink task's put (sink-task-metrics sink-record-send-total).", t => t.RecordsPut, "sink"),
            ("tributary_connect_task_record_errors_total", "Record processing errors (task-error-metrics total-record-errors).", t => t.RecordErrors, null),
            ("tributary_connect_task_records_skipped_total", "Records skipped after tolerated errors (task-error-metrics total-records-skipped).", t => t.RecordsSkipped, null),
            ("tributary_connect_task_auto_restarts_total", "Times the worker restarted the FAILED task by itself (Tributary only).", t => t.AutoRestarts, null),
        ];
        foreach (var (name, help, value, type) in series)
        {
            Header(text, name, "counter", help);
            foreach (var task in tasks)
            {
                if (type is null || task.Type == type)
                {
                    Sample(text, name, value(task), ("connector", task.Connector), ("task", task.Task.ToString(CultureInfo.InvariantCulture)));
                }
            }
        }
        PluginMetrics(text, tasks);
    }

    /// <summary>
    /// What tasks publish themselves (PluginMetrics): each gauge under its own name with the connector and task
    /// labels, and <c>tributary_connect_task_warning</c> = 1 with the warning's text for a task that has one.
    /// </summary>
    private static void PluginMetrics(StringBuilder text, IReadOnlyList<Tributary.Connect.Runtime.Herder.TaskMetricsSnapshot> tasks)
    {
        foreach (var gauges in tasks.SelectMany(t => (t.Gauges ?? []).Select(g => (Task: t, Gauge: g))).GroupBy(p => p.Gauge.Name, StringComparer.Ordinal))
        {
            Header(text, gauges.Key, "gauge", gauges.First().Gauge.Help);
            foreach (var (task, gauge) in gauges)
            {
                Sample(text, gauge.Name, gauge.Value, ("connector", task.Connector), ("task", task.Task.ToString(CultureInfo.InvariantCulture)));
            }
        }
        Header(text, "tributary_connect_task_warning", "gauge", "1 for a task that reports a warning (the message label), e.g. a replication slot retaining too much WAL (Tributary only).");
        foreach (var task in tasks)
        {
            if (task.Warning is { } warning)
            {
                Sample(text, "tributary_connect_task_warning", 1, ("connector", task.Connector), ("task", task.Task.ToString(CultureInfo.InvariantCulture)), ("message", warning));
            }
        }
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, double value, params (string Name, string Value)[] labels)
    {
        text.Append(name).Append('{');
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            text.Append(labels[i].Name).Append("=\"").Append(labels[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
        }
        text.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
