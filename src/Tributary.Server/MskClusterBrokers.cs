using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Kafka;
using Tributary.Msk.State;

namespace Tributary.Server;

/// <summary>
/// The brokers of the clusters the MSK API creates, composed as serve composes the embedded one
/// (<see cref="KafkaBrokerHost"/>): serve's broker options on the cluster's own data directory (its own cluster id,
/// made at first start), and serve's Kafka listener options (bind address, advertised host, frame limit) on the
/// cluster's own port.
/// </summary>
public sealed class MskClusterBrokers(BrokerOptions brokerOptions, KafkaListenerOptions listenerOptions, ILoggerFactory loggerFactory) : IClusterBrokers
{
    public async Task<IClusterBroker> StartAsync(string dataDirectory, int port)
    {
        var listener = listenerOptions with { Port = port };
        try
        {
            var host = await KafkaBrokerHost.StartAsync(brokerOptions with { DataDirectory = dataDirectory, ClusterId = null }, listener, loggerFactory).ConfigureAwait(false);
            var advertised = string.IsNullOrEmpty(listener.AdvertisedHost) ? listener.Host : listener.AdvertisedHost;
            return new Running(host, $"{advertised}:{host.Kafka.Port}");
        }
        catch (KafkaBrokerHostException e)
        {
            throw new ClusterBrokerException(e.Message, e);
        }
    }

    private sealed class Running(KafkaBrokerHost host, string bootstrapBrokers) : IClusterBroker
    {
        public IBrokerApi Broker => host.Broker;

        public int Port => host.Kafka.Port;

        public string BootstrapBrokers => bootstrapBrokers;

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
