using Tributary.Athena.Handlers;
using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena;

/// <summary>The Athena service (X-Amz-Target prefix <c>AmazonAthena</c>, SigV4 name <c>athena</c>) and its operations.</summary>
public static class AthenaApi
{
    public const string TargetPrefix = "AmazonAthena";
    public const string SigningName = "athena";

    public static AwsService CreateService(QueryExecutions executions, AthenaOptions options) => new(TargetPrefix, SigningName,
    [
        new StartQueryExecution(executions, options),
        new GetQueryExecution(executions, options),
        new GetQueryResults(executions, options),
        new StopQueryExecution(executions, options),
        new ListQueryExecutions(executions, options),
        new BatchGetQueryExecution(executions, options),
        new GetWorkGroup(executions, options),
        new ListWorkGroups(executions, options),
    ]);
}
