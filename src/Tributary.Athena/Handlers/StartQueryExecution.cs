using System.Text.Json;
using Tributary.Athena.Engine;
using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>
/// StartQueryExecution: QueryString (1–262144), ClientRequestToken (32–128; the same token and query answer the same
/// id), QueryExecutionContext {Database, Catalog}, ResultConfiguration {OutputLocation}, WorkGroup (default primary)
/// → QueryExecutionId. The query runs in the background; the answer waits for it up to <see cref="ShortQueryWait"/>,
/// so that a short query is SUCCEEDED at the client's first GetQueryExecution instead of a poll interval later (clients
/// poll every 0.2–1 s: boto3 users, PyAthena, the CLI's waiters); a longer one is RUNNING then, as with Athena. Without
/// an output location in the request or the work group the request is refused, as Athena does.
/// </summary>
public sealed class StartQueryExecution(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    /// <summary>How long the answer waits for the query to finish: short against a client's poll interval, long against a small query.</summary>
    public static readonly TimeSpan ShortQueryWait = TimeSpan.FromMilliseconds(100);

    public override string Name => "StartQueryExecution";

    public override async ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var query = body.GetString("QueryString");
        var token = body.GetString("ClientRequestToken");
        var context = body.GetElement("QueryExecutionContext", JsonValueKind.Object);
        var database = context?.GetString("Database");
        var catalog = context?.GetString("Catalog");
        var output = body.GetElement("ResultConfiguration", JsonValueKind.Object)?.GetString("OutputLocation");
        var validation = new AwsValidation();
        validation.Required(query, "queryString").Length(query, 1, 262144, "queryString");
        validation.Length(token, 32, 128, "clientRequestToken");
        validation.Length(database, 1, 255, "queryExecutionContext.database");
        validation.ThrowIfAny();
        var workGroup = WorkGroupName(body);
        if (catalog is not null && !catalog.Equals("awsdatacatalog", StringComparison.OrdinalIgnoreCase))
        {
            throw AthenaErrors.InvalidRequest($"Catalog {catalog} is not found: only AwsDataCatalog is served.");
        }
        output ??= Options.PrimaryOutputLocation;
        if (output is null)
        {
            throw AthenaErrors.InvalidRequest("No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.");
        }
        if (!S3Location.TryParse(output, out var location))
        {
            throw AthenaErrors.InvalidRequest($"The output location {output} is not a valid S3 location (s3://bucket/prefix/).");
        }
        QueryExecution execution;
        try
        {
            execution = Executions.Start(query!, database, workGroup, $"s3://{location.Bucket}/{location.Prefix}", token);
        }
        catch (ArgumentException e)
        {
            throw AthenaErrors.InvalidRequest(e.Message);
        }
        await Task.WhenAny(execution.Finished, Task.Delay(ShortQueryWait)).ConfigureAwait(false);
        response.WriteString("QueryExecutionId", execution.Id);
    }
}
