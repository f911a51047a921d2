using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Json;

/// <summary>
/// A named table definition — the self-hosted stand-in for a Glue table a delivery stream converts
/// against: a name and ordered columns with Hive type strings. Stored as
/// <c>{"name": "...", "columns": [{"name": "...", "type": "..."}]}</c> in <c>&lt;directory&gt;/&lt;name&gt;.json</c>.
/// </summary>
public sealed record TableDefinition(string Name, IReadOnlyList<(string Name, string Type)> Columns)
{
    public ParquetSchema ToSchema() => new(Columns.Select(c => HiveTypes.Parse(c.Name, c.Type)).ToList());

    public static TableDefinition FromSchema(string name, ParquetSchema schema) =>
        new(name, schema.Fields.Select(f => (f.Name, HiveTypes.Format(f))).ToList());

    /// <summary>
    /// A definition from a column list <c>"name type, name type"</c> with Hive types (commas inside <c>&lt;…&gt;</c> or
    /// <c>(…)</c> belong to nested types), as the CLI's <c>--columns</c> and a delivery stream's inline schema give it.
    /// </summary>
    public static TableDefinition ParseColumns(string name, string text)
    {
        var result = new List<(string, string)>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0)
                {
                    var space = part.IndexOf(' ');
                    if (space < 0)
                    {
                        throw new ParquetFormatException($"column '{part}' needs a type");
                    }
                    result.Add((part[..space], part[(space + 1)..].Trim()));
                }
                start = i + 1;
            }
            else if (text[i] is '<' or '(')
            {
                depth++;
            }
            else if (text[i] is '>' or ')')
            {
                depth--;
            }
        }
        var definition = new TableDefinition(name, result);
        definition.ToSchema();
        return definition;
    }

    public string ToJson()
    {
        var columns = new JsonArray();
        foreach (var (column, type) in Columns)
        {
            columns.Add(new JsonObject { ["name"] = column, ["type"] = type });
        }
        return new JsonObject { ["name"] = Name, ["columns"] = columns }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static TableDefinition FromJson(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new ParquetFormatException("A table definition must be a JSON object.");
        var name = root["name"]?.GetValue<string>() ?? throw new ParquetFormatException("A table definition needs a \"name\".");
        var columns = new List<(string, string)>();
        foreach (var column in root["columns"] as JsonArray ?? throw new ParquetFormatException($"Table '{name}' needs a \"columns\" array."))
        {
            var columnName = column?["name"]?.GetValue<string>() ?? throw new ParquetFormatException($"Table '{name}': a column lacks a \"name\".");
            var type = column["type"]?.GetValue<string>() ?? throw new ParquetFormatException($"Table '{name}': column '{columnName}' lacks a \"type\".");
            columns.Add((columnName, type));
        }
        var definition = new TableDefinition(name, columns);
        definition.ToSchema();
        return definition;
    }
}

/// <summary>Table definitions kept as files in one directory. Writes are atomic (temporary file, then rename).</summary>
public sealed class TableDefinitionStore(string directory)
{
    public void Save(TableDefinition table)
    {
        Validate(table.Name);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, table.Name + ".json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, table.ToJson());
        File.Move(temporary, path, overwrite: true);
    }

    public TableDefinition Load(string name)
    {
        Validate(name);
        var path = Path.Combine(directory, name + ".json");
        if (!File.Exists(path))
        {
            throw new ParquetFormatException($"No table definition '{name}' in {directory}.");
        }
        return TableDefinition.FromJson(File.ReadAllText(path));
    }

    public IEnumerable<string> Names() => Directory.Exists(directory)
        ? Directory.EnumerateFiles(directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order()
        : [];

    private static void Validate(string name)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) || name.StartsWith('.'))
        {
            throw new ParquetFormatException($"'{name}' is not a valid table name (letters, digits, '_', '-', '.').");
        }
    }
}
