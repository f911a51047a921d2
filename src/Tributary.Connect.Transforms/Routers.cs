using System.Text.RegularExpressions;
using Tributary.Connect.Config;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>RegexRouter</c>: when the whole topic name matches <c>regex</c>, the topic becomes <c>replacement</c>
/// with its group references (Java syntax: <c>$1</c>, <c>${name}</c>) filled in; otherwise the record is unchanged.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.RegexRouter")]
public sealed class RegexRouter : ITransformation
{
    public const string RegexConfig = "regex";
    public const string ReplacementConfig = "replacement";
    private Regex? _regex;
    private string _replacement = "";

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(RegexConfig, ConfigType.String, Importance.High, "Regular expression to use for matching.", JavaRegex.Validator)
        .DefineRequired(ReplacementConfig, ConfigType.String, Importance.High, "Replacement string.");

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _regex = JavaRegex.Compile(config.GetString(RegexConfig)!);
        _replacement = config.GetString(ReplacementConfig)!;
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var topic = JavaRegex.ReplaceWholeMatch(_regex!, record.Topic, _replacement);
        return topic is null ? record : record.NewRecord(topic, record.KafkaPartition, record.KeySchema, record.Key, record.ValueSchema, record.Value, record.Timestamp);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Kafka's <c>TimestampRouter</c>: renames the topic to <c>topic.format</c> with <c>${topic}</c> and <c>${timestamp}</c>
/// (the record timestamp in <c>timestamp.format</c>, a SimpleDateFormat pattern, UTC) replaced.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.transforms.TimestampRouter")]
public sealed class TimestampRouter : ITransformation
{
    public const string TopicFormatConfig = "topic.format";
    public const string TimestampFormatConfig = "timestamp.format";
    private string _topicFormat = "${topic}-${timestamp}";
    private JavaSimpleDateFormat _timestampFormat = new("yyyyMMdd");

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .Define(TopicFormatConfig, ConfigType.String, "${topic}-${timestamp}", Importance.High,
            "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.")
        .Define(TimestampFormatConfig, ConfigType.String, "yyyyMMdd", Importance.High,
            "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.");

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _topicFormat = config.GetString(TopicFormatConfig)!;
        _timestampFormat = new JavaSimpleDateFormat(config.GetString(TimestampFormatConfig)!);
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var timestamp = record.Timestamp ?? throw new DataException("Timestamp missing on record: " + record);
        var formatted = _timestampFormat.Format(Data.Epoch.FromMillis(timestamp));
        var topic = _topicFormat.Replace("${topic}", record.Topic).Replace("${timestamp}", formatted);
        return record.NewRecord(topic, record.KafkaPartition, record.KeySchema, record.Key, record.ValueSchema, record.Value, record.Timestamp);
    }

    public void Dispose()
    {
    }
}
