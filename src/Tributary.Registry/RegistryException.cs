namespace Tributary.Registry;

/// <summary>
/// An error as the registry answers it: an HTTP status and a body <c>{"error_code": N, "message": "..."}</c>, where
/// N is the status or a five-digit code that begins with it (40401 subject not found, 42201 invalid schema, ...).
/// </summary>
public sealed class RegistryException(int errorCode, string message) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;

    public int HttpStatus => ErrorCode >= 10000 ? ErrorCode / 100 : ErrorCode;

    public static RegistryException SubjectNotFound(string subject) => new(40401, $"Subject '{subject}' not found.");

    public static RegistryException VersionNotFound(int version) => new(40402, $"Version {version} not found.");

    public static RegistryException SchemaNotFound(int id) => new(40403, $"Schema {id} not found");

    public static RegistryException SchemaNotFound() => new(40403, "Schema not found");

    public static RegistryException SubjectSoftDeleted(string subject) => new(40404, $"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently");

    public static RegistryException SubjectNotSoftDeleted(string subject) => new(40405, $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryException VersionSoftDeleted(string subject, int version) => new(40406, $"Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently");

    public static RegistryException VersionNotSoftDeleted(string subject, int version) => new(40407, $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryException SubjectCompatibilityNotConfigured(string subject) => new(40408, $"Subject '{subject}' does not have subject-level compatibility configured");

    public static RegistryException SubjectModeNotConfigured(string subject) => new(40409, $"Subject '{subject}' does not have subject-level mode configured");

    public static RegistryException Incompatible(string subject, IReadOnlyList<string> messages) =>
        new(409, $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", messages)}]");

    public static RegistryException InvalidSchema(string message) => new(42201, message);

    public static RegistryException InvalidVersion(string version) =>
        new(42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryException InvalidCompatibilityLevel(string? level) =>
        new(42203, $"Invalid compatibility level '{level}'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");

    public static RegistryException InvalidMode(string? mode) => new(42204, $"Invalid mode '{mode}'. Valid values are READWRITE, READONLY, IMPORT");

    public static RegistryException OperationNotPermitted(string message) => new(42205, message);

    public static RegistryException ReferenceExists(string message) => new(42206, message);

    public static RegistryException Store(string message) => new(50001, "Error in the backend data store - " + message);

    public static RegistryException ForwardingFailed(string message) => new(50003, "Error while forwarding the request to the leader: " + message);

    public static RegistryException UnknownLeader() => new(50004, "Unknown leader: no schema registry instance is leading (none eligible, or an election in progress)");
}
