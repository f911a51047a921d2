using Tributary.Connect.Config;
using Tributary.Connect.Datagen.Avro;

namespace Tributary.Connect.Datagen;

/// <summary>A connector's schema: the generation tree from its quickstart, file or string, and the key field's name (or none).</summary>
internal sealed record DatagenSchema(GenerationSchema Value, string? KeyField)
{
    /// <summary>Reads the configured schema; throws <see cref="SchemaDefinitionException"/> with what is wrong.</summary>
    public static DatagenSchema Load(AbstractConfig config)
    {
        var quickstart = config.GetString(DatagenConnector.QuickstartConfig) ?? "";
        var file = config.GetString(DatagenConnector.SchemaFilenameConfig) ?? "";
        var text = config.GetString(DatagenConnector.SchemaStringConfig) ?? "";
        var given = new[] { quickstart, file, text }.Count(s => s.Length > 0);
        if (given != 1)
        {
            throw new SchemaDefinitionException(
                $"Exactly one of {DatagenConnector.QuickstartConfig}, {DatagenConnector.SchemaFilenameConfig} or {DatagenConnector.SchemaStringConfig} must be set ({given} are)");
        }
        string json;
        string? keyField = config.GetString(DatagenConnector.SchemaKeyFieldConfig) is { Length: > 0 } key ? key : null;
        if (quickstart.Length > 0)
        {
            var entry = Quickstarts.All.TryGetValue(quickstart.ToLowerInvariant(), out var q) ? q
                : throw new SchemaDefinitionException($"Invalid quickstart '{quickstart}'");
            json = entry.Schema;
            keyField ??= entry.KeyField;
        }
        else if (file.Length > 0)
        {
            try
            {
                json = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SchemaDefinitionException($"Unable to read the schema file {file}: {e.Message}");
            }
        }
        else
        {
            json = text;
        }
        var schema = GenerationSchema.Parse(json);
        if (schema.ConnectSchema.Type != Data.SchemaType.Struct)
        {
            throw new SchemaDefinitionException($"The schema must be a record, not {schema.ConnectSchema.Type.ToString().ToLowerInvariant()}");
        }
        if (keyField is not null && schema.Field(keyField) is null)
        {
            throw new SchemaDefinitionException($"{DatagenConnector.SchemaKeyFieldConfig} '{keyField}' is not a field of the schema's top-level record");
        }
        return new DatagenSchema(schema, keyField);
    }
}
