using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Broker;
using Tributary.Kafka;

namespace Tributary.Testing;

/// <summary>
/// A broker on a temporary data directory with its Kafka listener on a port the OS picked, in this process: the
/// fixture of protocol and client tests that need the wire but not the program. Disposing stops the listener, closes
/// the broker and deletes the data.
/// </summary>
public sealed class InProcessKafka : IAsyncDisposable
{
    private readonly TempDirectory _data;

    private InProcessKafka(TempDirectory data, Tributary.Broker.Broker broker, KafkaServer server)
    {
        _data = data;
        Broker = broker;
        Server = server;
    }

    public Tributary.Broker.Broker Broker { get; }

    public KafkaServer Server { get; }

    public string DataDirectory => _data.Path;

    /// <summary>The bound port of the Kafka listener.</summary>
    public int Port => Server.Port;

    /// <summary>127.0.0.1:PORT, for clients.</summary>
    public string Bootstrap => $"127.0.0.1:{Port}";

    /// <param name="broker">Adjusts the broker's options (the data directory is set already).</param>
    /// <param name="listener">The listener's options; its port is replaced by 0.</param>
    /// <param name="prepare">Runs on the open broker before the listener starts (topics that must exist first).</param>
    public static async Task<InProcessKafka> StartAsync(
        Func<BrokerOptions, BrokerOptions>? broker = null,
        KafkaListenerOptions? listener = null,
        Action<Tributary.Broker.Broker>? prepare = null)
    {
        var data = new TempDirectory();
        var options = new BrokerOptions { DataDirectory = data.Path };
        var opened = await Tributary.Broker.Broker.OpenAsync(broker is null ? options : broker(options));
        try
        {
            prepare?.Invoke(opened);
            var server = await KafkaServer.StartAsync(opened, (listener ?? new KafkaListenerOptions()) with { Host = "127.0.0.1", Port = 0 }, NullLoggerFactory.Instance);
            return new InProcessKafka(data, opened, server);
        }
        catch
        {
            await opened.DisposeAsync();
            data.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Server.DisposeAsync();
            await Broker.DisposeAsync();
        }
        finally
        {
            _data.Dispose();
        }
    }
}
