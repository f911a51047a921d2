namespace Tributary.Connect.Errors;

/// <summary>
/// A configuration that cannot be used (Kafka's <c>ConfigException</c>). With a name and a value its message reads
/// as Kafka's does: <c>Invalid value V for configuration NAME: MESSAGE</c>.
/// </summary>
public sealed class ConfigException : ConnectException
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string name, object? value, string? message = null)
        : base($"Invalid value {ValueText(value)} for configuration {name}{(message is null ? "" : ": " + message)}")
    {
        Name = name;
        Value = value;
    }

    /// <summary>The configuration key, when known.</summary>
    public string? Name { get; }

    public object? Value { get; }

    private static string ValueText(object? value) => value switch
    {
        null => "null",
        // Java prints a List as [a, b].
        IEnumerable<string> list when value is not string => "[" + string.Join(", ", list) + "]",
        _ => value.ToString() ?? "null",
    };
}
