using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>UpdateDatabase: Name, DatabaseInput (replaces description, location and parameters; the name stays).</summary>
public sealed class UpdateDatabase(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "UpdateDatabase";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var name = RequiredName(request.Body, "Name");
        Catalog.UpdateDatabase(name, RequiredInput(request.Body, "DatabaseInput"));
        return ValueTask.CompletedTask;
    }
}
