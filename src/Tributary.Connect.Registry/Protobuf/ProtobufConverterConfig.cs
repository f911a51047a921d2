using Tributary.Connect.Config;
using Tributary.Connect.Registry.Avro;

namespace Tributary.Connect.Registry.Protobuf;

/// <summary>ProtobufConverter's settings: AvroConverter's (registry URL, auto-registration, latest version, subject strategies) and the options of Confluent's ProtobufData it honours (names and defaults as Confluent's).</summary>
public sealed class ProtobufConverterConfig(IReadOnlyDictionary<string, string> originals) : AbstractConfig(ConfigDef(), originals)
{
    public const string WrapperForNullables = "wrapper.for.nullables";
    public const string OptionalForNullables = "optional.for.nullables";
    public const string IntForEnums = "int.for.enums";
    public const string GenerateIndexForUnions = "generate.index.for.unions";
    public const string EnhancedProtobufSchemaSupport = "enhanced.protobuf.schema.support";

    public static ConfigDef ConfigDef() => AvroConverterConfig.ConfigDef()
        .Define(WrapperForNullables, ConfigType.Boolean, false, Importance.Medium,
            "Whether nullable Connect primitives are written as google.protobuf wrapper messages (so that null survives).")
        .Define(OptionalForNullables, ConfigType.Boolean, false, Importance.Medium,
            "Whether nullable Connect fields are written as proto3 optional fields (so that null survives).")
        .Define(IntForEnums, ConfigType.Boolean, false, Importance.Medium,
            "Whether Protobuf enums are read as Connect INT32 (the constant's number) instead of STRING (its name).")
        .Define(GenerateIndexForUnions, ConfigType.Boolean, true, Importance.Medium,
            "Whether the Connect field of a oneof is named NAME_INDEX (the oneof's position in its message) rather than NAME.")
        .Define(EnhancedProtobufSchemaSupport, ConfigType.Boolean, false, Importance.Medium,
            "Whether messages, enums and oneofs are read with their package in their Connect names (package name preservation).");

    /// <summary>The ProtobufData options these settings give.</summary>
    internal ProtobufDataOptions DataOptions() => new()
    {
        WrapperForNullables = GetBoolean(WrapperForNullables),
        OptionalForNullables = GetBoolean(OptionalForNullables),
        IntForEnums = GetBoolean(IntForEnums),
        GenerateIndexForUnions = GetBoolean(GenerateIndexForUnions),
        EnhancedSchemaSupport = GetBoolean(EnhancedProtobufSchemaSupport),
    };
}
