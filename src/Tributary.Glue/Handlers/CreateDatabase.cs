using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>CreateDatabase: DatabaseInput {Name, Description, LocationUri, Parameters}; AlreadyExistsException for a taken name.</summary>
public sealed class CreateDatabase(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "CreateDatabase";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Catalog.CreateDatabase(RequiredInput(request.Body, "DatabaseInput"));
        return ValueTask.CompletedTask;
    }
}
