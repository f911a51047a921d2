using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>SetSchemaMetadata</c>: sets the key or value schema's name and/or version (everything else kept); a
/// struct value is re-created under the new schema.
/// </summary>
public abstract class SetSchemaMetadata : ITransformation
{
    public const string SchemaNameConfig = "schema.name";
    public const string SchemaVersionConfig = "schema.version";
    private string? _schemaName;
    private int? _schemaVersion;
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .Define(SchemaNameConfig, ConfigType.String, null, Importance.High, "Schema name to set.")
        .Define(SchemaVersionConfig, ConfigType.Int, null, Importance.High, "Schema version to set.")
        .DefineReplaceNullWithDefault();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var config = new AbstractConfig(ConfigDef(), configs);
        _schemaName = config.GetString(SchemaNameConfig);
        _schemaVersion = (int?)config.Get(SchemaVersionConfig);
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
        if (_schemaName is null && _schemaVersion is null)
        {
            throw new ConfigException("Neither schema name nor version configured");
        }
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var schema = RecordSide.OperatingSchema(record, IsKey);
        Requirements.RequireSchema(schema, "updating schema metadata");
        var updated = SchemaUtil.WithMetadata(schema!, _schemaName ?? schema!.Name, _schemaVersion ?? schema!.Version);
        var value = RecordSide.OperatingValue(record, IsKey);
        if (value is Struct structValue)
        {
            var copy = new Struct(updated);
            foreach (var field in updated.Fields)
            {
                copy.Put(field, RecordSide.FieldValue(structValue, structValue.Schema.Field(field.Name)!, _replaceNullWithDefault));
            }
            value = copy;
        }
        return RecordSide.NewRecord(record, IsKey, updated, value);
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.SetSchemaMetadata$Key")]
    public sealed class Key : SetSchemaMetadata
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.SetSchemaMetadata$Value")]
    public sealed class Value : SetSchemaMetadata
    {
        protected override bool IsKey => false;
    }
}
