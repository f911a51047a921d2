using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>GetDatabase: Name → Database {Name, Description, LocationUri, Parameters, CreateTime, CatalogId}.</summary>
public sealed class GetDatabase(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetDatabase";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        WriteNode(response, "Database", Catalog.GetDatabase(RequiredName(request.Body, "Name")));
        return ValueTask.CompletedTask;
    }
}
