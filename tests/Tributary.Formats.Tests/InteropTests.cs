using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Formats.Tests;

/// <summary>Files we write, read back by DuckDB and hyparquet (separate node processes) and compared value by value.</summary>
[Trait("Category", "process")]
public sealed class InteropTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tributary-parquet-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<CompressionCodec, int> Codecs()
    {
        var data = new TheoryData<CompressionCodec, int>();
        foreach (var codec in new[] { CompressionCodec.Uncompressed, CompressionCodec.Snappy, CompressionCodec.Gzip, CompressionCodec.Zstd })
        {
            foreach (var version in new[] { 1, 2 })
            {
                data.Add(codec, version);
            }
        }
        return data;
    }

    private string Write(string name, ParquetSchema schema, IEnumerable<Dictionary<string, object?>> rows, ParquetWriterOptions options)
    {
        var path = Path.Combine(_directory, name);
        using var file = ParquetFile.Create(path, schema, options);
        foreach (var row in rows)
        {
            file.Writer.WriteRow(row);
        }
        file.Complete();
        return path;
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Every_type_reads_back_equal_in_duckdb_and_hyparquet(CompressionCodec codec, int pageVersion)
    {
        // Small pages and row groups so every file has several of each, dictionary fallback and delta pages.
        var options = new ParquetWriterOptions
        {
            Compression = codec,
            DataPageVersion = pageVersion,
            PageSizeBytes = 2048,
            RowGroupMaxRows = 700,
            DictionaryPageSizeLimit = 4096,
        };
        var schema = AllTypes.Schema();
        var rows = AllTypes.Rows(1500, seed: (int)codec * 10 + pageVersion);
        var path = Write($"all-{codec}-v{pageVersion}.parquet", schema, rows, options);

        ExpectedValues.AssertRowsMatch(schema, rows, NodeReaders.DuckDbRows(path), ExternalReader.DuckDb);
        ExpectedValues.AssertRowsMatch(schema, rows, NodeReaders.HyparquetRows(path), ExternalReader.Hyparquet);

        var metadata = NodeReaders.DuckDbMetadata(path);
        var expectedCodec = codec == CompressionCodec.Uncompressed ? "UNCOMPRESSED" : codec.ToString().ToUpperInvariant();
        Assert.All(metadata, chunk => Assert.Equal(expectedCodec, chunk.GetProperty("compression").GetString()));
        Assert.Equal(3, metadata.Select(c => c.GetProperty("row_group_id").GetString()).Distinct().Count());
    }

    [Fact]
    public void Duckdb_sees_the_encodings_statistics_and_logical_types_we_claim()
    {
        var schema = new ParquetSchema(
        [
            Field.Int64("seq", required: true),
            Field.String("country"),
            Field.String("unique_text"),
            Field.Integer("unsigned", 32, isSigned: false),
            Field.Double("score"),
            Field.Timestamp("at", TimeUnit.Millis, isAdjustedToUtc: true),
            Field.Decimal("price", 12, 3),
            Field.Uuid("uid"),
            Field.Json("doc"),
            Field.Date("day"),
            Field.String("fallback"),
        ]);
        var countries = new[] { "DE", "FR", "US", "BR", "JP" };
        var rows = new List<Dictionary<string, object?>>();
        var random = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            rows.Add(new()
            {
                ["seq"] = 1_000_000L + i,
                ["country"] = i % 10 == 0 ? null : countries[i % countries.Length],
                ["unique_text"] = $"text-{i:D6}-{random.Next()}",
                ["unsigned"] = i == 3 ? uint.MaxValue : (uint)i,
                ["score"] = i == 7 ? double.NaN : random.NextDouble() * 100,
                ["at"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(i * 37),
                ["price"] = (i % 1000) / 1000m,
                ["uid"] = Guid.Empty,
                ["doc"] = "{}",
                ["day"] = new DateOnly(2024, 1, 1),
                ["fallback"] = "repeated-value-number-" + (i / 3),
            });
        }
        var path = Write("claims.parquet", schema, rows, new ParquetWriterOptions
        {
            PageSizeBytes = 64 * 1024,
            DictionaryPageSizeLimit = 64 * 1024,
            KeyValueMetadata = new Dictionary<string, string> { ["tributary.stream"] = "orders-é" },
        });
        var chunks = NodeReaders.DuckDbMetadata(path).ToDictionary(c => c.GetProperty("path_in_schema").GetString()!);

        string Encodings(string column) => chunks[column].GetProperty("encodings").GetString()!;
        string Stat(string column, string name) => chunks[column].GetProperty(name).GetString()!;

        Assert.Contains("DELTA_BINARY_PACKED", Encodings("seq"));                // monotonic ids: delta pays
        Assert.Contains("RLE_DICTIONARY", Encodings("country"));                 // five values: dictionary
        Assert.DoesNotContain("RLE_DICTIONARY", Encodings("unique_text"));       // all distinct: plain
        Assert.DoesNotContain("nan", Stat("score", "stats_max_value"), StringComparison.OrdinalIgnoreCase); // NaN left out of min/max
        Assert.Contains("RLE_DICTIONARY", Encodings("fallback"));
        Assert.Contains("PLAIN", Encodings("fallback").Replace("RLE_DICTIONARY", ""));
        Assert.Equal("1000000", Stat("seq", "stats_min_value"));
        Assert.Equal("1019999", Stat("seq", "stats_max_value"));
        Assert.Equal("BR", Stat("country", "stats_min_value"));
        Assert.Equal("US", Stat("country", "stats_max_value"));
        Assert.Equal("2000", Stat("country", "stats_null_count"));
        Assert.Equal("0", Stat("unsigned", "stats_min_value"));
        Assert.Equal(uint.MaxValue.ToString(), Stat("unsigned", "stats_max_value")); // unsigned order, not -1
        Assert.Equal("0.000", Stat("price", "stats_min_value"));
        Assert.Equal("0.999", Stat("price", "stats_max_value"));
        Assert.StartsWith("2024-01-01 00:00:00", Stat("at", "stats_min_value"));

        var types = NodeReaders.DuckDbSchema(path).ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["at"].GetProperty("duckdb_type").GetString());
        Assert.Equal("DECIMAL(12,3)", types["price"].GetProperty("duckdb_type").GetString());
        Assert.Equal("UUID", types["uid"].GetProperty("duckdb_type").GetString());
        Assert.Equal("UINTEGER", types["unsigned"].GetProperty("duckdb_type").GetString());
        Assert.Equal("DATE", types["day"].GetProperty("duckdb_type").GetString());
        Assert.Equal("JSON", types["doc"].GetProperty("duckdb_type").GetString());

        // The statistics let DuckDB answer from metadata; and the data agrees with them.
        var sums = NodeReaders.DuckDbSql($"SELECT count(*) AS n, min(seq) AS lo, max(unique_text) AS hi, count(country) AS c FROM read_parquet('{path}')");
        Assert.Equal("20000", sums[0].GetProperty("n").ToString());
        Assert.Equal("18000", sums[0].GetProperty("c").ToString());

        var keyValues = NodeReaders.DuckDbSql($"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('{path}')");
        Assert.Equal(("tributary.stream", "orders-é"), (keyValues.Single().GetProperty("k").GetString(), keyValues.Single().GetProperty("v").GetString()));
        var createdBy = NodeReaders.DuckDbSql($"SELECT created_by FROM parquet_file_metadata('{path}')");
        Assert.StartsWith("tributary version ", createdBy.Single().GetProperty("created_by").GetString());

        // The dictionary fell back to PLAIN part-way through the chunk once it passed its size limit.
        using var reader = Tributary.Formats.Parquet.Reader.ParquetReader.Open(path);
        var pages = reader.ReadColumn(0, schema.Columns.Count - 1).Pages;
        Assert.Equal(PageType.DictionaryPage, pages[0].Type);
        Assert.Equal(Encoding.RleDictionary, pages[1].Encoding);
        Assert.Equal(Encoding.Plain, pages[^1].Encoding);
        var distinct = NodeReaders.DuckDbSql($"SELECT count(DISTINCT fallback) AS d FROM read_parquet('{path}')");
        Assert.Equal("6667", distinct[0].GetProperty("d").ToString());
    }
}

