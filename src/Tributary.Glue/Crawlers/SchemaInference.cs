using System.Text;
using DuckDB.NET.Data;

namespace Tributary.Glue.Crawlers;

/// <summary>A group of objects' merged schema: Hive columns in first-seen order, and for CSV how the text is cut.</summary>
internal sealed record InferredSchema(List<(string Name, string Type)> Columns, string? Delimiter = null, bool Header = false, string? AvroSchema = null);

/// <summary>
/// Schema inference for a group of objects of one classification and compression. Parquet, JSON lines and CSV are read
/// by embedded DuckDB (<c>DESCRIBE SELECT * FROM read_…([files], union_by_name = true)</c>: every file's columns, the
/// union in first-seen order; CSV's delimiter and header row from <c>sniff_csv</c>, columns of a headerless file named
/// col0, col1, … as Glue names them); Avro from the container's writer schema (<see cref="AvroHeader"/>). A file DuckDB
/// cannot read is found by reading the files one by one and left out with its reason; the rest still make the schema.
/// Not thread-safe per instance; each crawl uses its own (one DuckDB connection).
/// </summary>
internal sealed class SchemaInference : IDisposable
{
    private readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public SchemaInference() => _connection.Open();

    /// <summary>The schema of <paramref name="paths"/>; files that could not be read are added to <paramref name="failures"/>.</summary>
    public InferredSchema? Infer(Classification classification, IReadOnlyList<string> paths, List<(string Path, string Reason)> failures)
    {
        if (classification.Kind == Classification.Avro)
        {
            return InferAvro(paths, failures);
        }
        string? delimiter = null;
        var header = false;
        var good = paths.ToList();
        while (good.Count > 0)
        {
            try
            {
                if (classification.Kind == Classification.Csv)
                {
                    (delimiter, header) = SniffCsv(good[0]);
                }
                var columns = Describe(classification, good, delimiter, header);
                return new InferredSchema(columns, delimiter, header);
            }
            catch (DuckDBException) when (good.Count > 1)
            {
                // Find the files DuckDB refuses, one by one, and infer from the rest.
                var readable = new List<string>();
                foreach (var path in good)
                {
                    try
                    {
                        var (d, h) = classification.Kind == Classification.Csv ? SniffCsv(path) : (null, false);
                        Describe(classification, [path], d, h);
                        readable.Add(path);
                    }
                    catch (DuckDBException e)
                    {
                        failures.Add((path, FirstLine(e.Message)));
                    }
                }
                if (readable.Count == good.Count)
                {
                    throw;
                }
                good = readable;
            }
            catch (DuckDBException e)
            {
                failures.Add((good[0], FirstLine(e.Message)));
                return null;
            }
        }
        return null;
    }

    private (string Delimiter, bool Header) SniffCsv(string path)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT Delimiter, HasHeader FROM sniff_csv({Literal(path)})";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    private List<(string Name, string Type)> Describe(Classification classification, IReadOnlyList<string> paths, string? delimiter, bool header)
    {
        var list = "[" + string.Join(", ", paths.Select(Literal)) + "]";
        var compression = classification.Gzip ? "'gzip'" : "'uncompressed'";
        var source = classification.Kind switch
        {
            Classification.Parquet => $"read_parquet({list}, union_by_name = true, hive_partitioning = false)",
            Classification.Json => $"read_json({list}, format = 'newline_delimited', compression = {compression}, union_by_name = true, hive_partitioning = false)",
            _ => $"read_csv({list}, delim = {Literal(delimiter ?? ",")}, header = {(header ? "true" : "false")}, compression = {compression}, union_by_name = true, hive_partitioning = false)",
        };
        using var command = _connection.CreateCommand();
        command.CommandText = "DESCRIBE SELECT * FROM " + source;
        using var reader = command.ExecuteReader();
        var textual = classification.Kind != Classification.Parquet;
        var columns = new List<(string, string)>();
        var index = 0;
        while (reader.Read())
        {
            var name = reader.GetString(0);
            if (classification.Kind == Classification.Csv && !header)
            {
                name = "col" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            columns.Add((name.ToLowerInvariant(), DuckDbTypes.ToHive(reader.GetString(1), textual)));
            index++;
        }
        return columns;
    }

    private static InferredSchema? InferAvro(IReadOnlyList<string> paths, List<(string Path, string Reason)> failures)
    {
        List<(string Name, string Type)>? merged = null;
        string? literal = null;
        foreach (var path in paths)
        {
            try
            {
                using var stream = File.OpenRead(path);
                var schema = AvroHeader.ReadSchema(stream);
                var columns = AvroHeader.Columns(schema);
                merged = merged is null ? columns : SchemaMerge.Union(merged, columns);
                literal ??= schema;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or System.Text.Json.JsonException or InvalidOperationException or InvalidCastException)
            {
                failures.Add((path, e.Message));
            }
        }
        return merged is null ? null : new InferredSchema(merged, AvroSchema: literal);
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n');
        return end < 0 ? message : message[..end];
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public void Dispose() => _connection.Dispose();
}

/// <summary>Schema merging across files and folders: the union of columns in first-seen order, types widened.</summary>
internal static class SchemaMerge
{
    public static List<(string Name, string Type)> Union(IReadOnlyList<(string Name, string Type)> first, IReadOnlyList<(string Name, string Type)> second)
    {
        var result = first.ToList();
        foreach (var (name, type) in second)
        {
            var index = result.FindIndex(c => c.Name == name);
            if (index < 0)
            {
                result.Add((name, type));
            }
            else if (result[index].Type != type)
            {
                result[index] = (name, Widen(result[index].Type, type));
            }
        }
        return result;
    }

    /// <summary>The type both values fit: integers widen to the larger, integer with floating point to double, else string.</summary>
    private static string Widen(string a, string b)
    {
        string[] order = ["tinyint", "smallint", "int", "bigint", "float", "double"];
        var i = Array.IndexOf(order, a);
        var j = Array.IndexOf(order, b);
        if (i >= 0 && j >= 0)
        {
            return order[Math.Max(i, j)] == "float" && Math.Min(i, j) >= 3 ? "double" : order[Math.Max(i, j)];
        }
        return "string";
    }

    /// <summary>How much two column sets overlap: shared names over all names (1 for equal sets).</summary>
    public static double Similarity(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b)
    {
        var union = new HashSet<string>(a, StringComparer.Ordinal);
        union.UnionWith(b);
        var shared = a.Count(b.Contains);
        return union.Count == 0 ? 1 : (double)shared / union.Count;
    }

    public static string Describe(IEnumerable<(string Name, string Type)> columns)
    {
        var text = new StringBuilder();
        text.AppendJoin(", ", columns.Select(c => c.Name + " " + c.Type));
        return text.ToString();
    }
}
