using System.Globalization;
using System.Text;
using System.Text.Json;
using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena;

/// <summary>
/// Base of the Athena operation handlers (one per file in Handlers/): the executions, the options, and the shapes
/// several operations share (QueryExecution, WorkGroup, paging tokens). Handlers are stateless and thread-safe.
/// </summary>
public abstract class AthenaOperation(QueryExecutions executions, AthenaOptions options) : IAwsOperation
{
    protected QueryExecutions Executions { get; } = executions;

    protected AthenaOptions Options { get; } = options;

    public abstract string Name { get; }

    public abstract ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response);

    protected QueryExecution RequiredExecution(JsonElement body)
    {
        var id = body.GetString("QueryExecutionId");
        var validation = new AwsValidation();
        validation.Required(id, "queryExecutionId").Length(id, 1, 128, "queryExecutionId");
        validation.ThrowIfAny();
        return Executions.Find(id!) ?? throw AthenaErrors.QueryNotFound(id!);
    }

    protected static string WorkGroupName(JsonElement body, string member = "WorkGroup")
    {
        var name = body.GetString(member) ?? AthenaOptions.PrimaryWorkGroup;
        return name == AthenaOptions.PrimaryWorkGroup ? name : throw AthenaErrors.WorkGroupNotFound(name);
    }

    /// <summary>An opaque page token over an index (base64 of "i:N"); a token that is not one is InvalidRequestException.</summary>
    protected static int TokenIndex(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("i:", StringComparison.Ordinal) ? int.Parse(text[2..], CultureInfo.InvariantCulture) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw AthenaErrors.InvalidRequest("Invalid NextToken.");
        }
    }

    protected static string Token(int index) => Convert.ToBase64String(Encoding.UTF8.GetBytes("i:" + index.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Athena's QueryExecution shape (GetQueryExecution, BatchGetQueryExecution).</summary>
    protected static void WriteQueryExecution(AwsResponseWriter writer, QueryExecution execution)
    {
        var state = execution.Snapshot();
        writer.WriteString("QueryExecutionId", execution.Id);
        writer.WriteString("Query", execution.Query);
        writer.WriteString("StatementType", "DML");
        writer.WriteString("SubstatementType", "SELECT");
        writer.WriteStartObject("ResultConfiguration");
        writer.WriteString("OutputLocation", execution.OutputLocation);
        writer.WriteEndObject();
        writer.WriteStartObject("ResultReuseConfiguration");
        writer.WriteStartObject("ResultReuseByAgeConfiguration");
        writer.WriteBoolean("Enabled", false);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("QueryExecutionContext");
        if (execution.Database is { } database)
        {
            writer.WriteString("Database", database);
        }
        writer.WriteString("Catalog", "awsdatacatalog");
        writer.WriteEndObject();
        writer.WriteStartObject("Status");
        writer.WriteString("State", state.Value.ToString());
        writer.WriteTimestamp("SubmissionDateTime", execution.Submitted);
        if (state.Completed is { } completed)
        {
            writer.WriteTimestamp("CompletionDateTime", completed);
        }
        if (state.Failure is { } failure)
        {
            writer.WriteString("StateChangeReason", failure.Message);
            writer.WriteStartObject("AthenaError");
            writer.WriteNumber("ErrorCategory", failure.ErrorCategory);
            writer.WriteNumber("ErrorType", failure.ErrorType);
            writer.WriteBoolean("Retryable", failure.ErrorCategory == 1);
            writer.WriteString("ErrorMessage", failure.Message);
            writer.WriteEndObject();
        }
        else if (state.Value == QueryState.CANCELLED)
        {
            writer.WriteString("StateChangeReason", "Query was cancelled by the user.");
        }
        writer.WriteEndObject();
        writer.WriteStartObject("Statistics");
        var queued = (long)((state.Started ?? DateTimeOffset.UtcNow) - execution.Submitted).TotalMilliseconds;
        var engine = state.Started is { } started ? (long)((state.Completed ?? DateTimeOffset.UtcNow) - started).TotalMilliseconds : 0;
        writer.WriteNumber("EngineExecutionTimeInMillis", engine);
        writer.WriteNumber("DataScannedInBytes", state.Result?.DataScannedBytes ?? 0);
        writer.WriteNumber("TotalExecutionTimeInMillis", queued + engine);
        writer.WriteNumber("QueryQueueTimeInMillis", queued);
        writer.WriteNumber("ServicePreProcessingTimeInMillis", 0);
        writer.WriteNumber("QueryPlanningTimeInMillis", 0);
        writer.WriteNumber("ServiceProcessingTimeInMillis", 0);
        writer.WriteStartObject("ResultReuseInformation");
        writer.WriteBoolean("ReusedPreviousResult", false);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("WorkGroup", execution.WorkGroup);
        writer.WriteStartObject("EngineVersion");
        writer.WriteString("SelectedEngineVersion", "AUTO");
        writer.WriteString("EffectiveEngineVersion", "Athena engine version 3");
        writer.WriteEndObject();
    }

    /// <summary>Athena's WorkGroup shape for `primary`.</summary>
    protected void WriteWorkGroupConfiguration(AwsResponseWriter writer)
    {
        writer.WriteStartObject("Configuration");
        writer.WriteStartObject("ResultConfiguration");
        if (Options.PrimaryOutputLocation is { } location)
        {
            writer.WriteString("OutputLocation", location);
        }
        writer.WriteEndObject();
        writer.WriteBoolean("EnforceWorkGroupConfiguration", false);
        writer.WriteBoolean("PublishCloudWatchMetricsEnabled", false);
        writer.WriteBoolean("RequesterPaysEnabled", false);
        writer.WriteStartObject("EngineVersion");
        writer.WriteString("SelectedEngineVersion", "AUTO");
        writer.WriteString("EffectiveEngineVersion", "Athena engine version 3");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
