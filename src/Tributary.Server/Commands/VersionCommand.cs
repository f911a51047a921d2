using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary><c>tributary version</c> (and <c>tributary --version</c>).</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version.");
        command.SetAction(_ => Print());
        return command;
    }

    public static int Print()
    {
        Console.WriteLine("tributary " + Program.Version);
        return 0;
    }
}
