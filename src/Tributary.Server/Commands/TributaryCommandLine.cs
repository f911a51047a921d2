using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Tributary.Server.Commands;

/// <summary>
/// The <c>tributary</c> command line: one root holding every command, each defined in its own file in this folder,
/// so that parsing, <c>--help</c> and the errors all come from the same definitions. A bad argument (unknown command
/// or option, missing or unparsable value, a value outside its choices) and an unusable configuration value both
/// end as one line on stderr and exit code <see cref="UsageError"/>. To add a command, write its <c>Create()</c> in a
/// new file here and list it in <see cref="Commands"/>.
/// </summary>
public static class TributaryCommandLine
{
    /// <summary>Exit code for anything wrong with the command line or the configuration.</summary>
    public const int UsageError = 2;

    private static Command[] Commands() =>
    [
        ServeCommand.Create(),
        ConnectStandaloneCommand.Create(),
        ConnectDistributedCommand.Create(),
        SchemaRegistryCommand.Create(),
        ConfigCommand.Create(),
        ParquetCommand.Create(),
        OrcCommand.Create(),
        ConvertCommand.Create(),
        GenerateCommand.Create(),
        TlsCertificatesCommand.Create(),
        ScramCredentialsCommand.Create(),
        VersionCommand.Create(),
        HelpCommand.Create(),
    ];

    public static RootCommand Create()
    {
        var root = new RootCommand("Tributary: a Kafka-wire broker with the Kinesis and Firehose APIs in one process.");
        foreach (var command in Commands())
        {
            root.Add(command);
        }

        // `tributary --version` prints what `tributary version` prints.
        foreach (var option in root.Options)
        {
            if (option is VersionOption)
            {
                option.Action = new PrintVersion();
            }
        }

        // Arguments are taken literally: no [directive] before the command, no @response-file expansion (see Parse).
        root.Directives.Clear();

        // `tributary` alone prints the help, as `tributary help` does.
        root.SetAction(result => new HelpAction().Invoke(result));
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var result = Create().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync(Describe(result)).ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            // Serve handles SIGINT/SIGTERM itself (clean close, exit 0): no termination timeout of the library's.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await result.InvokeAsync(invocation).ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync("tributary: " + e.Message).ConfigureAwait(false);
            return UsageError;
        }
    }

    /// <summary>The first parse error as one line, naming the command and where its help is.</summary>
    private static string Describe(ParseResult result)
    {
        var path = CommandPath(result.CommandResult);
        var message = result.Errors[0].Message;
        if (result.CommandResult.Command is RootCommand && result.UnmatchedTokens.Count > 0 && !result.UnmatchedTokens[0].StartsWith('-'))
        {
            message = $"unknown command '{result.UnmatchedTokens[0]}'.";
        }

        return $"{path}: {message} See '{path} --help'.";
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is not null; current = current.Parent)
        {
            if (current is CommandResult { Command: not RootCommand } named)
            {
                names.Add(named.Command.Name);
            }
        }

        names.Add("tributary");
        names.Reverse();
        return string.Join(' ', names);
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => VersionCommand.Print();
    }
}
