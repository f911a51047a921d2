using Tributary.Connect.Config;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Plugins;
using Tributary.Connect.Runtime.Worker;
using Tributary.Connect.Sink;

namespace Tributary.Connect.Runtime.Herder;

/// <summary>One key of a validation result: its definition (null for keys only a connector's cross-checks name) and value.</summary>
public sealed record ConfigInfo(ConfigKey? Definition, ConfigValue Value);

/// <summary>The result of validating a connector configuration (Kafka's <c>ConfigInfos</c>).</summary>
public sealed record ConfigInfos(string Name, int ErrorCount, IReadOnlyList<string> Groups, IReadOnlyList<ConfigInfo> Configs)
{
    /// <summary>Every error as "key: message" lines, for the 400 answer of create/update.</summary>
    public IEnumerable<string> ErrorLines => Configs.SelectMany(c => c.Value.ErrorMessages.Select(m => $"{c.Value.Name}: {m}"));
}

/// <summary>
/// Validates a connector configuration as Kafka's <c>AbstractHerder.validateConnectorConfig</c> does: the connector
/// class must resolve (an unknown class is an error on <c>connector.class</c> that lists the available connectors),
/// then the common connector keys (source or sink set), transformations and predicates, sink topic rules, and the
/// connector's own <see cref="Connector.Validate"/>, and the client overrides against the worker's
/// <see cref="ClientConfigOverridePolicy"/>. A source connector that asks for topic creation (any <c>topic.creation.</c>
/// key) on a worker that allows it is also checked against the topic creation groups' keys (<see cref="TopicCreation"/>).
/// Stateless; thread-safe.
/// </summary>
public sealed class ConfigValidator(PluginRegistry plugins, ClientConfigOverridePolicy overridePolicy, bool topicCreationEnabled = true)
{
    public ConfigValidator(PluginRegistry plugins)
        : this(plugins, ClientConfigOverridePolicy.All)
    {
    }

    public ConfigInfos Validate(IReadOnlyDictionary<string, string> config)
    {
        var className = config.TryGetValue(ConnectorConfig.ConnectorClass, out var value) ? value.Trim() : "";
        var plugin = className.Length == 0 ? null : plugins.FindConnector(className);
        if (plugin is null)
        {
            var values = ConnectorConfig.Base.Validate(config).ToList();
            var classValue = values.First(v => v.Name == ConnectorConfig.ConnectorClass);
            if (className.Length > 0)
            {
                classValue.AddErrorMessage($"Failed to find any class that implements Connector and which name matches {className}, available connectors are: {string.Join(", ", plugins.All.Where(p => p.Kind is PluginType.Source or PluginType.Sink).Select(p => p.ClassName))}");
            }
            return Build(className, ConnectorConfig.Base, values, []);
        }
        var isSink = plugin.Kind == PluginType.Sink;
        var common = isSink ? ConnectorConfig.Sink
            : topicCreationEnabled && TopicCreation.Requested(config) ? new ConfigDef().Merge(ConnectorConfig.Source).Merge(TopicCreation.Definition(config))
            : ConnectorConfig.Source;
        var commonValues = common.Validate(config).ToList();
        var byName = commonValues.ToDictionary(v => v.Name);
        CheckTransforms(config, byName);
        if (isSink)
        {
            CheckSinkTopics(config, byName);
        }
        Connector connector;
        try
        {
            connector = PluginRegistry.Create<Connector>(plugin);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            byName[ConnectorConfig.ConnectorClass].AddErrorMessage("Failed to create the connector: " + e.Message);
            return Build(plugin.ClassName, common, commonValues, []);
        }
        var own = connector.Validate(config).Values.ToList();
        own.AddRange(overridePolicy.Validate(config));
        return Build(plugin.ClassName, new ConfigDef().Merge(common).Merge(connector.Config), commonValues, own);
    }

    private void CheckTransforms(IReadOnlyDictionary<string, string> config, Dictionary<string, ConfigValue> byName)
    {
        try
        {
            TaskPipeline.Aliases(config, ConnectorConfig.Predicates);
            TaskPipeline.Aliases(config, ConnectorConfig.Transforms);
            using var chain = TaskPipeline.BuildChain(plugins, config);
        }
        catch (ConfigException e)
        {
            var key = e.Name is { } name && name.StartsWith("predicates", StringComparison.Ordinal) ? ConnectorConfig.Predicates : ConnectorConfig.Transforms;
            byName[key].AddErrorMessage(e.Name is null ? e.Message : $"Invalid value {e.Value} for configuration {e.Name}: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            byName[ConnectorConfig.Transforms].AddErrorMessage(e.Message);
        }
    }

    private static void CheckSinkTopics(IReadOnlyDictionary<string, string> config, Dictionary<string, ConfigValue> byName)
    {
        var topics = config.TryGetValue(SinkConnector.TopicsConfig, out var list) ? list.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0).ToList() : [];
        var regex = config.TryGetValue(SinkConnector.TopicsRegexConfig, out var pattern) ? pattern.Trim() : "";
        if (topics.Count > 0 && regex.Length > 0)
        {
            var message = "topics and topics.regex are mutually exclusive options, but both are set.";
            byName[ConnectorConfig.Topics].AddErrorMessage(message);
            byName[ConnectorConfig.TopicsRegex].AddErrorMessage(message);
        }
        else if (topics.Count == 0 && regex.Length == 0)
        {
            var message = "Must configure one of topics or topics.regex";
            byName[ConnectorConfig.Topics].AddErrorMessage(message);
            byName[ConnectorConfig.TopicsRegex].AddErrorMessage(message);
        }
        var dlq = config.TryGetValue(ConnectorConfig.DlqTopicName, out var dlqTopic) ? dlqTopic.Trim() : "";
        if (dlq.Length > 0 && topics.Contains(dlq))
        {
            byName[ConnectorConfig.DlqTopicName].AddErrorMessage($"The DLQ topic '{dlq}' may not be included in the list of topics ('topics={string.Join(",", topics)}') consumed by the connector");
        }
        if (dlq.Length > 0 && regex.Length > 0)
        {
            try
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(dlq, "^(?:" + regex + ")$"))
                {
                    byName[ConnectorConfig.DlqTopicName].AddErrorMessage($"The DLQ topic '{dlq}' may not be included in the regex matching the topics ('topics.regex={regex}') consumed by the connector");
                }
            }
            catch (ArgumentException e)
            {
                byName[ConnectorConfig.TopicsRegex].AddErrorMessage("Invalid regex: " + e.Message);
            }
        }
    }

    private static ConfigInfos Build(string name, ConfigDef definition, List<ConfigValue> common, List<ConfigValue> own)
    {
        var configs = new List<ConfigInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in common.Concat(own))
        {
            if (!seen.Add(value.Name))
            {
                var existing = configs.First(c => c.Value.Name == value.Name);
                existing.Value.ErrorMessages.AddRange(value.ErrorMessages.Where(m => !existing.Value.ErrorMessages.Contains(m)));
                continue;
            }
            definition.Keys.TryGetValue(value.Name, out var key);
            configs.Add(new ConfigInfo(key, value));
        }
        var groups = definition.Groups.ToList();
        return new ConfigInfos(name, configs.Count(c => c.Value.ErrorMessages.Count > 0), groups, configs);
    }
}
