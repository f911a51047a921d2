using System.Globalization;
using System.Text.RegularExpressions;
using Tributary.Connect.Config;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>
/// How a source connector's missing topics are created (KIP-158, Kafka's <c>TopicCreation</c> and
/// <c>TopicCreationGroup</c>). On for a connector only when the worker allows it (<c>topic.creation.enable</c>,
/// default true) and the connector names at least the <c>default</c> group's <c>replication.factor</c> and
/// <c>partitions</c> (-1: the broker's default). <c>topic.creation.groups</c> lists further groups, each with
/// <c>include</c> and <c>exclude</c> lists of regular expressions matched against the whole topic name (exclude wins),
/// its own <c>replication.factor</c> / <c>partitions</c> (else the default group's), and any other
/// <c>topic.creation.&lt;group&gt;.&lt;topic config&gt;</c> as the new topic's configuration. A topic takes the first
/// listed group that matches it, else <c>default</c>. When it is off, the runtime creates nothing and the producer's
/// metadata request lets the broker create the topic (its <c>auto.create.topics.enable</c> and <c>num.partitions</c>),
/// as Kafka's producer does. Immutable; thread-safe.
/// </summary>
public sealed class TopicCreation
{
    public const string Prefix = "topic.creation.";
    public const string GroupsConfig = "topic.creation.groups";
    public const string DefaultGroup = "default";
    public const string IncludeConfig = "include";
    public const string ExcludeConfig = "exclude";
    public const string ReplicationFactorConfig = "replication.factor";
    public const string PartitionsConfig = "partitions";

    private const string ValidationGroup = "Topic Creation";

    private static readonly IValidator ReplicationFactorValidator = Validators.Lambda((_, value) => ReplicationFactorCheck(value), "Positive number, or -1 to use the broker's default");

    private static readonly IValidator PartitionsValidator = Validators.Lambda((_, value) => PartitionsCheck(value), "Positive number, or -1 to use the broker's default");

    /// <summary>Unset in a listed group: the default group's value applies.</summary>
    private static readonly IValidator OptionalReplicationFactorValidator = Validators.Lambda((_, value) => value is null ? null : ReplicationFactorCheck(value), "Positive number, or -1 to use the broker's default; unset: the default group's");

    private static readonly IValidator OptionalPartitionsValidator = Validators.Lambda((_, value) => value is null ? null : PartitionsCheck(value), "Positive number, or -1 to use the broker's default; unset: the default group's");

    private static readonly IValidator RegexListValidator = Validators.Lambda((_, value) => RegexListCheck(value), "List of regular expressions");

    private readonly IReadOnlyList<Group> _groups;
    private readonly Group _default;

    private TopicCreation(IReadOnlyList<Group> groups, Group defaultGroup)
    {
        _groups = groups;
        _default = defaultGroup;
    }

    /// <summary>Whether the connector configuration asks for topic creation at all (any <c>topic.creation.</c> key).</summary>
    public static bool Requested(IReadOnlyDictionary<string, string> config) => config.Keys.Any(k => k.StartsWith(Prefix, StringComparison.Ordinal));

    /// <summary>
    /// The keys topic creation adds to a source connector's configuration (Kafka's <c>SourceConnectorConfig.enrich</c>):
    /// the group list, the default group's required replication factor and partitions, and each listed group's
    /// include/exclude lists, replication factor and partitions.
    /// </summary>
    public static ConfigDef Definition(IReadOnlyDictionary<string, string> config)
    {
        var definition = new ConfigDef()
            .Define(GroupsConfig, ConfigType.List, "", Importance.Low, "Groups of configurations for topics created by source connectors", null, ValidationGroup, 1, Width.Long, "Topic Creation Groups")
            .DefineRequired(Key(DefaultGroup, ReplicationFactorConfig), ConfigType.Short, Importance.Low, "Replication factor for new topics created by the connector; -1 uses the broker's default.", ReplicationFactorValidator, ValidationGroup, 2, Width.Long, "Replication Factor for Topics in default")
            .DefineRequired(Key(DefaultGroup, PartitionsConfig), ConfigType.Int, Importance.Low, "Number of partitions for new topics created by the connector; -1 uses the broker's default.", PartitionsValidator, ValidationGroup, 3, Width.Long, "Partition Count for Topics in default");
        var order = 4;
        foreach (var group in GroupNames(config))
        {
            definition
                .Define(Key(group, IncludeConfig), ConfigType.List, "", Importance.Low, "A list of regular expressions matching topic names this group applies to.", RegexListValidator, ValidationGroup, order++, Width.Long, $"Inclusion Topic Pattern for {group}")
                .Define(Key(group, ExcludeConfig), ConfigType.List, "", Importance.Low, "A list of regular expressions matching topic names this group does not apply to; exclusion wins over inclusion.", RegexListValidator, ValidationGroup, order++, Width.Long, $"Exclusion Topic Pattern for {group}")
                .Define(Key(group, ReplicationFactorConfig), ConfigType.Short, null, Importance.Low, "Replication factor for new topics in this group (the default group's when unset).", OptionalReplicationFactorValidator, ValidationGroup, order++, Width.Long, $"Replication Factor for Topics in {group}")
                .Define(Key(group, PartitionsConfig), ConfigType.Int, null, Importance.Low, "Number of partitions for new topics in this group (the default group's when unset).", OptionalPartitionsValidator, ValidationGroup, order++, Width.Long, $"Partition Count for Topics in {group}");
        }
        return definition;
    }

