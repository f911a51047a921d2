using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Glue.Catalog;

namespace Tributary.Athena.Engine;

/// <summary>
/// The DuckDB view of a catalog table: the table's columns (Hive types as DuckDB types) read from its objects — JSON
/// lines (OpenX/Hive JSON SerDe; gzip detected per object) through read_json, Parquet through read_parquet, delimited
/// text (LazySimpleSerDe, OpenCSVSerde) through read_csv — and its partition keys as constant columns, one UNION ALL
/// branch per partition the query's filter keeps (<see cref="PartitionPruning"/>: the others are never opened). A
/// partitioned table reads only its registered partitions, as Athena does.
/// </summary>
internal static class TableViews
{
    /// <summary>What the view reads: its SQL, and the bytes of every object it names.</summary>
    public sealed record View(string Sql, long Bytes);

    public static async Task<View> BuildAsync(DataCatalog catalog, JsonObject table, Glue.Expressions.PartitionExpression? filter, ObjectFiles files, CancellationToken cancellationToken)
    {
        var database = (string)table["DatabaseName"]!;
        var name = (string)table["Name"]!;
        var descriptor = table["StorageDescriptor"] as JsonObject ?? [];
        var columns = ((descriptor["Columns"] as JsonArray) ?? []).OfType<JsonObject>()
            .Select(c => ((string)c["Name"]!, HiveTypes.ToDuckDb((string?)c["Type"] ?? "string"))).ToList();
        var keys = DataCatalog.PartitionKeyColumns(table).Select(k => (k.Name, HiveTypes.ToDuckDb(k.Type))).ToList();
        var format = FileFormat.Of(table);
        var branches = new List<string>();
        long bytes = 0;
        if (keys.Count == 0)
        {
            var (sql, size) = await BranchAsync(Location(descriptor, name), [], columns, keys, format, files, cancellationToken).ConfigureAwait(false);
            branches.AddRange(sql);
            bytes += size;
        }
        else
        {
            var parquetFiles = new List<(IReadOnlyList<string> Values, ObjectFiles.LocalObject File)>();
            foreach (var partition in catalog.GetPartitions(database, name, filter))
            {
                var values = DataCatalog.PartitionKeyColumns(table).Count == 0 ? [] : ((JsonArray)partition["Values"]!).Select(v => (string)v!).ToList();
                var location = (string?)(partition["StorageDescriptor"] as JsonObject)?["Location"]
                    ?? Location(descriptor, name).TrimEnd('/') + "/" + string.Join('/', keys.Select((k, i) => k.Name + "=" + values[i])) + "/";
                if (format.Kind == "parquet" && !columns.Any(c => c.Item1 == FileColumn))
                {
                    if (!S3Location.TryParse(location, out var s3))
                    {
                        throw new QueryFailure($"Location {location} is not an s3:// location.", QueryFailure.UserError);
                    }
                    foreach (var file in await files.ListAsync(s3, detectGzip: false, cancellationToken).ConfigureAwait(false))
                    {
                        parquetFiles.Add((values, file));
                        bytes += file.Size;
                    }
                    continue;
                }
                var (sql, size) = await BranchAsync(location, values, columns, keys, format, files, cancellationToken).ConfigureAwait(false);
                branches.AddRange(sql);
                bytes += size;
            }
            if (parquetFiles.Count > 0)
            {
                branches.Add(SingleParquetScan(parquetFiles, columns, keys));
            }
        }
        if (branches.Count == 0)
        {
            var empty = new StringBuilder("SELECT ");
            empty.AppendJoin(", ", columns.Concat(keys).Select(c => $"CAST(NULL AS {c.Item2}) AS {HiveTypes.Quote(c.Item1)}"));
            branches.Add(empty.Append(" WHERE false").ToString());
        }
        return new View(string.Join("\nUNION ALL ", branches), bytes);
    }

    /// <summary>The column read_parquet's <c>filename = true</c> adds (a table column of that name keeps the UNION ALL form).</summary>
    private const string FileColumn = "filename";

    /// <summary>
    /// A partitioned Parquet table as one scan of every kept partition's files, the partition keys taken from each row's
    /// file: DuckDB then plans one parallel scan (and answers count(*) from the footers) where one UNION ALL branch per
    /// partition costs a scan set-up each — measured 3–4× slower for count(*) over 8 partitions (bench/athena, docs/athena.md).
    /// Pruning already chose the partitions through the catalog.
    /// </summary>
    private static string SingleParquetScan(List<(IReadOnlyList<string> Values, ObjectFiles.LocalObject File)> files,
        List<(string Name, string Type)> columns, List<(string Name, string Type)> keys)
    {
        var select = new StringBuilder("SELECT ");
        select.AppendJoin(", ", columns.Select(c => $"CAST({HiveTypes.Quote(c.Name)} AS {c.Type}) AS {HiveTypes.Quote(c.Name)}"));
        for (var i = 0; i < keys.Count; i++)
        {
            select.Append(", CASE ").Append(HiveTypes.Quote(FileColumn));
            foreach (var (values, file) in files)
            {
                select.Append(" WHEN ").Append(Literal(file.Path)).Append(" THEN ").Append(Literal(values[i]));
            }
            select.Append($" END::{keys[i].Type} AS {HiveTypes.Quote(keys[i].Name)}");
        }
        select.Append(" FROM read_parquet([").AppendJoin(", ", files.Select(f => Literal(f.File.Path))).Append("], union_by_name = true, filename = true)");
        return select.ToString();
    }

