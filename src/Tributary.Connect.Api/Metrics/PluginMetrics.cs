using System.Collections.Concurrent;

namespace Tributary.Connect.Metrics;

/// <summary>A gauge a task published: its Prometheus name and help, its current value.</summary>
public readonly record struct PluginGauge(string Name, string Help, double Value);

/// <summary>
/// What a task publishes about itself beyond the worker's own counters (Kafka's connectors do it through JMX; here
/// the admin port's <c>GET /metrics</c> shows it): gauges, written under their own Prometheus names with the labels
/// <c>connector</c> and <c>task</c> added, and a warning — a condition an operator should act on before it fails the
/// task — which the worker logs when it changes and the admin port exposes as <c>tributary_connect_task_warning</c>.
/// The task writes from any thread; the worker reads snapshots. Thread-safe.
/// </summary>
public sealed class PluginMetrics
{
    private readonly ConcurrentDictionary<string, PluginGauge> _gauges = new(StringComparer.Ordinal);
    private volatile string? _warning;

    /// <summary>Set by the worker: called with the new warning (null: cleared) each time it changes.</summary>
    public Action<string?>? WarningChanged { get; set; }

    /// <summary>Sets gauge <paramref name="name"/> (a Prometheus metric name, e.g. <c>tributary_cdc_…_bytes</c>).</summary>
    public void Gauge(string name, string help, double value) => _gauges[name] = new PluginGauge(name, help, value);

    /// <summary>Removes gauge <paramref name="name"/> (its value is no longer known).</summary>
    public void Remove(string name) => _gauges.TryRemove(name, out _);

    public IReadOnlyList<PluginGauge> Gauges => [.. _gauges.Values.OrderBy(g => g.Name, StringComparer.Ordinal)];

    /// <summary>The current warning, or null.</summary>
    public string? Warning => _warning;

    /// <summary>Sets the current warning (null clears it); the worker hears of changes only.</summary>
    public void Warn(string? message)
    {
        if (_warning == message)
        {
            return;
        }
        _warning = message;
        WarningChanged?.Invoke(message);
    }
}
