using System.CommandLine;
using Tributary.Orc;
using Tributary.Orc.Reader;

namespace Tributary.Server.Commands;

/// <summary><c>tributary orc FILE</c>: prints an ORC file's schema, tail metadata and rows (like <c>tributary parquet</c>).</summary>
internal sealed class OrcCommand : FilePrintCommand<OrcReader>
{
    public static Command Create() => new OrcCommand().Build();

    protected override string Name => "orc";

    protected override string Format => "ORC";

    protected override string Article => "an";

    protected override string MetadataDescription => "version, compression, stripes with their streams and encodings, file statistics.";

    protected override OrcReader Open(string file) => OrcReader.Open(file);

    protected override void PrintSchema(OrcReader reader) => Console.WriteLine(reader.Schema.ToString());

    protected override IEnumerable<string?> Rows(OrcReader reader) => reader.ReadRows().Select(row => OrcJsonPrinter.Print(row, reader.Schema));

    protected override bool IsFormatError(Exception error) => error is OrcFormatException;

    protected override void PrintMetadata(OrcReader reader)
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
