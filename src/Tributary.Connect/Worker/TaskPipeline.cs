using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Storage;
using Tributary.Connect.Transforms;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// What stands between a task and Kafka, built from a connector's configuration over the worker's (Kafka's
/// <c>Worker.buildWorkerTask</c>): key, value and header converters (connector settings win over the worker's, with
/// their <c>key.converter.</c>-style prefixes), and the transformation chain with its predicates. Owned by one task.
/// </summary>
public sealed class TaskPipeline : IDisposable
{
    private TaskPipeline(IConverter keyConverter, string keyConverterClass, IConverter valueConverter, string valueConverterClass, IHeaderConverter headerConverter, string headerConverterClass, TransformationChain chain)
    {
        KeyConverter = keyConverter;
        KeyConverterClass = keyConverterClass;
        ValueConverter = valueConverter;
        ValueConverterClass = valueConverterClass;
        HeaderConverter = headerConverter;
        HeaderConverterClass = headerConverterClass;
        Chain = chain;
    }

    public IConverter KeyConverter { get; }

    public string KeyConverterClass { get; }

    public IConverter ValueConverter { get; }

    public string ValueConverterClass { get; }

    public IHeaderConverter HeaderConverter { get; }

    public string HeaderConverterClass { get; }

    public TransformationChain Chain { get; }

    public static TaskPipeline Build(PluginRegistry plugins, WorkerConfig worker, IReadOnlyDictionary<string, string> connectorConfig)
    {
        var (keyConverter, keyClass) = Converter(plugins, worker, connectorConfig, ConnectorConfig.KeyConverter, isKey: true);
        var (valueConverter, valueClass) = Converter(plugins, worker, connectorConfig, ConnectorConfig.ValueConverter, isKey: false);
        var headerClass = Setting(worker, connectorConfig, ConnectorConfig.HeaderConverter) ?? "org.apache.kafka.connect.storage.SimpleHeaderConverter";
        var headerPlugin = plugins.Find(headerClass, PluginType.HeaderConverter)
            ?? throw new ConfigException(ConnectorConfig.HeaderConverter, headerClass, "Class " + headerClass + " could not be found.");
        var headerConverter = PluginRegistry.Create<IHeaderConverter>(headerPlugin);
        headerConverter.Configure(Prefixed(worker, connectorConfig, ConnectorConfig.HeaderConverter + "."));
        return new TaskPipeline(keyConverter, keyClass, valueConverter, valueClass, headerConverter, headerPlugin.ClassName, BuildChain(plugins, connectorConfig));
    }

    /// <summary>The transformation stages of a configuration (also used by validation to surface their errors).</summary>
    public static TransformationChain BuildChain(PluginRegistry plugins, IReadOnlyDictionary<string, string> config)
    {
        var predicates = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var alias in Aliases(config, ConnectorConfig.Predicates))
        {
            predicates[alias] = Prefixed(config, $"predicates.{alias}.");
        }
        var stages = new List<TransformationStage>();
        foreach (var alias in Aliases(config, ConnectorConfig.Transforms))
        {
            var settings = Prefixed(config, $"transforms.{alias}.");
            if (!settings.TryGetValue("type", out var type) || type.Trim().Length == 0)
            {
                throw new ConfigException($"transforms.{alias}.type", null, "Not a Transformation");
            }
            var plugin = plugins.Find(type, PluginType.Transformation)
                ?? throw new ConfigException($"transforms.{alias}.type", type, "Class " + type.Trim() + " could not be found.");
            var transformation = PluginRegistry.Create<ITransformation>(plugin);
            transformation.Configure(settings);
            IPredicate? predicate = null;
            var negate = false;
            if (settings.TryGetValue("predicate", out var predicateAlias) && predicateAlias.Trim().Length > 0)
            {
                if (!predicates.TryGetValue(predicateAlias.Trim(), out var predicateSettings))
                {
                    throw new ConfigException($"transforms.{alias}.predicate", predicateAlias, "Predicate alias '" + predicateAlias + "' not defined in 'predicates'");
                }
                var predicateType = predicateSettings.TryGetValue("type", out var value) ? value : "";
                var predicatePlugin = plugins.Find(predicateType, PluginType.Predicate)
                    ?? throw new ConfigException($"predicates.{predicateAlias}.type", predicateType, "Class " + predicateType + " could not be found.");
                predicate = PluginRegistry.Create<IPredicate>(predicatePlugin);
                predicate.Configure(predicateSettings);
                negate = settings.TryGetValue("negate", out var negateText) && bool.TryParse(negateText.Trim(), out var parsed) && parsed;
            }
            stages.Add(new TransformationStage(alias, plugin.ClassName, transformation, predicate, negate));
        }
        return new TransformationChain(stages);
    }

    /// <summary>The distinct aliases of a list key (transforms, predicates); ConfigException on a duplicate, as Kafka does.</summary>
    public static IReadOnlyList<string> Aliases(IReadOnlyDictionary<string, string> config, string key)
    {
        if (!config.TryGetValue(key, out var text) || text.Trim().Length == 0)
        {
            return [];
        }
        var aliases = text.Split(',').Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
        var duplicate = aliases.GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConfigException(key, text, "Duplicate alias provided.");
        }
        return aliases;
    }

    private static (IConverter Converter, string ClassName) Converter(PluginRegistry plugins, WorkerConfig worker, IReadOnlyDictionary<string, string> connectorConfig, string key, bool isKey)
    {
        var className = Setting(worker, connectorConfig, key) ?? throw new ConfigException(key, null, "Missing required configuration \"" + key + "\" which has no default value.");
        var plugin = plugins.Find(className, PluginType.Converter)
            ?? throw new ConfigException(key, className, "Class " + className + " could not be found.");
        var converter = PluginRegistry.Create<IConverter>(plugin);
        converter.Configure(Prefixed(worker, connectorConfig, key + "."), isKey);
        return (converter, plugin.ClassName);
    }

    /// <summary>The connector's value of a converter key, else the worker's.</summary>
    private static string? Setting(WorkerConfig worker, IReadOnlyDictionary<string, string> connectorConfig, string key) =>
        connectorConfig.TryGetValue(key, out var own) && own.Trim().Length > 0 ? own.Trim()
        : worker.Originals.TryGetValue(key, out var workers) && workers.Trim().Length > 0 ? workers.Trim() : null;

    /// <summary>Converter settings: from the connector when it names its own converter, else from the worker.</summary>
    private static IReadOnlyDictionary<string, string> Prefixed(WorkerConfig worker, IReadOnlyDictionary<string, string> connectorConfig, string prefix)
    {
        var key = prefix.TrimEnd('.');
        return connectorConfig.TryGetValue(key, out var own) && own.Trim().Length > 0 ? Prefixed(connectorConfig, prefix) : worker.WithPrefix(prefix);
    }

    private static Dictionary<string, string> Prefixed(IReadOnlyDictionary<string, string> config, string prefix) =>
        config.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value, StringComparer.Ordinal);

    public void Dispose()
    {
        KeyConverter.Dispose();
        ValueConverter.Dispose();
        HeaderConverter.Dispose();
        Chain.Dispose();
    }
}
