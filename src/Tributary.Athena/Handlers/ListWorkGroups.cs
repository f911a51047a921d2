using Tributary.Athena.Queries;
using Tributary.Aws;

namespace Tributary.Athena.Handlers;

/// <summary>ListWorkGroups → WorkGroups [{Name, State, Description, CreationTime, EngineVersion}]: `primary`.</summary>
public sealed class ListWorkGroups(QueryExecutions executions, AthenaOptions options) : AthenaOperation(executions, options)
{
    public override string Name => "ListWorkGroups";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        response.WriteStartArray("WorkGroups");
        response.WriteStartObject();
        response.WriteString("Name", AthenaOptions.PrimaryWorkGroup);
        response.WriteString("State", "ENABLED");
        response.WriteString("Description", "");
        response.WriteTimestamp("CreationTime", DateTimeOffset.UnixEpoch);
        response.WriteStartObject("EngineVersion");
        response.WriteString("SelectedEngineVersion", "AUTO");
        response.WriteString("EffectiveEngineVersion", "Athena engine version 3");
        response.WriteEndObject();
        response.WriteEndObject();
        response.WriteEndArray();
        return ValueTask.CompletedTask;
    }
}
