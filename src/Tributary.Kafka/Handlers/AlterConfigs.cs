using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// AlterConfigs (key 33). Version notes: v0/v1 same layout; v2 flexible. Replaces all of a topic's config
/// overrides with the ones given (configs not listed return to their defaults), as Kafka's legacy API does.
/// </summary>
public sealed class AlterConfigs(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => AlterConfigsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 2;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (AlterConfigsRequest)message;
        var response = new AlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Responses.Add(result);
            if (resource.ResourceType != ConfigResources.Topic)
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = "Only topic configs can be altered.";
                continue;
            }
            if (resource.Configs.Any(c => c.Value is null))
            {
                result.ErrorCode = (short)ErrorCode.InvalidConfig;
                result.ErrorMessage = "A config value cannot be null.";
                continue;
            }
            var (error, errorMessage) = ReservedTopics.Refusal(broker, resource.ResourceName)
                ?? broker.SetTopicConfigs(resource.ResourceName, resource.Configs.ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal), request.ValidateOnly);
            result.ErrorCode = (short)error;
            result.ErrorMessage = errorMessage;
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
