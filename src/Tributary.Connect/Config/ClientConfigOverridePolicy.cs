using Tributary.Connect.Config;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Runtime.Config;

/// <summary>
/// The worker's connector.client.config.override.policy (Kafka's <c>ConnectorClientConfigOverridePolicy</c>, KIP-458):
/// which <c>producer.override.*</c>, <c>consumer.override.*</c> and <c>admin.override.*</c> keys a connector
/// configuration may set. <c>All</c> (Kafka 3.x's default) allows every key, <c>None</c> none, <c>Principal</c> only
/// the client's identity (sasl.jaas.config, sasl.mechanism, security.protocol). Immutable; thread-safe.
/// </summary>
public sealed class ClientConfigOverridePolicy
{
    public const string ProducerOverridePrefix = "producer.override.";
    public const string ConsumerOverridePrefix = "consumer.override.";
    public const string AdminOverridePrefix = "admin.override.";

    private static readonly string[] Prefixes = [ProducerOverridePrefix, ConsumerOverridePrefix, AdminOverridePrefix];
    private static readonly HashSet<string> PrincipalKeys = new(["sasl.jaas.config", "sasl.mechanism", "security.protocol"], StringComparer.Ordinal);
    private const string PolicyPackage = "org.apache.kafka.connect.connector.policy.";
    private const string PolicySuffix = "ConnectorClientConfigOverridePolicy";

    private ClientConfigOverridePolicy(string name) => Name = name;

    public static ClientConfigOverridePolicy All { get; } = new("All");

    public static ClientConfigOverridePolicy None { get; } = new("None");

    public static ClientConfigOverridePolicy Principal { get; } = new("Principal");

    /// <summary>The policy's alias as Kafka names it in its error messages.</summary>
    public string Name { get; }

    /// <summary>
    /// The policy a worker configuration names: its alias (<c>All</c>, <c>None</c>, <c>Principal</c>, any case) or
    /// Kafka's class name (simple or qualified); anything else is a worker configuration error.
    /// </summary>
    public static ClientConfigOverridePolicy Parse(string? value)
    {
        var text = (value ?? "").Trim();
        if (text.StartsWith(PolicyPackage, StringComparison.Ordinal))
        {
            text = text[PolicyPackage.Length..];
        }
        if (text.EndsWith(PolicySuffix, StringComparison.Ordinal))
        {
            text = text[..^PolicySuffix.Length];
        }
        foreach (var policy in (ClientConfigOverridePolicy[])[All, None, Principal])
        {
            if (string.Equals(text, policy.Name, StringComparison.OrdinalIgnoreCase))
            {
                return policy;
            }
        }
        throw new ConfigException(WorkerConfig.ClientConfigOverridePolicy, value, "Unknown policy; expected All, None or Principal");
    }

    /// <summary>
    /// One value per override key of the connector configuration (named with its prefix, as Kafka reports them), with
    /// Kafka's error message on each key the policy does not allow.
    /// </summary>
    public IEnumerable<ConfigValue> Validate(IReadOnlyDictionary<string, string> connectorConfig)
    {
        foreach (var (key, value) in connectorConfig.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var prefix in Prefixes)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
                {
                    var clientKey = key[prefix.Length..];
                    var result = new ConfigValue(key) { Value = value };
                    if (!Allows(clientKey))
                    {
                        result.AddErrorMessage($"The '{Name}' policy does not allow '{clientKey}' to be overridden in the connector configuration.");
                    }
                    yield return result;
                    break;
                }
            }
        }
    }

    private bool Allows(string clientKey) => ReferenceEquals(this, All) || (ReferenceEquals(this, Principal) && PrincipalKeys.Contains(clientKey));
}
