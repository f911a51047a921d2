using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>GetPartition: DatabaseName, TableName, PartitionValues → Partition; EntityNotFoundException when absent.</summary>
public sealed class GetPartition(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetPartition";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        var values = StringList(request.Body, "PartitionValues");
        var validation = new AwsValidation();
        validation.Required(values, "partitionValues");
        validation.ThrowIfAny();
        WriteNode(response, "Partition", Catalog.GetPartition(database, table, values!));
        return ValueTask.CompletedTask;
    }
}
