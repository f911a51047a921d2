using Microsoft.Extensions.Logging;
using Tributary.Broker;
using Tributary.Kafka;

namespace Tributary.Server;

/// <summary>
/// One broker with its Kafka listener: the broker opened on its data directory, then the listener started on it. serve
/// runs the embedded cluster this way, and the MSK API each cluster it creates (<see cref="MskClusterBrokers"/>), so
/// every cluster is composed the same. Disposal closes the listener first (no more requests), then the broker (logs
/// flushed and checkpointed).
/// </summary>
public sealed class KafkaBrokerHost : IAsyncDisposable
{
    /// <summary>The SCRAM credential file under the data directory's cluster state (docs/formats/scram-credentials.md).</summary>
    public const string ScramCredentialsFileName = "scram-credentials.json";

    /// <summary>The ACL file under the data directory's cluster state (docs/formats/acls.md).</summary>
    public const string AclsFileName = "acls.json";

    private KafkaBrokerHost(Tributary.Broker.Broker broker, KafkaServer kafka)
    {
        Broker = broker;
        Kafka = kafka;
    }

    public Tributary.Broker.Broker Broker { get; }

    public KafkaServer Kafka { get; }

    /// <summary>
    /// Opens the broker and starts the listener; <see cref="KafkaBrokerHostException"/> names the step that failed (the
    /// data directory, or the address), and nothing stays open after a failure.
    /// </summary>
    public static async Task<KafkaBrokerHost> StartAsync(BrokerOptions brokerOptions, KafkaListenerOptions listenerOptions, ILoggerFactory loggerFactory)
    {
        Tributary.Broker.Broker broker;
        try
        {
            broker = await Tributary.Broker.Broker.OpenAsync(brokerOptions).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new KafkaBrokerHostException($"cannot open data directory {brokerOptions.DataDirectory}: {e.Message}", e);
        }
        try
        {
            // SCRAM credentials live beside the broker's other cluster state; the data directory is locked by now.
            var credentials = Tributary.Kafka.Security.Sasl.ScramCredentialStore.Open(
                Path.Combine(brokerOptions.DataDirectory, Tributary.Broker.Broker.ClusterDirectoryName, ScramCredentialsFileName));
            var security = listenerOptions.Security with { Credentials = credentials };
            if (security.AuthorizerSettings is { } settings)
            {
                // The ACLs too (docs/formats/acls.md).
                var acls = Tributary.Kafka.Security.Authorization.AclStore.Open(Path.Combine(brokerOptions.DataDirectory, Tributary.Broker.Broker.ClusterDirectoryName, AclsFileName));
                security = security with { Authorizer = new Tributary.Kafka.Security.Authorization.AclAuthorizer(acls, settings.SuperUsers, settings.AllowEveryoneIfNoAclFound) };
            }
            listenerOptions = listenerOptions with { Security = security };
            var kafka = await KafkaServer.StartAsync(broker, listenerOptions, loggerFactory).ConfigureAwait(false);
            return new KafkaBrokerHost(broker, kafka);
        }
        catch (InvalidDataException e)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw new KafkaBrokerHostException($"cannot open the SCRAM credentials or the ACLs: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw new KafkaBrokerHostException($"cannot listen on {string.Join(", ", listenerOptions.EffectiveListeners)}: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Kafka.DisposeAsync().ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A broker could not be opened or its listener not started; the message names which, without a program prefix.</summary>
public sealed class KafkaBrokerHostException(string message, Exception inner) : Exception(message, inner);
