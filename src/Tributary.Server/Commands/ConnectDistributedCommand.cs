using System.CommandLine;
using Microsoft.Extensions.Logging;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Distributed;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary connect-distributed worker.properties</c>: Kafka's <c>connect-distributed.sh</c>. Starts a worker of
/// the Connect cluster <c>group.id</c> against <c>bootstrap.servers</c> (internal topics <c>config.storage.topic</c>,
/// <c>offset.storage.topic</c>, <c>status.storage.topic</c>), serves the Connect REST API on <c>listeners</c>, and
/// runs until SIGINT or SIGTERM (then stops its tasks, flushes offsets, leaves the group and exits 0). A bad worker
/// file, or an internal topic that is not compacted, exits 1 with one line on stderr.
/// </summary>
internal static class ConnectDistributedCommand
{
    public static Command Create()
    {
        var worker = new Argument<FileInfo>("worker.properties") { Description = "The worker configuration (Kafka Connect's names: bootstrap.servers, group.id, config.storage.topic, offset.storage.topic, status.storage.topic, key.converter, value.converter, listeners, ...)." };
        var command = new Command("connect-distributed", "Run a distributed Kafka Connect worker until Ctrl-C or SIGTERM.") { worker };
        command.SetAction((result, _) => RunAsync(result.GetValue(worker)!));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo workerFile)
    {
        using var stop = new StopSignal();
        // The distributed herder logs assignments and connector starts/stops at Information: operators (and the
        // process tests) read from them which worker ran what, when.
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Tributary.Connect.Distributed", LogLevel.Information));
        WorkerConfig config;
        DistributedConfig distributed;
        try
        {
            var properties = PropertiesFile.Load(workerFile.FullName);
            config = new WorkerConfig(properties);
            distributed = new DistributedConfig(properties);
            _ = config.RestListener;
        }
        catch (Exception e) when (e is IOException or Tributary.Connect.Errors.ConfigException)
        {
            await Console.Error.WriteLineAsync($"tributary connect-distributed: {workerFile.Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        ConnectHost host;
        try
        {
            host = await ConnectHost.StartAsync(config, loggerFactory, distributed).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"tributary connect-distributed: cannot start the worker: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        var fatal = false;
        await using (host.ConfigureAwait(false))
        {
            Console.WriteLine($"tributary {Program.Version} connect-distributed serving; group {distributed.GroupId}; Connect REST on {host.Host}:{host.Port}. Stop with Ctrl-C or SIGTERM.");
            var fatalError = host.Fatal;
            if (await Task.WhenAny(stop.Task, fatalError).ConfigureAwait(false) == fatalError)
            {
                // Kafka's distributed herder exits with status 1 on an error no retry can fix; so does this worker.
                await Console.Error.WriteLineAsync($"tributary connect-distributed: the worker cannot continue: {await fatalError.ConfigureAwait(false)}").ConfigureAwait(false);
                fatal = true;
            }
            else
            {
                Console.WriteLine("tributary connect-distributed: stopping; stopping tasks, flushing offsets and leaving the group...");
            }
        }
        if (fatal)
        {
            return 1;
        }
        Console.WriteLine("tributary connect-distributed: stopped cleanly.");
        return 0;
    }
}
