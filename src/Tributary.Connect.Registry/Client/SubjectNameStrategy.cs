using Tributary.Connect.Errors;

namespace Tributary.Connect.Registry.Client;

/// <summary>
/// Confluent's subject name strategies (key.subject.name.strategy / value.subject.name.strategy), by their Java class
/// names: TopicNameStrategy (topic-key / topic-value, the default), RecordNameStrategy (the record's full name) and
/// TopicRecordNameStrategy (topic-fullname).
/// </summary>
public static class SubjectNameStrategy
{
    public const string TopicName = "io.confluent.kafka.serializers.subject.TopicNameStrategy";
    public const string RecordName = "io.confluent.kafka.serializers.subject.RecordNameStrategy";
    public const string TopicRecordName = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy";

    /// <summary>The subject function of a strategy name (the Java class name or its simple name).</summary>
    public static Func<string, bool, string?, string> Parse(string name) => (name.Split('.')[^1]) switch
    {
        "TopicNameStrategy" => (topic, isKey, _) => topic + (isKey ? "-key" : "-value"),
        "RecordNameStrategy" => (_, _, record) => record ?? throw new ConfigException("RecordNameStrategy needs a named record schema"),
        "TopicRecordNameStrategy" => (topic, _, record) => topic + "-" + (record ?? throw new ConfigException("TopicRecordNameStrategy needs a named record schema")),
        _ => throw new ConfigException($"Unknown subject name strategy {name}: use {TopicName}, {RecordName} or {TopicRecordName}"),
    };
}
