using Tributary.Broker;

namespace Tributary.Msk.State;

/// <summary>
/// Runs the brokers of the clusters CreateCluster makes: each its own broker on its own data directory with its own
/// Kafka listener. The host implements it with the same composition serve uses for the embedded broker, so the MSK
/// layer knows no listener.
/// </summary>
public interface IClusterBrokers
{
    /// <summary>
    /// Opens a broker on <paramref name="dataDirectory"/> (created when missing) and starts its listener on
    /// <paramref name="port"/> (0: a free one). Throws <see cref="ClusterBrokerException"/> with a message for the
    /// cluster's stateInfo when either fails; nothing stays open then.
    /// </summary>
    Task<IClusterBroker> StartAsync(string dataDirectory, int port);
}

/// <summary>A running cluster broker; disposal closes its listener, then flushes and closes its logs.</summary>
public interface IClusterBroker : IAsyncDisposable
{
    IBrokerApi Broker { get; }

    /// <summary>The bound port.</summary>
    int Port { get; }

    /// <summary><c>host:port</c> as clients are told to connect (the advertised host).</summary>
    string BootstrapBrokers { get; }
}

public sealed class ClusterBrokerException(string message, Exception? inner = null) : Exception(message, inner);
