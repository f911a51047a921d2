using System.Text.RegularExpressions;
using Tributary.Connect.Config;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;

namespace Tributary.Connect.Transforms.Predicates;

/// <summary>Kafka's <c>TopicNameMatches</c>: true when the whole topic name matches <c>pattern</c>.</summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.predicates.TopicNameMatches")]
public sealed class TopicNameMatches : IPredicate
{
    public const string PatternConfig = "pattern";
    private Regex? _pattern;

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef().DefineRequired(PatternConfig, ConfigType.String, Importance.Medium,
        "A Java regular expression for matching against the name of a record's topic.",
        Validators.All(Validators.NonEmptyString, JavaRegex.Validator));

    public void Configure(IReadOnlyDictionary<string, string> configs) =>
        _pattern = JavaRegex.Compile(new AbstractConfig(ConfigDef(), configs).GetString(PatternConfig)!);

    public bool Test(ConnectRecord record) => record.Topic is not null && JavaRegex.Matches(_pattern!, record.Topic);

    public override string ToString() => "TopicNameMatches{pattern=" + _pattern + "}";

    public void Dispose()
    {
    }
}

/// <summary>Kafka's <c>HasHeaderKey</c>: true when the record has at least one header with the key <c>name</c>.</summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.predicates.HasHeaderKey")]
public sealed class HasHeaderKey : IPredicate
{
    public const string NameConfig = "name";
    private string _name = "";

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef().DefineRequired(NameConfig, ConfigType.String, Importance.Medium,
        "The header name.", Validators.NonEmptyString);

    public void Configure(IReadOnlyDictionary<string, string> configs) => _name = new AbstractConfig(ConfigDef(), configs).GetString(NameConfig)!;

    public bool Test(ConnectRecord record) => record.Headers.LastWithName(_name) is not null;

    public override string ToString() => "HasHeaderKey{name='" + _name + "'}";

    public void Dispose()
    {
    }
}

/// <summary>Kafka's <c>RecordIsTombstone</c>: true for records whose value is null.</summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.predicates.RecordIsTombstone")]
public sealed class RecordIsTombstone : IPredicate
{
    public ConfigDef Config { get; } = new();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public bool Test(ConnectRecord record) => record.Value is null;

    public override string ToString() => "RecordIsTombstone{}";

    public void Dispose()
    {
    }
}
