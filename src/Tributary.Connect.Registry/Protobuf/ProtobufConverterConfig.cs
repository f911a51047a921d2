using Tributary.Connect.Config;
using Tributary.Connect.Registry.Avro;

namespace Tributary.Connect.Registry.Protobuf;

/// <summary>ProtobufConverter's settings: AvroConverter's (registry URL, auto-registration, latest version, subject strategies) and the two nullable mappings of Confluent's ProtobufData.</summary>
public sealed class ProtobufConverterConfig(IReadOnlyDictionary<string, string> originals) : AbstractConfig(ConfigDef(), originals)
{
    public const string WrapperForNullables = "wrapper.for.nullables";
    public const string OptionalForNullables = "optional.for.nullables";

    public static ConfigDef ConfigDef() => AvroConverterConfig.ConfigDef()
        .Define(WrapperForNullables, ConfigType.Boolean, false, Importance.Medium,
            "Whether nullable Connect primitives are written as google.protobuf wrapper messages (so that null survives).")
        .Define(OptionalForNullables, ConfigType.Boolean, false, Importance.Medium,
            "Whether nullable Connect fields are written as proto3 optional fields (so that null survives).");
}
