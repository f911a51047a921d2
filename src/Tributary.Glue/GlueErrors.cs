using Tributary.Aws;

namespace Tributary.Glue;

/// <summary>Glue's modelled errors with the service's wording ("Database x not found.").</summary>
public static class GlueErrors
{
    public static AwsErrorException EntityNotFound(string message) => new("EntityNotFoundException", message);

    public static AwsErrorException AlreadyExists(string message) => new("AlreadyExistsException", message);

    public static AwsErrorException InvalidInput(string message) => new("InvalidInputException", message);

    public static AwsErrorException DatabaseNotFound(string database) => EntityNotFound($"Database {database} not found.");

    public static AwsErrorException TableNotFound(string database, string table) => EntityNotFound($"Table {table} not found.");
}
