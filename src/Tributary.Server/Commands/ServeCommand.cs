using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary serve</c>: runs the server (<see cref="Program.ServeAsync"/>) until SIGINT or SIGTERM, or with
/// <c>--stop-when-stdin-closes</c> until its standard input ends (<see cref="StopSignal"/>).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var configuration = new ConfigurationOptions();
        var lifeline = new Option<bool>(StopSignal.LifelineOption) { Description = StopSignal.LifelineDescription };
        var command = new Command("serve", "Run Tributary on the embedded default (data in ./data unless configured) until Ctrl-C or SIGTERM.");
        configuration.AddTo(command);
        command.Add(lifeline);
        command.SetAction((result, _) => Program.ServeAsync(configuration.Build(result), result.GetValue(lifeline)));
        return command;
    }
}
