using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Msk;
using Tributary.Msk.State;

namespace Tributary.Server;

/// <summary>
/// Wires the MSK API onto the broker: the registry in the broker's metadata directory, ARNs in the region and account
/// of aws.region and aws.account.id, and the advertised Kafka listener as the cluster's bootstrap string.
/// </summary>
public static class MskHost
{
    public static MskService Create(IBrokerApi broker, TributaryOptions options, int kafkaPort, ILoggerFactory loggerFactory)
    {
        var listener = options.KafkaListener;
        var host = string.IsNullOrEmpty(listener.AdvertisedHost) ? listener.Host : listener.AdvertisedHost;
        var bootstrap = $"{host}:{kafkaPort}";
        var mskOptions = new MskOptions { Region = options.Kinesis.Region, AccountId = options.Kinesis.AccountId };
        var registry = MskRegistry.Open(broker, () => bootstrap, mskOptions, loggerFactory.CreateLogger<MskRegistry>());
        return new MskService(registry, options.AwsServer.Credentials, loggerFactory.CreateLogger<MskService>());
    }
}
