using Tributary.Formats.Json;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Json;

/// <summary>ORC schemas from the table definitions (Hive type strings) the JSON conversions share.</summary>
public static class OrcSchemas
{
    /// <summary>The table's columns as the fields of the file's root struct.</summary>
    public static TypeDescription FromTable(TableDefinition table)
    {
        var fields = new List<(string, TypeDescription)>(table.Columns.Count);
        foreach (var (name, type) in table.Columns)
        {
            try
            {
                fields.Add((name, TypeDescription.Parse(type)));
            }
            catch (OrcFormatException e)
            {
                throw new OrcFormatException($"column '{name}': {e.Message}");
            }
        }
        return TypeDescription.Struct(fields).AssignIds();
    }
}
