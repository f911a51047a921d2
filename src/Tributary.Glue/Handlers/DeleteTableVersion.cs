using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>DeleteTableVersion: DatabaseName, TableName, VersionId. The current version cannot be deleted (InvalidInputException).</summary>
public sealed class DeleteTableVersion(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "DeleteTableVersion";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        Catalog.DeleteTableVersion(database, table, RequiredName(request.Body, "VersionId"));
        return ValueTask.CompletedTask;
    }
}
