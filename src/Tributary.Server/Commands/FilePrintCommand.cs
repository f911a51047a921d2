using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary>
/// What the commands that print a columnar file share (<c>tributary parquet FILE</c>, <c>tributary orc FILE</c>): the
/// arguments (<c>--schema</c>, <c>--metadata</c>, <c>--rows N</c>), printing the schema, the metadata and the first rows
/// as JSON lines (all three by default), and a format error or unreadable file reported as one line on stderr with
/// exit code 1. A format says how to open, describe and print its files.
/// </summary>
internal abstract class FilePrintCommand<TReader>
    where TReader : IDisposable
{
    /// <summary>The command's name, which is also the prefix of its error lines.</summary>
    protected abstract string Name { get; }

    /// <summary>The format as users write it ("Parquet", "ORC").</summary>
    protected abstract string Format { get; }

    /// <summary>"a" or "an" before <see cref="Format"/> in the help text.</summary>
    protected virtual string Article => "a";

    /// <summary>What <c>--metadata</c> prints, for the help text.</summary>
    protected abstract string MetadataDescription { get; }

    protected abstract TReader Open(string file);

    protected abstract void PrintSchema(TReader reader);

    protected abstract void PrintMetadata(TReader reader);

    /// <summary>The file's rows as JSON text, in order.</summary>
    protected abstract IEnumerable<string?> Rows(TReader reader);

    /// <summary>The format's own exception for a file it cannot read.</summary>
    protected abstract bool IsFormatError(Exception error);

    public Command Build()
    {
        var file = new Argument<string>("FILE") { Description = $"The {Format} file to print." };
        var schema = new Option<bool>("--schema") { Description = "Print only the schema.", Arity = ArgumentArity.Zero };
        var metadata = new Option<bool>("--metadata")
        {
            Description = "Print only the metadata: " + MetadataDescription,
            Arity = ArgumentArity.Zero,
        };
        var rows = new Option<int>("--rows")
        {
            Description = "Rows printed as JSON lines after the schema and metadata; -1 prints all.",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
        };
        var command = new Command(Name, $"Print {Article} {Format} file: its schema, metadata and first rows as JSON lines (by default all three).");
        command.Add(file);
        command.Add(schema);
        command.Add(metadata);
        command.Add(rows);
        command.SetAction(result => Print(result.GetValue(file)!, result.GetValue(schema), result.GetValue(metadata), result.GetValue(rows)));
        return command;
    }

    private int Print(string file, bool schemaOnly, bool metadataOnly, int rows)
    {
        try
        {
            using var reader = Open(file);
            var all = !schemaOnly && !metadataOnly;
            if (schemaOnly || all)
            {
                PrintSchema(reader);
            }
            if (metadataOnly || all)
            {
                PrintMetadata(reader);
            }
            if (all && rows != 0)
            {
                var printed = 0;
                foreach (var row in Rows(reader))
                {
                    if (rows >= 0 && printed++ >= rows)
                    {
                        break;
                    }
                    Console.WriteLine(row);
                }
            }
            return 0;
        }
        catch (Exception e) when (IsFormatError(e) || e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tributary {Name}: {file}: {e.Message}");
            return 1;
        }
    }
}