    /// <summary>
    /// The connector's topic creation, or null when the runtime creates no topics for it (the worker forbids it, or the
    /// connector asks for none). A configuration that validation refused throws <see cref="ConfigException"/>.
    /// </summary>
    public static TopicCreation? From(bool workerAllows, IReadOnlyDictionary<string, string> config)
    {
        if (!workerAllows || !Requested(config))
        {
            return null;
        }
        var parsed = Definition(config).Parse(config);
        var defaultGroup = new Group(DefaultGroup, [], [],
            Convert.ToInt16(parsed[Key(DefaultGroup, ReplicationFactorConfig)], CultureInfo.InvariantCulture),
            Convert.ToInt32(parsed[Key(DefaultGroup, PartitionsConfig)], CultureInfo.InvariantCulture),
            OtherConfigs(config, DefaultGroup));
        var groups = GroupNames(config).Select(name => new Group(name,
            Patterns(parsed[Key(name, IncludeConfig)]),
            Patterns(parsed[Key(name, ExcludeConfig)]),
            parsed[Key(name, ReplicationFactorConfig)] is { } r ? Convert.ToInt16(r, CultureInfo.InvariantCulture) : defaultGroup.ReplicationFactor,
            parsed[Key(name, PartitionsConfig)] is { } p ? Convert.ToInt32(p, CultureInfo.InvariantCulture) : defaultGroup.Partitions,
            OtherConfigs(config, name))).ToList();
        return new TopicCreation(groups, defaultGroup);
    }

    /// <summary>The settings a new topic of this name is created with: the first listed group matching it, else the default group.</summary>
    public (string Group, int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string> Configs) For(string topic)
    {
        var group = _groups.FirstOrDefault(g => g.Matches(topic)) ?? _default;
        return (group.Name, group.Partitions, group.ReplicationFactor, group.Configs);
    }

    private static string Key(string group, string name) => Prefix + group + "." + name;

    private static string? ReplicationFactorCheck(object? value) =>
        value is short r && (r == -1 || r >= 1) ? null : "Replication factor must be positive, or -1 to use the broker's default";

    private static string? RegexListCheck(object? value)
    {
        foreach (var pattern in value as IEnumerable<string> ?? [])
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                return $"Syntax error in regular expression '{pattern}': {e.Message}";
            }
        }
        return null;
    }

    private static string? PartitionsCheck(object? value) =>
        value is int p && (p == -1 || p >= 1) ? null : "Number of partitions must be positive, or -1 to use the broker's default";

    /// <summary>The listed groups in order, without duplicates and without <c>default</c> (always present, always last).</summary>
    private static List<string> GroupNames(IReadOnlyDictionary<string, string> config) =>
        config.TryGetValue(GroupsConfig, out var list)
            ? [.. list.Split(',').Select(g => g.Trim()).Where(g => g.Length > 0 && g != DefaultGroup).Distinct(StringComparer.Ordinal)]
            : [];

    private static List<Regex> Patterns(object? value) =>
        [.. (value as IEnumerable<string> ?? []).Select(p => new Regex("^(?:" + p + ")$", RegexOptions.CultureInvariant))];

    /// <summary>Every <c>topic.creation.&lt;group&gt;.&lt;key&gt;</c> that is not one of the group's own four keys: a topic config.</summary>
    private static Dictionary<string, string> OtherConfigs(IReadOnlyDictionary<string, string> config, string group)
    {
        var prefix = Prefix + group + ".";
        return config
            .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(c => (Name: c.Key[prefix.Length..], c.Value))
            .Where(c => c.Name is not (IncludeConfig or ExcludeConfig or ReplicationFactorConfig or PartitionsConfig) && c.Name.Length > 0)
            .ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
    }

    private sealed record Group(string Name, IReadOnlyList<Regex> Include, IReadOnlyList<Regex> Exclude, short ReplicationFactor, int Partitions, IReadOnlyDictionary<string, string> Configs)
    {
        public bool Matches(string topic) => !Exclude.Any(r => r.IsMatch(topic)) && Include.Any(r => r.IsMatch(topic));
    }
}