/// <summary>Our reader on files DuckDB writes (its encodings and layouts, not ours).</summary>
[Trait("Category", "process")]
public sealed class ForeignFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tributary-foreign-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("snappy", "V1")]
    [InlineData("zstd", "V2")]
    [InlineData("gzip", "V1")]
    public void Our_reader_reads_what_duckdb_writes(string codec, string pageVersion)
    {
        var path = Path.Combine(_directory, $"duck-{codec}.parquet");
        NodeReaders.DuckDbSql($$"""
            COPY (SELECT i AS id, i % 7 = 0 AS flag, CASE WHEN i % 5 = 0 THEN NULL ELSE 'name-' || (i % 13) END AS name,
                         (i * 1.5)::DOUBLE AS score, (i / 100)::DECIMAL(10, 2) AS price, DATE '2024-01-01' + (i % 400)::INTEGER AS day,
                         TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND AS at,
                         CASE WHEN i % 3 = 0 THEN [] ELSE [i, i + 1] END AS xs, {'a': i, 'b': 'x' || i} AS s,
                         MAP {'k': i} AS m
                  FROM range(5000) t(i))
            TO '{{path}}' (FORMAT parquet, COMPRESSION {{codec}}, PARQUET_VERSION {{pageVersion}}, ROW_GROUP_SIZE 2048)
            """);
        using var reader = Parquet.Reader.ParquetReader.Open(path);
        var rows = reader.ReadRows().ToList();
        Assert.Equal(5000, rows.Count);
        for (var i = 0; i < rows.Count; i += 37)
        {
            var row = rows[i];
            Assert.Equal((long)i, row["id"]);
            Assert.Equal(i % 7 == 0, row["flag"]);
            Assert.Equal(i % 5 == 0 ? null : "name-" + (i % 13), row["name"]);
            Assert.Equal(i * 1.5, row["score"]);
            Assert.Equal(i / 100m, row["price"]);
            Assert.Equal(new DateOnly(2024, 1, 1).AddDays(i % 400), row["day"]);
            Assert.Equal(new DateTime(2024, 1, 1).AddSeconds(i), row["at"]);
            Assert.Equal(i % 3 == 0 ? [] : new List<object?> { (long)i, (long)i + 1 }, (List<object?>)row["xs"]!);
            Assert.Equal((long)i, ((Dictionary<string, object?>)row["s"]!)["a"]);
            Assert.Equal(new KeyValuePair<object, object?>("k", (long)i), Assert.Single((List<KeyValuePair<object, object?>>)row["m"]!));
        }
    }
}
