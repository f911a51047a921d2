using Tributary.Connect.Config;
using Tributary.Connect.Storage;

namespace Tributary.Connect.Json;

/// <summary>How JsonConverter writes decimals: base64 of the unscaled bytes (Kafka's default) or a JSON number.</summary>
public enum DecimalFormat
{
    Base64,
    Numeric,
}

/// <summary>Kafka's <c>JsonConverterConfig</c>: keys, defaults and documentation.</summary>
public sealed class JsonConverterConfig : AbstractConfig
{
    public const string SchemasEnableConfig = "schemas.enable";
    public const string SchemasCacheSizeConfig = "schemas.cache.size";
    public const string DecimalFormatConfig = "decimal.format";
    public const string ReplaceNullWithDefaultConfig = "replace.null.with.default";

    public static ConfigDef ConfigDef()
    {
        var group = "Schemas";
        var order = 0;
        return ConverterConfig.NewConfigDef()
            .Define(SchemasEnableConfig, ConfigType.Boolean, true, Importance.High,
                "Include schemas within each of the serialized values and keys.", group: group, orderInGroup: order++, width: Width.Medium, displayName: "Enable Schemas")
            .Define(SchemasCacheSizeConfig, ConfigType.Int, 1000, Importance.High,
                "The maximum number of schemas that can be cached in this converter instance.", group: group, orderInGroup: order++, width: Width.Medium, displayName: "Schema Cache Size")
            .Define(DecimalFormatConfig, ConfigType.String, "BASE64", Importance.Low,
                "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
                Validators.InIgnoreCase("BASE64", "NUMERIC"), group: "Serialization", orderInGroup: 0, width: Width.Medium, displayName: "Decimal Format")
            .Define(ReplaceNullWithDefaultConfig, ConfigType.Boolean, true, Importance.Low,
                "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
                group: "Serialization", orderInGroup: 1, width: Width.Medium, displayName: "Replace null with default");
    }

    public JsonConverterConfig(IReadOnlyDictionary<string, string> originals)
        : base(ConfigDef(), originals)
    {
        SchemasEnabled = GetBoolean(SchemasEnableConfig);
        SchemaCacheSize = GetInt(SchemasCacheSizeConfig);
        DecimalFormat = string.Equals(GetString(DecimalFormatConfig), "NUMERIC", StringComparison.OrdinalIgnoreCase) ? DecimalFormat.Numeric : DecimalFormat.Base64;
        ReplaceNullWithDefault = GetBoolean(ReplaceNullWithDefaultConfig);
    }

    public bool SchemasEnabled { get; }

    public int SchemaCacheSize { get; }

    public DecimalFormat DecimalFormat { get; }

    public bool ReplaceNullWithDefault { get; }
}
