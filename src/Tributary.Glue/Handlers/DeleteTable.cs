using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>DeleteTable: DatabaseName, Name. Its versions and partitions go with it.</summary>
public sealed class DeleteTable(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "DeleteTable";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        Catalog.DeleteTable(database, RequiredName(request.Body, "Name"));
        return ValueTask.CompletedTask;
    }
}
