using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>DeleteDatabase: Name. Its tables and their partitions go with it, as in Glue.</summary>
public sealed class DeleteDatabase(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "DeleteDatabase";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Catalog.DeleteDatabase(RequiredName(request.Body, "Name"));
        return ValueTask.CompletedTask;
    }
}
