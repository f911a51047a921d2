using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>GetWorkGroup: WorkGroup → WorkGroup {Name, State, Configuration, Description, CreationTime}; only `primary` exists.</summary>
public sealed class GetWorkGroup(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    private static readonly DateTimeOffset Created = DateTimeOffset.UnixEpoch;

    public override string Name => "GetWorkGroup";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var validation = new AwsValidation();
        validation.Required(request.Body.GetString("WorkGroup"), "workGroup");
        validation.ThrowIfAny();
        var name = WorkGroupName(request.Body);
        response.WriteStartObject("WorkGroup");
        response.WriteString("Name", name);
        response.WriteString("State", "ENABLED");
        WriteWorkGroupConfiguration(response);
        response.WriteString("Description", "");
        response.WriteTimestamp("CreationTime", Created);
        response.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
