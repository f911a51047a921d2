using Tributary.Connect.Config;

namespace Tributary.Connect.Registry.Avro;

/// <summary>The settings of Confluent's AvroConverter this converter reads (names and defaults as Confluent's serde configs).</summary>
public sealed class AvroConverterConfig(IReadOnlyDictionary<string, string> originals) : AbstractConfig(ConfigDef(), originals)
{
    public const string SchemaRegistryUrl = "schema.registry.url";
    public const string AutoRegisterSchemas = "auto.register.schemas";
    public const string UseLatestVersion = "use.latest.version";
    public const string KeySubjectNameStrategy = "key.subject.name.strategy";
    public const string ValueSubjectNameStrategy = "value.subject.name.strategy";
    public const string SchemasCacheSize = "schemas.cache.config";

    public static ConfigDef ConfigDef() => new ConfigDef()
        .DefineRequired(SchemaRegistryUrl, ConfigType.List, Importance.High,
            "Comma-separated list of URLs for Schema Registry instances that can be used to register or look up schemas.")
        .Define(AutoRegisterSchemas, ConfigType.Boolean, true, Importance.Medium,
            "Specify if the Serializer should attempt to register the Schema with Schema Registry")
        .Define(UseLatestVersion, ConfigType.Boolean, false, Importance.Low,
            "Specify if the Serializer should use the latest subject version for serialization")
        .Define(KeySubjectNameStrategy, ConfigType.String, Client.SubjectNameStrategy.TopicName, Importance.Medium,
            "Determines how to construct the subject name under which the key schema is registered with the schema registry.")
        .Define(ValueSubjectNameStrategy, ConfigType.String, Client.SubjectNameStrategy.TopicName, Importance.Medium,
            "Determines how to construct the subject name under which the value schema is registered with the schema registry.")
        .Define(SchemasCacheSize, ConfigType.Int, 1000, Importance.Low,
            "Size of the converted schemas cache");
}
