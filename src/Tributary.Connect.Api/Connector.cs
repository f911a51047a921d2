using Tributary.Connect.Config;

namespace Tributary.Connect;

/// <summary>Something with a version (connectors, converters, transformations report theirs in /connector-plugins).</summary>
public interface IVersioned
{
    string Version { get; }
}

/// <summary>
/// A connector (Kafka's <c>Connector</c>): validates its configuration, splits the work into task configurations and
/// watches for changes that need a new split. Its lifecycle is driven by the worker: <see cref="Initialize"/>, then
/// <see cref="StartAsync"/>, <see cref="TaskConfigs"/> (again whenever the context asks for reconfiguration),
/// <see cref="StopAsync"/>. The worker calls it from its own tasks with time limits, so a connector that hangs never
/// blocks the REST API or other connectors.
/// </summary>
public abstract class Connector : IVersioned
{
    /// <summary>Set by <see cref="Initialize"/> before <see cref="StartAsync"/>.</summary>
    protected ConnectorContext Context { get; private set; } = null!;

    public abstract string Version { get; }

    /// <summary>The definition of the connector's own configuration keys (for validate and /config).</summary>
    public abstract ConfigDef Config { get; }

    /// <summary>The task class this connector's tasks are made of.</summary>
    public abstract Type TaskClass { get; }

    public virtual void Initialize(ConnectorContext context) => Context = context;

    /// <summary>Starts with the connector's configuration (placeholders already resolved).</summary>
    public abstract Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxTasks"/> task configurations; the worker starts one task per entry.</summary>
    public abstract IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks);

    public abstract Task StopAsync();

    /// <summary>
    /// Validates a configuration against <see cref="Config"/> (every key, with errors and recommended values); a
    /// connector may add cross-key checks by overriding it.
    /// </summary>
    public virtual ConfigValidation Validate(IReadOnlyDictionary<string, string> properties) => new(Config.Validate(properties));
}

/// <summary>What a connector can ask of the worker that runs it.</summary>
public interface ConnectorContext
{
    /// <summary>Asks for <see cref="Connector.TaskConfigs"/> to be called again (the set of work changed).</summary>
    void RequestTaskReconfiguration();

    /// <summary>Fails the connector with this error (its status becomes FAILED with the error as trace).</summary>
    void RaiseError(Exception error);
}

/// <summary>The result of validating a configuration: one entry per key.</summary>
public sealed record ConfigValidation(IReadOnlyList<ConfigValue> Values)
{
    public int ErrorCount => Values.Count(v => v.ErrorMessages.Count > 0);
}
