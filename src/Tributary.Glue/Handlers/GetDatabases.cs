using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>GetDatabases: NextToken, MaxResults (1–100) → DatabaseList in name order, NextToken.</summary>
public sealed class GetDatabases(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetDatabases";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var (page, next) = Page(request.Body, Catalog.ListDatabases(), 100);
        response.WriteStartArray("DatabaseList");
        foreach (var database in page)
        {
            WriteNode(response, null, database);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
