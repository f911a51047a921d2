using Tributary.Connect.Config;
using Tributary.Connect.Data;

namespace Tributary.Connect.Transforms.Util;

/// <summary>Which part of the record a <c>$Key</c> or <c>$Value</c> variant of a transformation operates on.</summary>
public static class RecordSide
{
    public static Schema? OperatingSchema(ConnectRecord record, bool isKey) => isKey ? record.KeySchema : record.ValueSchema;

    public static object? OperatingValue(ConnectRecord record, bool isKey) => isKey ? record.Key : record.Value;

    public static ConnectRecord NewRecord(ConnectRecord record, bool isKey, Schema? schema, object? value) => isKey
        ? record.NewRecord(record.Topic, record.KafkaPartition, schema, value, record.ValueSchema, record.Value, record.Timestamp)
        : record.NewRecord(record.Topic, record.KafkaPartition, record.KeySchema, record.Key, schema, value, record.Timestamp);

    /// <summary>A struct field's value, with or without its default (Kafka's <c>replace.null.with.default</c>).</summary>
    public static object? FieldValue(Struct value, Field field, bool replaceNullWithDefault) =>
        replaceNullWithDefault ? value.Get(field) : value.GetWithoutDefault(field.Name);
}

/// <summary>Configuration keys several transformations share.</summary>
public static class CommonConfig
{
    public const string ReplaceNullWithDefault = "replace.null.with.default";
    public const string FieldSyntaxVersion = "field.syntax.version";

    public static ConfigDef DefineReplaceNullWithDefault(this ConfigDef definition) =>
        definition.Define(ReplaceNullWithDefault, ConfigType.Boolean, true, Importance.Medium,
            "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.");

    public static ConfigDef DefineFieldSyntaxVersion(this ConfigDef definition) =>
        definition.Define(FieldSyntaxVersion, ConfigType.String, "V1", Importance.High,
            "Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"`foo.bar`.baz\".",
            Validators.InIgnoreCase("V1", "V2"));

    public static bool IsV2(this AbstractConfig config) => string.Equals(config.GetString(FieldSyntaxVersion), "V2", StringComparison.OrdinalIgnoreCase);

    /// <summary>A non-empty list (Kafka's NonEmptyListValidator).</summary>
    public static IValidator NonEmptyList { get; } = Validators.Lambda((_, value) => value is IReadOnlyCollection<string> { Count: > 0 } ? null : "Empty list", "non-empty list");
}
