using System.Text.Json;
using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>BatchGetQueryExecution: QueryExecutionIds (1–50) → QueryExecutions, UnprocessedQueryExecutionIds for unknown ids.</summary>
public sealed class BatchGetQueryExecution(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    public override string Name => "BatchGetQueryExecution";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var list = request.Body.GetElement("QueryExecutionIds", JsonValueKind.Array);
        var validation = new AwsValidation();
        validation.Required(list, "queryExecutionIds");
        validation.Count(list?.GetArrayLength(), 1, 50, "queryExecutionIds", "[...]");
        validation.ThrowIfAny();
        var found = new List<QueryExecution>();
        var missing = new List<string>();
        foreach (var item in list!.Value.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsRequestReader.WrongType("QueryExecutionIds", "a list of strings", item);
            if (Executions.Find(id) is { } execution)
            {
                found.Add(execution);
            }
            else
            {
                missing.Add(id);
            }
        }
        response.WriteStartArray("QueryExecutions");
        foreach (var execution in found)
        {
            response.WriteStartObject();
            WriteQueryExecution(response, execution);
            response.WriteEndObject();
        }
        response.WriteEndArray();
        response.WriteStartArray("UnprocessedQueryExecutionIds");
        foreach (var id in missing)
        {
            response.WriteStartObject();
            response.WriteString("QueryExecutionId", id);
            response.WriteString("ErrorCode", "INVALID_INPUT");
            response.WriteString("ErrorMessage", $"QueryExecution {id} was not found");
            response.WriteEndObject();
        }
        response.WriteEndArray();
        return ValueTask.CompletedTask;
    }
}
