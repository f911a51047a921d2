using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary><c>tributary serve</c>: runs the server (<see cref="Program.ServeAsync"/>) until SIGINT or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var configuration = new ConfigurationOptions();
        var command = new Command("serve", "Run Tributary on the embedded default (data in ./data unless configured) until Ctrl-C or SIGTERM.");
        configuration.AddTo(command);
        command.SetAction((result, _) => Program.ServeAsync(configuration.Build(result)));
        return command;
    }
}
