using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Expressions;

namespace Tributary.Glue.Handlers;

/// <summary>
/// GetPartitions: DatabaseName, TableName, Expression (<see cref="PartitionExpression"/>), NextToken, MaxResults
/// (1–1000), ExcludeColumnSchema → Partitions (in value order), NextToken. A malformed expression or one naming a
/// column that is not a partition key is an InvalidInputException.
/// </summary>
public sealed class GetPartitions(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "GetPartitions";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        var excludeColumns = request.Body.GetBoolean("ExcludeColumnSchema") ?? false;
        PartitionExpression? expression = null;
        List<System.Text.Json.Nodes.JsonObject> partitions;
        try
        {
            if (request.Body.GetString("Expression") is { Length: > 0 } text)
            {
                expression = PartitionExpression.Parse(text);
            }
            partitions = Catalog.GetPartitions(database, table, expression);
        }
        catch (FormatException e)
        {
            throw GlueErrors.InvalidInput(e.Message);
        }
        var (page, next) = Page(request.Body, partitions, 1000);
        response.WriteStartArray("Partitions");
        foreach (var partition in page)
        {
            if (excludeColumns && partition["StorageDescriptor"] is System.Text.Json.Nodes.JsonObject descriptor)
            {
                descriptor.Remove("Columns");
            }
            WriteNode(response, null, partition);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
