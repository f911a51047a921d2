using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeConfigs (key 32). Version notes: v0 answers IsDefault; v1 replaces it with ConfigSource and adds
/// synonyms (IncludeSynonyms); v3 ConfigType and documentation; v4 flexible. Topic resources list every
/// supported topic config; the broker resource answers with no entries (broker configs are not exposed
/// through the Kafka API yet).
/// </summary>
public sealed class DescribeConfigs(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DescribeConfigsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 4;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeConfigsRequest)message;
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Results.Add(result);
            switch (resource.ResourceType)
            {
                case ConfigResources.Topic:
                    var entries = broker.DescribeTopicConfigs(resource.ResourceName);
                    if (entries is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        result.ErrorMessage = $"Topic '{resource.ResourceName}' does not exist.";
                        break;
                    }
                    foreach (var entry in entries)
                    {
                        if (resource.ConfigurationKeys is { Count: > 0 } keys && !keys.Contains(entry.Name))
                        {
                            continue;
                        }
                        var config = new DescribeConfigsResponse.DescribeConfigsResourceResult
                        {
                            Name = entry.Name,
                            Value = entry.Value,
                            IsDefault = entry.IsDefault,
                            ConfigSource = ConfigResources.Source(entry.Source),
                            ConfigType = ConfigResources.TypeOf(entry.Name),
                        };
                        if (request.IncludeSynonyms)
                        {
                            config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = entry.Name, Value = entry.Value, Source = config.ConfigSource });
                        }
                        result.Configs.Add(config);
                    }
                    break;
                case ConfigResources.Broker or ConfigResources.BrokerLogger:
                    break;
                default:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unknown resource type {resource.ResourceType}.";
                    break;
            }
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
