using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// IncrementalAlterConfigs (key 44). Version notes: v0; v1 flexible. Each entry is an operation on the
/// topic's current overrides: SET (0), DELETE (1, back to the default), APPEND (2) and SUBTRACT (3) for
/// list configs (cleanup.policy).
/// </summary>
public sealed class IncrementalAlterConfigs(IBrokerApi broker) : IKafkaHandler
{
    private const sbyte Set = 0;
    private const sbyte Delete = 1;
    private const sbyte Append = 2;
    private const sbyte Subtract = 3;

    public short ApiKey => IncrementalAlterConfigsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 1;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (IncrementalAlterConfigsRequest)message;
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            if (resource.ResourceType != ConfigResources.Topic)
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = "Only topic configs can be altered.";
                continue;
            }
            var current = broker.GetTopic(resource.ResourceName);
            if (current is null)
            {
                result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                result.ErrorMessage = $"Topic '{resource.ResourceName}' does not exist.";
                continue;
            }
            var effective = broker.DescribeTopicConfigs(resource.ResourceName)!.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
            var overrides = new Dictionary<string, string>(current.Configs, StringComparer.Ordinal);
            string? problem = null;
            foreach (var config in resource.Configs)
            {
                switch (config.ConfigOperation)
                {
                    case Set when config.Value is not null:
                        overrides[config.Name] = config.Value;
                        break;
                    case Delete:
                        overrides.Remove(config.Name);
                        break;
                    case Append or Subtract when config.Name == "cleanup.policy" && config.Value is not null:
                        var items = (overrides.TryGetValue(config.Name, out var existing) ? existing : effective.GetValueOrDefault(config.Name, ""))
                            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                        foreach (var item in config.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            if (config.ConfigOperation == Append && !items.Contains(item))
                            {
                                items.Add(item);
                            }
                            else if (config.ConfigOperation == Subtract)
                            {
                                items.Remove(item);
                            }
                        }
                        overrides[config.Name] = string.Join(',', items);
                        break;
                    default:
                        problem = $"Operation {config.ConfigOperation} is not valid for '{config.Name}'.";
                        break;
                }
            }
            var (error, errorMessage) = ReservedTopics.Refusal(broker, resource.ResourceName)
                ?? (problem is null ? broker.SetTopicConfigs(resource.ResourceName, overrides, request.ValidateOnly) : (ErrorCode.InvalidConfig, problem));
            result.ErrorCode = (short)error;
            result.ErrorMessage = errorMessage;
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
