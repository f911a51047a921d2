using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>GetTableVersions: DatabaseName, TableName, NextToken, MaxResults (1–100) → TableVersions [{Table, VersionId}], newest first.</summary>
public sealed class GetTableVersions(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetTableVersions";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var versions = Catalog.GetTableVersions(database, RequiredName(request.Body, "TableName"));
        var (page, next) = Page(request.Body, versions, 100);
        response.WriteStartArray("TableVersions");
        foreach (var (versionId, table) in page)
        {
            response.WriteStartObject();
            WriteNode(response, "Table", table);
            response.WriteString("VersionId", versionId);
            response.WriteEndObject();
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
