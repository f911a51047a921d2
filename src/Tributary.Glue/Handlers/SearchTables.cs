using System.Text.Json;
using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// SearchTables by name: SearchText (a case-insensitive substring of the table name; absent matches every table),
/// Filters [{Key "DatabaseName", Value, Comparator EQUALS}], NextToken, MaxResults (1–1000) → TableList, NextToken.
/// Other filter keys are refused (InvalidInputException) rather than ignored.
/// </summary>
public sealed class SearchTables(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "SearchTables";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var text = request.Body.GetString("SearchText");
        string? database = null;
        if (request.Body.GetElement("Filters", JsonValueKind.Array) is { } filters)
        {
            foreach (var filter in filters.EnumerateArray())
            {
                var key = filter.GetString("Key");
                var comparator = filter.GetString("Comparator") ?? "EQUALS";
                if (key != "DatabaseName" || comparator != "EQUALS")
                {
                    throw GlueErrors.InvalidInput($"Unsupported search filter {key} {comparator}: only DatabaseName EQUALS is supported.");
                }
                database = filter.GetString("Value")?.ToLowerInvariant();
            }
        }
        var tables = Catalog.AllTables()
            .Where(t => database is null || (string)t["DatabaseName"]! == database)
            .Where(t => string.IsNullOrEmpty(text) || ((string)t["Name"]!).Contains(text, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var (page, next) = Page(request.Body, tables, 1000);
        response.WriteStartArray("TableList");
        foreach (var table in page)
        {
            WriteNode(response, null, table);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
