using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>ListQueryExecutions: WorkGroup (default primary), NextToken, MaxResults (0–50, default 50) → QueryExecutionIds, newest first.</summary>
public sealed class ListQueryExecutions(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    public override string Name => "ListQueryExecutions";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var maxResults = request.Body.GetInt32("MaxResults");
        var validation = new AwsValidation();
        validation.Range(maxResults, 0, 50, "maxResults");
        validation.ThrowIfAny();
        var ids = Executions.List(WorkGroupName(request.Body));
        var start = TokenIndex(request.Body.GetString("NextToken"));
        var end = Math.Min(ids.Count, start + (maxResults is null or 0 ? 50 : maxResults.Value));
        response.WriteStartArray("QueryExecutionIds");
        for (var i = start; i < end; i++)
        {
            response.WriteStringValue(ids[i]);
        }
        response.WriteEndArray();
        if (end < ids.Count)
        {
            response.WriteString("NextToken", Token(end));
        }
        return ValueTask.CompletedTask;
    }
}
