using Tributary.Aws;

namespace Tributary.Athena;

/// <summary>Athena's modelled errors: InvalidRequestException with the service's texts for the common cases.</summary>
public static class AthenaErrors
{
    public static AwsErrorException InvalidRequest(string message) => new("InvalidRequestException", message);

    public static AwsErrorException QueryNotFound(string id) => InvalidRequest($"QueryExecution {id} was not found");

    public static AwsErrorException WorkGroupNotFound(string name) => InvalidRequest($"WorkGroup {name} is not found.");
}
