using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>GetTable: DatabaseName, Name → Table (the current version).</summary>
public sealed class GetTable(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetTable";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        WriteNode(response, "Table", Catalog.GetTable(database, RequiredName(request.Body, "Name")));
        return ValueTask.CompletedTask;
    }
}
