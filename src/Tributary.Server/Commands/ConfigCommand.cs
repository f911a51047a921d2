using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary config</c>: every option's effective value and where it came from, one <c>key = value    # source</c>
/// line each. Secrets (<see cref="ConfigurationSecrets"/>) print as <c>[hidden]</c> unless they hold their default.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var configuration = new ConfigurationOptions();
        var command = new Command("config", "Print the effective configuration and where each value came from (secrets hidden).");
        configuration.AddTo(command);
        command.SetAction(result =>
        {
            var effective = configuration.Build(result);
            foreach (var key in ServerConfiguration.Keys.All)
            {
                Console.WriteLine($"{key} = {ConfigurationSecrets.Display(key, effective.GetString(key))}    # {effective.Sources[key]}");
            }

            return 0;
        });
        return command;
    }
}
