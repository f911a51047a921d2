using System.Collections;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Plugins;
using Tributary.Connect.Transforms.Util;
using Tributary.Connect.Util;
using static Tributary.Connect.Transforms.Util.Requirements;

namespace Tributary.Connect.Transforms;

/// <summary>
/// Kafka's <c>ReplaceField</c>: drops fields (<c>exclude</c>, which wins), keeps only listed ones (<c>include</c>) and
/// renames (<c>renames</c>, <c>old:new</c> pairs) in a struct (schema cached) or map. The pre-2.6 names
/// <c>blacklist</c> and <c>whitelist</c> are accepted for <c>exclude</c> and <c>include</c>.
/// </summary>
public abstract class ReplaceField : ITransformation
{
    public const string ExcludeConfig = "exclude";
    public const string IncludeConfig = "include";
    public const string RenamesConfig = "renames";
    private const string Purpose = "field replacement";
    private readonly LruCache<Schema, Schema> _schemaUpdateCache = new(16);
    private HashSet<string> _exclude = [];
    private HashSet<string> _include = [];
    private Dictionary<string, string> _renames = [];
    private Dictionary<string, string> _reverseRenames = [];
    private bool _replaceNullWithDefault;

    protected abstract bool IsKey { get; }

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() => new ConfigDef()
        .Define(ExcludeConfig, ConfigType.List, "", Importance.Medium, "Fields to exclude. This takes precedence over the fields to include.")
        .Define(IncludeConfig, ConfigType.List, "", Importance.Medium, "Fields to include. If specified, only these fields will be used.")
        .Define(RenamesConfig, ConfigType.List, "", Importance.Medium, "Field rename mappings.",
            Validators.Lambda((name, value) =>
            {
                try
                {
                    ParseRenames((IReadOnlyList<string>)value!);
                    return null;
                }
                catch (ConfigException e)
                {
                    return e.Message;
                }
            }, "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>"))
        .DefineReplaceNullWithDefault();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var translated = new Dictionary<string, string>(configs, StringComparer.Ordinal);
        if (!translated.ContainsKey(ExcludeConfig) && translated.TryGetValue("blacklist", out var blacklist))
        {
            translated[ExcludeConfig] = blacklist;
        }
        if (!translated.ContainsKey(IncludeConfig) && translated.TryGetValue("whitelist", out var whitelist))
        {
            translated[IncludeConfig] = whitelist;
        }
        var config = new AbstractConfig(ConfigDef(), translated);
        _exclude = new HashSet<string>(config.GetList(ExcludeConfig), StringComparer.Ordinal);
        _include = new HashSet<string>(config.GetList(IncludeConfig), StringComparer.Ordinal);
        _renames = ParseRenames(config.GetList(RenamesConfig));
        _reverseRenames = _renames.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        _replaceNullWithDefault = config.GetBoolean(CommonConfig.ReplaceNullWithDefault);
    }

    private static Dictionary<string, string> ParseRenames(IReadOnlyList<string> mappings)
    {
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mapping in mappings)
        {
            var parts = mapping.Split(':');
            if (parts.Length != 2)
            {
                throw new ConfigException(RenamesConfig, "[" + string.Join(", ", mappings) + "]", "Invalid rename mapping: " + mapping);
            }
            renames[parts[0]] = parts[1];
        }
        return renames;
    }

    private bool Filter(string name) => !_exclude.Contains(name) && (_include.Count == 0 || _include.Contains(name));

    private string Renamed(string name) => _renames.GetValueOrDefault(name, name);

    private string ReverseRenamed(string name) => _reverseRenames.GetValueOrDefault(name, name);

    public ConnectRecord? Apply(ConnectRecord record)
    {
        var value = RecordSide.OperatingValue(record, IsKey);
        if (value is null)
        {
            return record;
        }
        var schema = RecordSide.OperatingSchema(record, IsKey);
        if (schema is null)
        {
            var map = RequireMap(value, Purpose);
            var updated = new Dictionary<object, object?>(map.Count);
            foreach (DictionaryEntry entry in map)
            {
                var name = (string)entry.Key;
                if (Filter(name))
                {
                    updated[Renamed(name)] = entry.Value;
                }
            }
            return RecordSide.NewRecord(record, IsKey, null, updated);
        }
        var structValue = RequireStruct(value, Purpose);
        if (!_schemaUpdateCache.TryGet(structValue.Schema, out var updatedSchema))
        {
            var builder = SchemaUtil.CopySchemaBasics(structValue.Schema, SchemaBuilder.Struct());
            foreach (var field in structValue.Schema.Fields)
            {
                if (Filter(field.Name))
                {
                    builder.Field(Renamed(field.Name), field.Schema);
                }
            }
            updatedSchema = builder.Build();
            _schemaUpdateCache.Put(structValue.Schema, updatedSchema);
        }
        var updatedValue = new Struct(updatedSchema);
        foreach (var field in updatedSchema.Fields)
        {
            updatedValue.Put(field, RecordSide.FieldValue(structValue, structValue.Schema.Field(ReverseRenamed(field.Name))!, _replaceNullWithDefault));
        }
        return RecordSide.NewRecord(record, IsKey, updatedSchema, updatedValue);
    }

    public void Dispose()
    {
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.ReplaceField$Key")]
    public sealed class Key : ReplaceField
    {
        protected override bool IsKey => true;
    }

    [ConnectPlugin("org.apache.kafka.connect.transforms.ReplaceField$Value")]
    public sealed class Value : ReplaceField
    {
        protected override bool IsKey => false;
    }
}
