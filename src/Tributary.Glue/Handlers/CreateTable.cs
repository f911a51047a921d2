using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// CreateTable: DatabaseName, TableInput {Name, StorageDescriptor, PartitionKeys, TableType, Parameters, …}. The table
/// starts at VersionId "0"; EntityNotFoundException for an unknown database, AlreadyExistsException for a taken name.
/// </summary>
public sealed class CreateTable(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "CreateTable";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var input = RequiredInput(request.Body, "TableInput");
        TableInputs.Validate(input);
        Catalog.CreateTable(database, input);
        return ValueTask.CompletedTask;
    }
}
