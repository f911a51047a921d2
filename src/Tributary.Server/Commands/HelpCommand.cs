using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary><c>tributary help [COMMAND]</c>: the same text as <c>tributary [COMMAND] --help</c>.</summary>
internal static class HelpCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("COMMAND")
        {
            Description = "The command to describe; every command when omitted.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("help", "Print this text, or a command's (the same as --help).");
        command.Add(name);
        command.SetAction((result, cancellation) =>
        {
            var root = TributaryCommandLine.Create();
            var commandName = result.GetValue(name);
            if (commandName is not null && !root.Subcommands.Any(c => c.Name == commandName))
            {
                Console.Error.WriteLine($"tributary help: unknown command '{commandName}'. See 'tributary --help'.");
                return Task.FromResult(TributaryCommandLine.UsageError);
            }

            return root.Parse(commandName is null ? ["--help"] : [commandName, "--help"]).InvokeAsync(cancellationToken: cancellation);
        });
        return command;
    }
}
