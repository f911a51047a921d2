namespace Tributary.Client.Security;

/// <summary>A client property with a value the client cannot use (Kafka's ConfigException); the message never repeats a secret.</summary>
public sealed class ClientConfigException(string key, string message) : ArgumentException(message)
{
    /// <summary>The property at fault, e.g. <c>sasl.jaas.config</c>.</summary>
    public string Key { get; } = key;
}
