using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Msk;
using Tributary.Msk.State;

namespace Tributary.Server;

/// <summary>
/// Wires the MSK API onto the broker: the registry in the broker's metadata directory, ARNs in the region and account
/// of aws.region and aws.account.id, the advertised Kafka listener as the embedded cluster's bootstrap string, and
/// created clusters run as brokers of their own (<see cref="MskClusterBrokers"/>), started here before serve serves.
/// </summary>
public static class MskHost
{
    public static async Task<MskService> OpenAsync(IBrokerApi broker, TributaryOptions options, int kafkaPort, ILoggerFactory loggerFactory)
    {
        var listener = options.KafkaListener;
        var host = string.IsNullOrEmpty(listener.AdvertisedHost) ? listener.Host : listener.AdvertisedHost;
        var bootstrap = $"{host}:{kafkaPort}";
        var mskOptions = new MskOptions { Region = options.Kinesis.Region, AccountId = options.Kinesis.AccountId };
        var clusterBrokers = new MskClusterBrokers(options.Broker, listener, loggerFactory);
        var registry = await MskRegistry.OpenAsync(broker, () => bootstrap, clusterBrokers, mskOptions, loggerFactory.CreateLogger<MskRegistry>()).ConfigureAwait(false);
        return new MskService(registry, options.AwsServer.Credentials, loggerFactory.CreateLogger<MskService>());
    }
}
