using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// UpdateTable: DatabaseName, TableInput, SkipArchive, VersionId. Replaces the table with the input as a new version
/// (the previous one stays readable through GetTableVersions) unless SkipArchive; a VersionId that is not the current
/// one is a ConcurrentModificationException.
/// </summary>
public sealed class UpdateTable(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "UpdateTable";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var input = RequiredInput(request.Body, "TableInput");
        TableInputs.Validate(input);
        var skipArchive = request.Body.GetBoolean("SkipArchive") ?? false;
        Catalog.UpdateTable(database, input, skipArchive, request.Body.GetString("VersionId"));
        return ValueTask.CompletedTask;
    }
}
