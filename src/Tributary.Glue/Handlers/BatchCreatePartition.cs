using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue.Handlers;

/// <summary>
/// BatchCreatePartition: DatabaseName, TableName, PartitionInputList (1–100) → Errors [{PartitionValues, ErrorDetail
/// {ErrorCode, ErrorMessage}}] for the inputs refused; the others are created (one catalog save for the batch).
/// </summary>
public sealed class BatchCreatePartition(DataCatalog catalog) : GlueOperation(catalog)
{
    public override string Name => "BatchCreatePartition";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var database = RequiredName(request.Body, "DatabaseName");
        var table = RequiredName(request.Body, "TableName");
        var list = request.Body.GetElement("PartitionInputList", JsonValueKind.Array);
        var validation = new AwsValidation();
        validation.Required(list, "partitionInputList");
        validation.Count(list?.GetArrayLength(), 0, 100, "partitionInputList", "[...]");
        validation.ThrowIfAny();
        var inputs = new List<JsonObject>();
        foreach (var item in list!.Value.EnumerateArray())
        {
            inputs.Add(item.ValueKind == JsonValueKind.Object ? (JsonObject)JsonNode.Parse(item.GetRawText())! : throw AwsRequestReader.WrongType("PartitionInputList", "a list of structures", item));
        }
        var errors = Catalog.CreatePartitions(database, table, inputs);
        response.WriteStartArray("Errors");
        foreach (var (values, error) in errors)
        {
            response.WriteStartObject();
            WriteNode(response, "PartitionValues", values);
            response.WriteStartObject("ErrorDetail");
            response.WriteString("ErrorCode", error.ErrorType);
            response.WriteString("ErrorMessage", error.Message);
            response.WriteEndObject();
            response.WriteEndObject();
        }
        response.WriteEndArray();
        return ValueTask.CompletedTask;
    }
}
