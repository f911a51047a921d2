using System.Text.Json;
using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// BatchDeletePartition: DatabaseName, TableName, PartitionsToDelete [{Values}] (1–25) → Errors for the partitions
/// that did not exist (EntityNotFoundException); the others are removed in one catalog save.
/// </summary>
public sealed class BatchDeletePartition(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "BatchDeletePartition";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        var list = request.Body.GetElement("PartitionsToDelete", JsonValueKind.Array);
        var validation = new AwsValidation();
        validation.Required(list, "partitionsToDelete");
        validation.Count(list?.GetArrayLength(), 0, 25, "partitionsToDelete", "[...]");
        validation.ThrowIfAny();
        var partitions = new List<IReadOnlyList<string>>();
        foreach (var item in list!.Value.EnumerateArray())
        {
            partitions.Add(item.ValueKind == JsonValueKind.Object ? StringList(item, "Values") ?? [] : throw AwsRequestReader.WrongType("PartitionsToDelete", "a list of structures", item));
        }
        var missing = Catalog.DeletePartitions(database, table, partitions);
        response.WriteStartArray("Errors");
        foreach (var values in missing)
        {
            response.WriteStartObject();
            response.WriteStartArray("PartitionValues");
            foreach (var value in values)
            {
                response.WriteStringValue(value);
            }
            response.WriteEndArray();
            response.WriteStartObject("ErrorDetail");
            response.WriteString("ErrorCode", "EntityNotFoundException");
            response.WriteString("ErrorMessage", "Cannot find partition.");
            response.WriteEndObject();
            response.WriteEndObject();
        }
        response.WriteEndArray();
        return ValueTask.CompletedTask;
    }
}