    private static string Location(JsonObject descriptor, string table) =>
        (string?)descriptor["Location"] ?? throw new QueryFailure($"Table {table} has no StorageDescriptor.Location.", QueryFailure.UserError);

    private static async Task<(List<string> Sql, long Bytes)> BranchAsync(string location, IReadOnlyList<string> values,
        List<(string Name, string Type)> columns, List<(string Name, string Type)> keys, FileFormat format, ObjectFiles files, CancellationToken cancellationToken)
    {
        if (!S3Location.TryParse(location, out var s3))
        {
            throw new QueryFailure($"Location {location} is not an s3:// location.", QueryFailure.UserError);
        }
        var objects = await files.ListAsync(s3, detectGzip: format.Kind != "parquet", cancellationToken).ConfigureAwait(false);
        var result = new List<string>();
        var partitionColumns = new StringBuilder();
        for (var i = 0; i < keys.Count; i++)
        {
            partitionColumns.Append($", CAST({Literal(values[i])} AS {keys[i].Type}) AS {HiveTypes.Quote(keys[i].Name)}");
        }
        foreach (var group in objects.GroupBy(o => o.Gzip))
        {
            var paths = "[" + string.Join(", ", group.Select(o => Literal(o.Path))) + "]";
            var select = new StringBuilder("SELECT ");
            select.AppendJoin(", ", columns.Select(c => format.Kind == "parquet" ? $"CAST({HiveTypes.Quote(c.Name)} AS {c.Type}) AS {HiveTypes.Quote(c.Name)}" : HiveTypes.Quote(c.Name)));
            select.Append(partitionColumns).Append(" FROM ").Append(format.Reader(paths, columns, group.Key));
            result.Add(select.ToString());
        }
        return (result, objects.Sum(o => o.Size));
    }

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>How a table's objects are read, from its classification, SerDe and input format.</summary>
    private sealed record FileFormat(string Kind, string Delimiter, bool Header, bool IgnoreMalformed)
    {
        public static FileFormat Of(JsonObject table)
        {
            var descriptor = table["StorageDescriptor"] as JsonObject ?? [];
            var classification = ((string?)(table["Parameters"] as JsonObject)?["classification"]
                ?? (string?)(descriptor["Parameters"] as JsonObject)?["classification"] ?? "").ToLowerInvariant();
            var serde = descriptor["SerdeInfo"] as JsonObject;
            var library = ((string?)serde?["SerializationLibrary"] ?? "").ToLowerInvariant();
            var input = ((string?)descriptor["InputFormat"] ?? "").ToLowerInvariant();
            var serdeParameters = serde?["Parameters"] as JsonObject;
            var tableParameters = table["Parameters"] as JsonObject;
            string? Parameter(string key) => (string?)serdeParameters?[key] ?? (string?)tableParameters?[key];
            if (classification == "parquet" || library.Contains("parquet", StringComparison.Ordinal) || input.Contains("parquet", StringComparison.Ordinal))
            {
                return new FileFormat("parquet", "", false, false);
            }
            if (classification == "json" || library.Contains("json", StringComparison.Ordinal))
            {
                return new FileFormat("json", "", false, Parameter("ignore.malformed.json") == "true");
            }
            if (classification == "csv" || library.Contains("lazysimpleserde", StringComparison.Ordinal) || library.Contains("opencsvserde", StringComparison.Ordinal))
            {
                var delimiter = Parameter("field.delim") ?? Parameter("separatorChar") ?? Parameter("delimiter") ?? ",";
                return new FileFormat("csv", delimiter, Parameter("skip.header.line.count") == "1", false);
            }
            var kind = classification.Length > 0 ? classification : library.Length > 0 ? library : "unknown";
            throw new QueryFailure($"HIVE_UNSUPPORTED_FORMAT: tables of format {kind} cannot be read (JSON, Parquet and CSV can).", QueryFailure.UserError);
        }

        public string Reader(string paths, List<(string Name, string Type)> columns, bool gzip)
        {
            var columnTypes = "{" + string.Join(", ", columns.Select(c => Literal(c.Name) + ": " + Literal(c.Type))) + "}";
            var compression = gzip ? "'gzip'" : "'uncompressed'";
            return Kind switch
            {
                "parquet" => $"read_parquet({paths}, union_by_name = true)",
                "json" => $"read_json({paths}, format = 'newline_delimited', compression = {compression}, columns = {columnTypes}, ignore_errors = {(IgnoreMalformed ? "true" : "false")})",
                _ => $"read_csv({paths}, delim = {Literal(Delimiter)}, header = {(Header ? "true" : "false")}, compression = {compression}, columns = {columnTypes}, auto_detect = false)",
            };
        }
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
