using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// CreatePartition: DatabaseName, TableName, PartitionInput {Values (in partition-key order), StorageDescriptor,
/// Parameters}. AlreadyExistsException for existing values, InvalidInputException when the value count differs from the keys.
/// </summary>
public sealed class CreatePartition(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "CreatePartition";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        var input = RequiredInput(request.Body, "PartitionInput", needsName: false);
        var errors = Catalog.CreatePartitions(database, table, [input]);
        if (errors.Count > 0)
        {
            throw errors[0].Error;
        }
        return ValueTask.CompletedTask;
    }
}
