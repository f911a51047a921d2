using System.Text.Json.Nodes;

namespace Tributary.Glue.Handlers;

/// <summary>Checks of a TableInput beyond its name that Glue makes: every column and partition key has a name.</summary>
internal static class TableInputs
{
    public static void Validate(JsonObject input)
    {
        var columns = (input["StorageDescriptor"] as JsonObject)?["Columns"] as JsonArray;
        foreach (var list in new[] { columns, input["PartitionKeys"] as JsonArray })
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var column in list ?? [])
            {
                var name = column is JsonObject obj && obj["Name"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
                if (string.IsNullOrEmpty(name))
                {
                    throw GlueErrors.InvalidInput("A column of the table input has no Name.");
                }
                if (!seen.Add(name))
                {
                    throw GlueErrors.InvalidInput($"Duplicate column name: {name}.");
                }
            }
        }
    }
}
