namespace Tributary.MskConnect.Workers;

/// <summary>
/// What one MSK connector's runtime should run now, derived from its stored state by the registry: the worker
/// group's properties, the worker count (fixed, or autoscaled within [Min, Max] by the CPU percentages), the
/// connector's configuration as the Connect REST API takes it (tasks.max already capped), and a version that changes
/// whenever the configuration must be applied again.
/// </summary>
public sealed record ConnectorPlan(
    string ConnectorName,
    string Version,
    IReadOnlyDictionary<string, string> WorkerProperties,
    IReadOnlyDictionary<string, string> ConnectorConfiguration,
    int WorkerCount,
    bool Autoscaled,
    int MinWorkers,
    int MaxWorkers,
    int McuCount,
    int ScaleInPercent,
    int ScaleOutPercent);
