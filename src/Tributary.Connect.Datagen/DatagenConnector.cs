using Tributary.Connect.Config;
using Tributary.Connect.Datagen.Avro;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Source;

namespace Tributary.Connect.Datagen;

/// <summary>
/// Confluent's datagen source connector: random records of an Avro schema with generation hints into one topic. Keys
/// (Confluent's names and defaults): <c>kafka.topic</c> (required), <c>quickstart</c> | <c>schema.filename</c> |
/// <c>schema.string</c> (exactly one), <c>schema.keyfield</c> (the record field that keys each record; a quickstart's
/// own by default, otherwise no key), <c>max.interval</c> (500 ms: each task waits a random time up to this before each
/// record), <c>iterations</c> (-1: no end; otherwise per task, and the task then fails with "Stopping connector:
/// generated the configured N number of messages", as datagen's does), <c>random.seed</c> (repeatable values).
/// Validation reads the schema, so an unknown quickstart, a missing or malformed schema file, a bad hint or a key
/// field the schema lacks is a configuration error naming the key.
/// </summary>
[ConnectPlugin("io.confluent.kafka.connect.datagen.DatagenConnector")]
public sealed class DatagenConnector : SourceConnector
{
    public const string TopicConfig = "kafka.topic";
    public const string MaxIntervalConfig = "max.interval";
    public const string IterationsConfig = "iterations";
    public const string SchemaFilenameConfig = "schema.filename";
    public const string SchemaStringConfig = "schema.string";
    public const string SchemaKeyFieldConfig = "schema.keyfield";
    public const string QuickstartConfig = "quickstart";
    public const string RandomSeedConfig = "random.seed";

    /// <summary>The task's number among the connector's tasks (set in each task's configuration).</summary>
    public const string TaskIdConfig = "task.id";

    private IReadOnlyDictionary<string, string> _properties = new Dictionary<string, string>();

    public static ConfigDef Definition { get; } = new ConfigDef()
        .DefineRequired(TopicConfig, ConfigType.String, Importance.High, "Topic to write to", Validators.NonEmptyString)
        .Define(MaxIntervalConfig, ConfigType.Long, 500L, Importance.High, "Max interval between messages (ms)", Validators.AtLeast(0))
        .Define(IterationsConfig, ConfigType.Int, -1, Importance.High, "Number of messages to send from each task, or less than 1 for unlimited")
        .Define(SchemaStringConfig, ConfigType.String, "", Importance.High, "The literal JSON-encoded Avro schema to use. Cannot be set with schema.filename or quickstart")
        .Define(SchemaFilenameConfig, ConfigType.String, "", Importance.High, "Filename of schema to use. Cannot be set with schema.string or quickstart")
        .Define(SchemaKeyFieldConfig, ConfigType.String, "", Importance.Medium, "Name of field to use as the message key")
        .Define(QuickstartConfig, ConfigType.String, "", Importance.High, "Name of quickstart to use. Cannot be set with schema.string or schema.filename",
            Validators.Lambda((_, value) => value is not string { Length: > 0 } name || Quickstarts.All.ContainsKey(name.ToLowerInvariant()) ? null
                : $"Invalid quickstart '{name}': one of {string.Join(", ", Quickstarts.All.Keys)}"))
        .Define(RandomSeedConfig, ConfigType.Long, null, Importance.Low, "Numeric seed for generating random data. Two connectors started with the same seed will deterministically produce the same data. Each task will generate different data than the other tasks in the same connector.");

    public override string Version => DatagenVersion.Value;

    public override ConfigDef Config => Definition;

    public override Type TaskClass => typeof(DatagenTask);

    /// <summary>The keys' own checks, then the schema: exactly one source of it, readable, and the key field in it.</summary>
    public override ConfigValidation Validate(IReadOnlyDictionary<string, string> properties)
    {
        var values = Config.Validate(properties);
        var quickstart = values.First(v => v.Name == QuickstartConfig);
        if (quickstart.ErrorMessages.Count > 0 || values.Any(v => v.Name is SchemaFilenameConfig or SchemaStringConfig && v.ErrorMessages.Count > 0))
        {
            return new ConfigValidation(values);
        }
        try
        {
            _ = DatagenSchema.Load(new AbstractConfig(Definition, properties));
        }
        catch (SchemaDefinitionException e)
        {
            var key = properties.TryGetValue(SchemaFilenameConfig, out var file) && file.Length > 0 ? SchemaFilenameConfig
                : properties.TryGetValue(SchemaStringConfig, out var text) && text.Length > 0 ? SchemaStringConfig
                : e.Message.StartsWith("schema.keyfield", StringComparison.Ordinal) ? SchemaKeyFieldConfig : QuickstartConfig;
            values.First(v => v.Name == key).AddErrorMessage(e.Message);
        }
        catch (ConfigException)
        {
            // A key's own error, already in its ConfigValue.
        }
        return new ConfigValidation(values);
    }

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        _ = DatagenSchema.Load(new AbstractConfig(Definition, properties));
        _properties = properties;
        return Task.CompletedTask;
    }

    /// <summary>tasks.max tasks, each with its number (its records and, with a seed, its values differ from the others').</summary>
    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) =>
        [.. Enumerable.Range(0, Math.Max(1, maxTasks)).Select(i => new Dictionary<string, string>(_properties) { [TaskIdConfig] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })];

    public override Task StopAsync() => Task.CompletedTask;
}

/// <summary>The version the datagen plugins report: this assembly's.</summary>
internal static class DatagenVersion
{
    public static readonly string Value = typeof(DatagenVersion).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";
}
