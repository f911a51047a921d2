using System.CommandLine;
using Microsoft.Extensions.Logging;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Rest;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary connect-standalone worker.properties [connector.properties|connector.json ...]</c>: Kafka's
/// <c>connect-standalone.sh</c>. Starts a standalone worker against <c>bootstrap.servers</c>, creates the connectors
/// of the files, serves the Connect REST API on <c>listeners</c>, and runs until SIGINT or SIGTERM (then stops every
/// task, flushes the offsets file and exits 0). A bad worker file or connector exits 1 with one line on stderr.
/// </summary>
internal static class ConnectStandaloneCommand
{
    public static Command Create()
    {
        var worker = new Argument<FileInfo>("worker.properties") { Description = "The worker configuration (Kafka Connect's names: bootstrap.servers, key.converter, value.converter, offset.storage.file.filename, listeners, plugin.path, ...)." };
        var connectors = new Argument<FileInfo[]>("connector") { Description = "Connector configurations: .properties files, or .json files holding a config map or {\"name\",\"config\"}.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("connect-standalone", "Run a standalone Kafka Connect worker with the given connectors until Ctrl-C or SIGTERM.") { worker, connectors };
        command.SetAction((result, _) => RunAsync(result.GetValue(worker)!, result.GetValue(connectors) ?? []));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo workerFile, FileInfo[] connectorFiles)
    {
        using var stop = new StopSignal();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        WorkerConfig config;
        try
        {
            config = new WorkerConfig(PropertiesFile.Load(workerFile.FullName));
            _ = config.RestListener;
        }
        catch (Exception e) when (e is IOException or Tributary.Connect.Errors.ConfigException)
        {
            await Console.Error.WriteLineAsync($"tributary connect-standalone: {workerFile.Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        ConnectHost host;
        try
        {
            host = await ConnectHost.StartAsync(config, loggerFactory).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"tributary connect-standalone: cannot start the worker: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        await using (host.ConfigureAwait(false))
        {
            foreach (var file in connectorFiles)
            {
                try
                {
                    var (name, connectorConfig, initial) = ConnectHost.ReadConnectorFile(file.FullName);
                    await host.Herder.PutConnectorConfigAsync(name, connectorConfig, allowReplace: false, initial).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or System.Text.Json.JsonException or ConnectRestException or Tributary.Connect.Errors.ConnectException)
                {
                    await Console.Error.WriteLineAsync($"tributary connect-standalone: {file.Name}: {e.Message}").ConfigureAwait(false);
                    return 1;
                }
            }
            Console.WriteLine($"tributary {Program.Version} connect-standalone serving; Connect REST on {host.Host}:{host.Port}; connectors: {host.Herder.ConnectorNames().Count}. Stop with Ctrl-C or SIGTERM.");
            await stop.Task.ConfigureAwait(false);
            Console.WriteLine("tributary connect-standalone: stopping; stopping tasks and flushing offsets...");
        }
        Console.WriteLine("tributary connect-standalone: stopped cleanly.");
        return 0;
    }
}
