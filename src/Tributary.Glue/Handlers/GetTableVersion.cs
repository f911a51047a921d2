using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>GetTableVersion: DatabaseName, TableName, VersionId (default: the current one) → TableVersion {Table, VersionId}.</summary>
public sealed class GetTableVersion(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetTableVersion";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = Catalog.GetTable(database, RequiredName(request.Body, "TableName"), request.Body.GetString("VersionId"));
        response.WriteStartObject("TableVersion");
        WriteNode(response, "Table", table);
        response.WriteString("VersionId", (string)table["VersionId"]!);
        response.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
