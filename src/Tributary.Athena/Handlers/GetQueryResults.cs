using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>
/// GetQueryResults: QueryExecutionId, NextToken, MaxResults (1–1000, default 1000) → UpdateCount, ResultSet {Rows
/// [{Data [{VarCharValue}]}], ResultSetMetadata {ColumnInfo}}, NextToken. The first row of the first page is the header
/// (the column labels) and counts toward MaxResults; NULL is a Datum without VarCharValue. A query that has not
/// succeeded answers InvalidRequestException with Athena's texts.
/// </summary>
public sealed class GetQueryResults(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    public override string Name => "GetQueryResults";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var execution = RequiredExecution(request.Body);
        var maxResults = request.Body.GetInt32("MaxResults");
        if (maxResults > 1000)
        {
            throw AthenaErrors.InvalidRequest("MaxResults is more than maximum allowed length 1000");
        }
        var validation = new AwsValidation();
        validation.Range(maxResults, 1, 1000, "maxResults");
        validation.ThrowIfAny();
        var state = execution.Snapshot();
        var result = state.Value switch
        {
            QueryState.SUCCEEDED => state.Result!,
            QueryState.FAILED => throw AthenaErrors.InvalidRequest("Query did not finish successfully. Final query state: FAILED"),
            QueryState.CANCELLED => throw AthenaErrors.InvalidRequest("Could not find results"),
            _ => throw AthenaErrors.InvalidRequest($"Query has not yet finished. Current state: {state.Value}"),
        };
        // Row 0 is the header; rows 1..n the data.
        var total = result.Rows.Count + 1;
        var start = TokenIndex(request.Body.GetString("NextToken"));
        var end = Math.Min(total, start + (maxResults ?? 1000));
        response.WriteNumber("UpdateCount", 0);
        response.WriteStartObject("ResultSet");
        response.WriteStartArray("Rows");
        for (var index = start; index < end; index++)
        {
            response.WriteStartObject();
            response.WriteStartArray("Data");
            if (index == 0)
            {
                foreach (var column in result.Columns)
                {
                    response.WriteStartObject();
                    response.WriteString("VarCharValue", column.Name);
                    response.WriteEndObject();
                }
            }
            else
            {
                foreach (var value in result.Rows[index - 1])
                {
                    response.WriteStartObject();
                    if (value is not null)
                    {
                        response.WriteString("VarCharValue", value);
                    }
                    response.WriteEndObject();
                }
            }
            response.WriteEndArray();
            response.WriteEndObject();
        }
        response.WriteEndArray();
        response.WriteStartObject("ResultSetMetadata");
        response.WriteStartArray("ColumnInfo");
        foreach (var column in result.Columns)
        {
            response.WriteStartObject();
            response.WriteString("CatalogName", "hive");
            response.WriteString("SchemaName", "");
            response.WriteString("TableName", "");
            response.WriteString("Name", column.Name);
            response.WriteString("Label", column.Name);
            response.WriteString("Type", column.Type);
            response.WriteNumber("Precision", column.Precision);
            response.WriteNumber("Scale", column.Scale);
            response.WriteString("Nullable", "UNKNOWN");
            response.WriteBoolean("CaseSensitive", column.Type == "varchar");
            response.WriteEndObject();
        }
        response.WriteEndArray();
        response.WriteEndObject();
        response.WriteEndObject();
        if (end < total)
        {
            response.WriteString("NextToken", Token(end));
        }
        return ValueTask.CompletedTask;
    }
}
