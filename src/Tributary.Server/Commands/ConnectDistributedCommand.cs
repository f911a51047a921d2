using System.CommandLine;
using Microsoft.Extensions.Logging;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Distributed;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary connect-distributed worker.properties</c>: Kafka's <c>connect-distributed.sh</c>. Starts a worker of
/// the Connect cluster <c>group.id</c> against <c>bootstrap.servers</c> (internal topics <c>config.storage.topic</c>,
/// <c>offset.storage.topic</c>, <c>status.storage.topic</c>), serves the Connect REST API on <c>listeners</c>, and
/// runs until SIGINT or SIGTERM (then stops its tasks, flushes offsets, leaves the group and exits 0), or with
/// <c>--stop-when-stdin-closes</c> until its standard input ends, which stops it the same way: serve starts MSK
/// Connect's workers so, and a worker whose server died, however it died, does not outlive it. A stop while the worker
/// still starts (its start retries until the cluster answers) cancels the start and exits 0. A bad worker
/// file, or an internal topic that is not compacted, exits 1 with one line on stderr.
/// </summary>
internal static class ConnectDistributedCommand
{
    /// <summary>How long a start that a stop canceled may take to unwind before the process ends without it.</summary>
    private static readonly TimeSpan StartCancelGrace = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var worker = new Argument<FileInfo>("worker.properties") { Description = "The worker configuration (Kafka Connect's names: bootstrap.servers, group.id, config.storage.topic, offset.storage.topic, status.storage.topic, key.converter, value.converter, listeners, ...)." };
        var lifeline = new Option<bool>(StopSignal.LifelineOption) { Description = StopSignal.LifelineDescription };
        var command = new Command("connect-distributed", "Run a distributed Kafka Connect worker until Ctrl-C or SIGTERM.") { worker, lifeline };
        command.SetAction((result, _) => RunAsync(result.GetValue(worker)!, result.GetValue(lifeline)));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo workerFile, bool stopWhenStandardInputCloses)
    {
        using var stop = new StopSignal(stopWhenStandardInputCloses);
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
        // The start retries until the cluster answers (the internal topics are created and read to their end first),
        // so a stop must reach it too: SIGTERM, and the end of standard input when the server that started this worker
        // died while it was starting — no one would kill it then, and it retried for ever. The stop cancels the start.
        using var starting = new CancellationTokenSource();
        var start = ConnectHost.StartAsync(config, loggerFactory, distributed, starting.Token);
        if (await Task.WhenAny(start, stop.Task).ConfigureAwait(false) != start)
        {
            await starting.CancelAsync().ConfigureAwait(false);
            try
            {
                await (await start.WaitAsync(StartCancelGrace).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Canceled, failed or still unwinding: nothing runs yet that a stop must wait for, and the process ends here.
            }
            Console.WriteLine("tributary connect-distributed: stopped while starting.");
            return 0;
        }
        try
        {
            host = await start.ConfigureAwait(false);
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
