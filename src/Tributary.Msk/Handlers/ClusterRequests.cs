using System.Text.Json;
using System.Text.RegularExpressions;
using Tributary.Msk.Messages;
using Tributary.Msk.State;

namespace Tributary.Msk.Handlers;

/// <summary>
/// The checks CreateCluster and CreateClusterV2 share, as MSK makes them (BadRequestException naming the parameter):
/// clusterName of letters, digits and hyphens (1–64, starting with a letter or digit); kafkaVersion one of
/// ListKafkaVersions'; brokerNodeGroupInfo with an instance type and client subnets; numberOfBrokerNodes a positive
/// multiple of the subnets (MSK spreads brokers evenly over them). Every cluster is served by one broker whatever the
/// count. The listener serves unauthenticated plaintext only, so SASL or TLS client authentication and TLS in transit
/// are refused rather than accepted and ignored.
/// </summary>
internal static partial class ClusterRequests
{
    public static StoredCluster Create(MskRegistry registry, string? name, ProvisionedClusterRequest request, IReadOnlyDictionary<string, string>? tags)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw MskException.BadRequest("clusterName is required.", "clusterName");
        }
        if (!ClusterName().IsMatch(name))
        {
            throw MskException.BadRequest($"The cluster name {name} is not valid: use 1-64 letters, digits and hyphens, starting with a letter or digit.", "clusterName");
        }
        if (string.IsNullOrEmpty(request.KafkaVersion))
        {
            throw MskException.BadRequest("kafkaVersion is required.", "kafkaVersion");
        }
        if (request.KafkaVersion != registry.Options.KafkaVersion)
        {
            throw MskException.BadRequest($"Unsupported KafkaVersion {request.KafkaVersion}; ListKafkaVersions lists {registry.Options.KafkaVersion}.", "kafkaVersion");
        }
        if (request.BrokerNodeGroupInfo is not { InstanceType: { Length: > 0 } instanceType, ClientSubnets: { Count: > 0 } subnets })
        {
            throw MskException.BadRequest("brokerNodeGroupInfo with instanceType and clientSubnets is required.", "brokerNodeGroupInfo");
        }
        if (request.NumberOfBrokerNodes is not { } nodes || nodes < 1 || nodes % subnets.Count != 0)
        {
            throw MskException.BadRequest($"numberOfBrokerNodes must be a positive multiple of the {subnets.Count} client subnets.", "numberOfBrokerNodes");
        }
        RefuseSecurity(request);
        var configuration = request.ConfigurationInfo;
        if (configuration is not null && (string.IsNullOrEmpty(configuration.Arn) || configuration.Revision is null))
        {
            throw MskException.BadRequest("configurationInfo needs arn and revision.", "configurationInfo");
        }
        return registry.CreateCluster(name, request.KafkaVersion, instanceType, configuration?.Arn, configuration?.Revision,
            tags ?? new Dictionary<string, string>());
    }

    private static void RefuseSecurity(ProvisionedClusterRequest request)
    {
        if (request.ClientAuthentication is { ValueKind: JsonValueKind.Object } authentication)
        {
            foreach (var (member, what) in new[] { ("sasl", "SASL"), ("tls", "TLS") })
            {
                if (authentication.TryGetProperty(member, out var value) && Enabled(value))
                {
                    throw MskException.BadRequest($"{what} client authentication is not supported: a Tributary cluster's listener serves unauthenticated plaintext clients.", "clientAuthentication");
                }
            }
        }
        if (request.EncryptionInfo is { ValueKind: JsonValueKind.Object } encryption
            && encryption.TryGetProperty("encryptionInTransit", out var transit) && transit.ValueKind == JsonValueKind.Object
            && transit.TryGetProperty("clientBroker", out var clientBroker) && clientBroker.GetString() is { } mode && mode != "PLAINTEXT")
        {
            throw MskException.BadRequest($"encryptionInTransit clientBroker {mode} is not supported: a Tributary cluster's listener serves PLAINTEXT.", "encryptionInfo");
        }
    }

    /// <summary>A sasl or tls member asks for authentication unless every mechanism in it is disabled (<c>enabled: false</c>).</summary>
    private static bool Enabled(JsonElement value) => value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any(mechanism =>
        mechanism.Value.ValueKind != JsonValueKind.Object
        || !mechanism.Value.TryGetProperty("enabled", out var enabled)
        || enabled.ValueKind != JsonValueKind.False);

    [GeneratedRegex("^[0-9A-Za-z][0-9A-Za-z-]{0,63}$")]
    private static partial Regex ClusterName();
}
