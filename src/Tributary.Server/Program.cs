using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tributary.Kafka;

namespace Tributary.Server;

/// <summary>The <c>tributary</c> command-line program.</summary>
public static class Program
{
    private const string Usage = """
        Usage: tributary <command> [options]

        Commands:
          serve     Run Tributary on the embedded default (data in ./data unless configured) until Ctrl-C or SIGTERM.
          config    Print the effective configuration and where each value came from.
          parquet   Print a Parquet file's schema, metadata and rows (tributary parquet --help).
          convert   Convert JSON records to Parquet (tributary convert --help).
          version   Print the version.
          help      Print this text.

        Options:
          --data-dir DIR      Where data is kept (the data.dir option).
          --config FILE       Read options from FILE (key = value lines, as in defaults.conf).
          --set KEY=VALUE     Set any option; repeatable. See `tributary config` for the list.
        """;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            var command = args.Length == 0 ? "help" : args[0];
            switch (command)
            {
                case "serve":
                    return await ServeAsync(ParseConfiguration(args[1..])).ConfigureAwait(false);
                case "config":
                    PrintConfiguration(ParseConfiguration(args[1..]));
                    return 0;
                case "parquet":
                    return args.Length > 1 && args[1] is "--help" or "-h" ? PrintHelp(ParquetCommands.Usage) : ParquetCommands.Parquet(args[1..]);
                case "convert":
                    return args.Length > 1 && args[1] is "--help" or "-h" ? PrintHelp(ParquetCommands.Usage) : ParquetCommands.Convert(args[1..]);
                case "version" or "--version":
                    Console.WriteLine("tributary " + Version);
                    return 0;
                case "help" or "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"tributary: unknown command '{command}'.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ConfigurationException e)
        {
            Console.Error.WriteLine("tributary: " + e.Message);
            return 2;
        }
    }

    private static int PrintHelp(string text)
    {
        Console.WriteLine(text);
        return 0;
    }

    public static string Version => typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static ServerConfiguration ParseConfiguration(string[] args)
    {
        string? configFile = null;
        var flags = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ConfigurationException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--data-dir":
                    flags.Add(new(ServerConfiguration.Keys.DataDir, Next()));
                    break;
                case "--config":
                    configFile = Next();
                    break;
                case "--set":
                    var pair = Next();
                    var equals = pair.IndexOf('=');
                    if (equals <= 0)
                    {
                        throw new ConfigurationException($"--set expects KEY=VALUE, got '{pair}'.");
                    }
                    flags.Add(new(pair[..equals].Trim(), pair[(equals + 1)..]));
                    break;
                default:
                    throw new ConfigurationException($"Unknown argument '{args[i]}'.");
            }
        }
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value;
        }
        return ServerConfiguration.Build(configFile, environment, flags);
    }

    private static void PrintConfiguration(ServerConfiguration configuration)
    {
        foreach (var key in ServerConfiguration.Keys.All)
        {
            Console.WriteLine($"{key} = {configuration.GetString(key)}    # {configuration.Sources[key]}");
        }
    }

    /// <summary>
    /// Opens the broker on the data directory, starts the Kafka listener and runs until SIGINT or SIGTERM;
    /// then stops accepting requests, closes every log cleanly (flush, checkpoint) and exits 0.
    /// </summary>
    public static async Task<int> ServeAsync(ServerConfiguration configuration)
    {
        var brokerOptions = StorageSettings.BrokerFromConfiguration(configuration);
        var listenerOptions = StorageSettings.KafkaFromConfiguration(configuration);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

        Tributary.Broker.Broker broker;
        try
        {
            broker = await Tributary.Broker.Broker.OpenAsync(brokerOptions).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"tributary: cannot open data directory {brokerOptions.DataDirectory}: {e.Message}");
            return 1;
        }
        await using (broker.ConfigureAwait(false))
        {
            KafkaServer kafka;
            try
            {
                kafka = await KafkaServer.StartAsync(broker, listenerOptions, loggerFactory).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine($"tributary: cannot listen on {listenerOptions.Host}:{listenerOptions.Port}: {e.Message}");
                return 1;
            }
            await using (kafka.ConfigureAwait(false))
            {
                // Disposed in reverse: the AWS endpoints stop first (no more puts), then the delivery engines.
                DeliveryHost delivery;
                try
                {
                    delivery = DeliveryHost.Open(broker, configuration, brokerOptions.DataDirectory, loggerFactory);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or System.Text.Json.JsonException)
                {
                    Console.Error.WriteLine($"tributary: cannot open the delivery streams: {e.Message}");
                    return 1;
                }
                await using var deliveryScope = delivery.ConfigureAwait(false);
                KinesisHost aws;
                try
                {
                    aws = await KinesisHost.StartAsync(broker, configuration, brokerOptions.DataDirectory, loggerFactory, kinesis =>
                    {
                        delivery.Streams.KinesisSourceFactory = KinesisDeliverySource.Factory(broker, kinesis);
                        return [delivery.Service];
                    }).ConfigureAwait(false);
                    await delivery.StartAsync(configuration).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or System.Net.Sockets.SocketException or System.Text.Json.JsonException)
                {
                    Console.Error.WriteLine($"tributary: cannot start the AWS APIs: {e.Message}");
                    return 1;
                }
                await using var awsScope = aws.ConfigureAwait(false);
                AdminHost admin;
                try
                {
                    admin = await AdminHost.StartAsync(broker, delivery.Streams, configuration, loggerFactory).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
                {
                    Console.Error.WriteLine($"tributary: cannot start the admin port: {e.Message}");
                    return 1;
                }
                await using var adminScope = admin.ConfigureAwait(false);
                Console.WriteLine($"tributary {Version} serving; data in {brokerOptions.DataDirectory} ({broker.ListTopics().Count} topics); Kafka on {listenerOptions.Host}:{kafka.Port}; AWS APIs (Kinesis, Firehose) on {configuration.GetString(ServerConfiguration.Keys.AwsHost)}:{aws.Port} (HTTP/1.1) and :{aws.Http2Port} (HTTP/2); delivery streams: {delivery.Streams.List().Count}; admin (metrics) on {configuration.GetString(ServerConfiguration.Keys.AdminHost)}:{admin.Port}. Stop with Ctrl-C or SIGTERM.");
                await stop.Task.ConfigureAwait(false);
                Console.WriteLine("tributary: stopping; closing the listener, flushing and checkpointing logs...");
            }
        }
        Console.WriteLine("tributary: stopped cleanly.");
        return 0;
    }
}
