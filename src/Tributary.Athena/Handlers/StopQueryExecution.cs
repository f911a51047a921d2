using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>StopQueryExecution: QueryExecutionId. A queued or running query becomes CANCELLED (DuckDB is interrupted); a finished one is left as it is.</summary>
public sealed class StopQueryExecution(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    public override string Name => "StopQueryExecution";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        RequiredExecution(request.Body).Cancel();
        return ValueTask.CompletedTask;
    }
}
