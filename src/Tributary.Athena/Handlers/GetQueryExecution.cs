using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>GetQueryExecution: QueryExecutionId → QueryExecution (state, reason, AthenaError, statistics, result location).</summary>
public sealed class GetQueryExecution(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    public override string Name => "GetQueryExecution";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var execution = RequiredExecution(request.Body);
        response.WriteStartObject("QueryExecution");
        WriteQueryExecution(response, execution);
        response.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
