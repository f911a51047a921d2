using System.CommandLine;
using Tributary.Orc;
using Tributary.Orc.Reader;

namespace Tributary.Server.Commands;

/// <summary><c>tributary orc FILE</c>: prints an ORC file's schema, tail metadata and rows (like <c>tributary parquet</c>).</summary>
internal static class OrcCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The ORC file to print." };
        var schema = new Option<bool>("--schema") { Description = "Print only the schema.", Arity = ArgumentArity.Zero };
        var metadata = new Option<bool>("--metadata")
        {
            Description = "Print only the metadata: version, compression, stripes with their streams and encodings, file statistics.",
            Arity = ArgumentArity.Zero,
        };
        var rows = new Option<int>("--rows")
        {
            Description = "Rows printed as JSON lines after the schema and metadata; -1 prints all.",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
        };
        var command = new Command("orc", "Print an ORC file: its schema, metadata and first rows as JSON lines (by default all three).");
        command.Add(file);
        command.Add(schema);
        command.Add(metadata);
        command.Add(rows);
        command.SetAction(result => Print(result.GetValue(file)!, result.GetValue(schema), result.GetValue(metadata), result.GetValue(rows)));
        return command;
    }

    private static int Print(string file, bool schemaOnly, bool metadataOnly, int rows)
    {
        try
        {
            using var reader = OrcReader.Open(file);
            var all = !schemaOnly && !metadataOnly;
            if (schemaOnly || all)
            {
                Console.WriteLine(reader.Schema.ToString());
            }
            if (metadataOnly || all)
            {
                PrintMetadata(reader);
            }
            if (all && rows != 0)
            {
                var printed = 0;
                foreach (var row in reader.ReadRows())
                {
                    if (rows >= 0 && printed++ >= rows)
                    {
                        break;
                    }
                    Console.WriteLine(OrcJsonPrinter.Print(row, reader.Schema));
                }
            }
            return 0;
        }
        catch (Exception e) when (e is OrcFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tributary orc: {file}: {e.Message}");
            return 1;
        }
    }

    private static void PrintMetadata(OrcReader reader)
    {
        var ps = reader.PostScript;
        Console.WriteLine($"version {string.Join('.', ps.Version)}, compression {ps.Compression} (block {ps.CompressionBlockSize}), {reader.NumberOfRows} rows, {reader.Footer.Stripes.Count} stripes, row index stride {reader.Footer.RowIndexStride}");
        for (var s = 0; s < reader.Footer.Stripes.Count; s++)
        {
            var stripe = reader.OpenStripe(s);
            var info = stripe.Information;
            Console.WriteLine($"stripe {s}: offset {info.Offset}, {info.NumberOfRows} rows, index {info.IndexLength} B, data {info.DataLength} B, footer {info.FooterLength} B, writer time zone {stripe.Footer.WriterTimezone ?? "(none)"}");
            for (var c = 0; c < stripe.Footer.Columns.Count; c++)
            {
                var encoding = stripe.Footer.Columns[c];
                var streams = string.Join(", ", stripe.Footer.Streams.Where(x => x.Column == c).Select(x => $"{x.Kind} {x.Length} B"));
                Console.WriteLine($"  column {c} {reader.Columns[c]}: {encoding.Kind}{(encoding.DictionarySize > 0 ? $" ({encoding.DictionarySize} entries)" : "")}; {streams}");
            }
        }
        for (var c = 0; c < reader.Footer.Statistics.Count; c++)
        {
            var s = reader.Footer.Statistics[c];
            var detail = s.Integer is { } i ? $", min {i.Minimum}, max {i.Maximum}, sum {i.Sum}"
                : s.Double is { } d ? $", min {d.Minimum}, max {d.Maximum}, sum {d.Sum}"
                : s.String is { } t ? $", min \"{t.Minimum}\", max \"{t.Maximum}\", total length {t.Sum}"
                : s.Decimal is { } m ? $", min {m.Minimum}, max {m.Maximum}, sum {m.Sum}"
                : s.Date is { } dt ? $", min day {dt.Minimum}, max day {dt.Maximum}"
                : s.Timestamp is { } ts ? $", min {ts.Minimum} ms, max {ts.Maximum} ms"
                : "";
            Console.WriteLine($"statistics column {c}: {s.NumberOfValues} values{(s.HasNull == true ? ", has nulls" : "")}{detail}");
        }
    }
}
