using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>DeletePartition: DatabaseName, TableName, PartitionValues; EntityNotFoundException when absent.</summary>
public sealed class DeletePartition(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "DeletePartition";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        var values = StringList(request.Body, "PartitionValues");
        var validation = new AwsValidation();
        validation.Required(values, "partitionValues");
        validation.ThrowIfAny();
        if (Catalog.DeletePartitions(database, table, [values!]).Count > 0)
        {
            throw GlueErrors.EntityNotFound("Cannot find partition.");
        }
        return ValueTask.CompletedTask;
    }
}
