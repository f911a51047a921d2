using System.Text;
using Tributary.Formats.Json;
using Tributary.Formats.Parquet.Reader;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;
using TimeUnit = Tributary.Formats.Parquet.Metadata.TimeUnit;

namespace Tributary.Formats.Tests;

[Trait("Category", "process")]
public sealed class JsonConversionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tributary-json-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (List<Dictionary<string, object?>> Rows, List<RejectedRecord> Rejected, string Path) Convert(ParquetSchema schema, string json, JsonSerDeOptions? options = null)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".parquet");
        var rejected = new List<RejectedRecord>();
        using (var file = ParquetFile.Create(path, schema))
        {
            var converter = new JsonToParquetConverter(file.Writer, options);
            converter.Convert(new MemoryStream(Encoding.UTF8.GetBytes(json)), rejected.Add);
            file.Complete();
        }
        using var reader = ParquetReader.Open(path);
        return (reader.ReadRows().ToList(), rejected, path);
    }

    [Fact]
    public void OpenX_matches_keys_ignoring_case_maps_columns_and_converts_dots()
    {
        var schema = new ParquetSchema([Field.String("user_name"), Field.Int64("ts_field"), Field.String("a_b")]);
        var json = """
            {"User_Name":"ann","timestamp":5,"a.b":"dotted","ignored":1}
            {"user_name":"bob","TIMESTAMP":6}
            """;
        var options = new JsonSerDeOptions
        {
            ColumnToJsonKeyMappings = new Dictionary<string, string> { ["ts_field"] = "timestamp" },
            ConvertDotsInJsonKeysToUnderscores = true,
        };
        var (rows, rejected, _) = Convert(schema, json, options);
        Assert.Empty(rejected);
        Assert.Equal(["ann", "bob"], rows.Select(r => r["user_name"]));
        Assert.Equal([5L, 6L], rows.Select(r => r["ts_field"]));
        Assert.Equal(["dotted", null], rows.Select(r => r["a_b"]));

        // Case-sensitive OpenX does not match "User_Name"; without dot conversion "a.b" does not match.
        var (strict, _, _) = Convert(schema, json, new JsonSerDeOptions { CaseInsensitive = false });
        Assert.Null(strict[0]["user_name"]);
        Assert.Null(strict[0]["a_b"]);
    }

    [Theory]
    [InlineData("\"2017-02-07T15:13:01.39256Z\"", "2017-02-07T15:13:01.392560")]
    [InlineData("\"2017-02-07T15:13:01.123456789Z\"", "2017-02-07T15:13:01.123456")]
    [InlineData("\"2017-2-7 15:13:01.14\"", "2017-02-07T15:13:01.140000")]
    [InlineData("\"2017-02-07 15:13:01\"", "2017-02-07T15:13:01.000000")]
    [InlineData("\"2017-02-07T17:13:01+02:00\"", "2017-02-07T15:13:01.000000")]
    [InlineData("1518033528", "2018-02-07T19:58:48.000000")]
    [InlineData("1518033528123", "2018-02-07T19:58:48.123000")]
    [InlineData("1518033528.5", "2018-02-07T19:58:48.500000")]
    public void OpenX_timestamps_in_every_documented_form(string value, string expected)
    {
        var schema = new ParquetSchema([Field.Timestamp("t", TimeUnit.Micros)]);
        var (rows, rejected, _) = Convert(schema, $"{{\"t\":{value}}}");
        Assert.Empty(rejected);
        Assert.Equal(expected, ((DateTime)rows[0]["t"]!).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff"));
    }

    [Fact]
    public void Hive_uses_its_timestamp_formats_and_millis()
    {
        var schema = new ParquetSchema([Field.Timestamp("t", TimeUnit.Millis)]);
        var options = new JsonSerDeOptions { Kind = JsonSerDeKind.Hive, TimestampFormats = ["dd/MM/yyyy HH:mm", "millis"] };
        var (rows, rejected, _) = Convert(schema, "{\"T\":\"07/02/2017 15:13\"}\n{\"t\":1518033528123}\n{\"t\":1518033528}", options);
        Assert.Equal(new DateTime(2017, 2, 7, 15, 13, 0, DateTimeKind.Utc), rows[0]["t"]);
        Assert.Equal(new DateTime(2018, 2, 7, 19, 58, 48, 123, DateTimeKind.Utc), rows[1]["t"]);
        // "millis" makes every number milliseconds under Hive.
        Assert.Equal(new DateTime(1970, 1, 18, 13, 40, 33, 528, DateTimeKind.Utc), rows[2]["t"]);
        Assert.Empty(rejected);

        // Without formats Hive takes java.sql.Timestamp.valueOf's form only: no 'T', no zone, no epoch numbers.
        var (plain, plainRejected, _) = Convert(schema, "{\"t\":\"2017-2-7 15:13:01.123456789\"}\n{\"t\":\"2017-02-07T15:13:01Z\"}\n{\"t\":1518033528}", new JsonSerDeOptions { Kind = JsonSerDeKind.Hive });
        Assert.Equal(new DateTime(2017, 2, 7, 15, 13, 1, 123, DateTimeKind.Utc), plain.Single()["t"]);
        Assert.Equal([1L, 2L], plainRejected.Select(r => r.RecordNumber));
    }

    [Fact]
    public void Records_that_do_not_fit_are_reported_with_field_and_number_and_the_rest_is_written()
    {
        var schema = new ParquetSchema(
        [
            Field.Int64("id", required: true),
            Field.Integer("small", 8, isSigned: true),
            Field.Decimal("price", 5, 2),
            Field.Struct("inner", [Field.Timestamp("at")]),
            Field.List("xs", Field.Int32("element")),
        ]);
        var json = """
            {"id":1,"small":5,"price":"12.34","inner":{"at":"2024-01-01T00:00:00Z"},"xs":[1,2]}
            {"id":2,"small":500}
            {"small":1}
            {"id":4,"price":1.234}
            {"id":5,"inner":{"at":"yesterday"}}
            {"id":6,"xs":[1,"two"]}
            {"id":7, broken
            {"id":8,"price":999.99,"xs":[]}
            """;
        var (rows, rejected, _) = Convert(schema, json);
        Assert.Equal([1L, 8L], rows.Select(r => r["id"]));
        Assert.Equal(1234 / 100m, rows[0]["price"]);
        Assert.Equal([1, 2], (List<object?>)rows[0]["xs"]!);
        Assert.Equal(999.99m, rows[1]["price"]);
        var byNumber = rejected.ToDictionary(r => r.RecordNumber);
        Assert.Equal(6, rejected.Count);
        Assert.Equal("small", byNumber[1].Field);
        Assert.Contains("out of range", byNumber[1].Reason);
        Assert.Equal("id", byNumber[2].Field);
        Assert.Contains("required", byNumber[2].Reason);
        Assert.Equal("price", byNumber[3].Field);
        Assert.Contains("fraction digits", byNumber[3].Reason);
        Assert.Equal("inner.at", byNumber[4].Field);
        Assert.Contains("yesterday", byNumber[4].Reason);
        Assert.Equal("xs.list.element", byNumber[5].Field);
        Assert.Contains("invalid JSON", byNumber[6].Reason);
        Assert.Equal("{\"id\":7, broken", Encoding.UTF8.GetString(byNumber[6].Record));
    }

    [Fact]
    public void Converted_events_equal_duckdbs_own_reading_of_the_json()
    {
        // DuckDB reads the JSON lines itself and compares with our Parquet: the two sides must be identical.
        var schema = new ParquetSchema(
        [
            Field.Int64("id"),
            Field.String("name"),
            Field.Double("score"),
            Field.Boolean("ok"),
            Field.Timestamp("ts"),
            Field.Struct("device", [Field.String("os"), Field.Int32("width")]),
            Field.List("tags", Field.String("element")),
            Field.List("items", Field.Struct("element", [Field.String("sku"), Field.Int64("qty")])),
        ]);
        var random = new Random(3);
        var lines = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            var tags = string.Join(",", Enumerable.Range(0, random.Next(3)).Select(t => $"\"t{random.Next(5)}\""));
            var items = string.Join(",", Enumerable.Range(0, random.Next(3)).Select(t => $"{{\"sku\":\"S{random.Next(100)}\",\"qty\":{random.Next(5)}}}"));
            var name = random.Next(10) == 0 ? "null" : $"\"n\\u00e9{random.Next(50)}\\n\"";
            lines.Append($"{{\"id\":{i},\"name\":{name},\"score\":{random.NextDouble() * 1000:R},\"ok\":{(random.Next(2) == 0 ? "true" : "false")},\"ts\":\"2025-01-01T00:00:{random.Next(60):D2}.{random.Next(1_000_000):D6}Z\",\"device\":{{\"os\":\"os{random.Next(3)}\",\"width\":{random.Next(2000)}}},\"tags\":[{tags}],\"items\":[{items}]}}\n");
        }
        var jsonPath = Path.Combine(_directory, "events.jsonl");
        File.WriteAllText(jsonPath, lines.ToString());
        var (rows, rejected, parquetPath) = Convert(schema, lines.ToString());
        Assert.Empty(rejected);
        Assert.Equal(3000, rows.Count);
        var columns = "{id: 'BIGINT', name: 'VARCHAR', score: 'DOUBLE', ok: 'BOOLEAN', ts: 'TIMESTAMPTZ', device: 'STRUCT(os VARCHAR, width INTEGER)', tags: 'VARCHAR[]', items: 'STRUCT(sku VARCHAR, qty BIGINT)[]'}";
        var differences = NodeReaders.DuckDbSql(
            $"SELECT count(*) AS n FROM (SELECT * FROM read_parquet('{parquetPath}') EXCEPT ALL SELECT * FROM read_json('{jsonPath}', columns = {columns}, format = 'newline_delimited'))");
        Assert.Equal("0", differences[0].GetProperty("n").ToString());
        var count = NodeReaders.DuckDbSql($"SELECT count(*) AS n FROM read_parquet('{parquetPath}')");
        Assert.Equal("3000", count[0].GetProperty("n").ToString());
    }

    [Fact]
    public void Records_split_across_reads_convert_exactly_like_whole_input()
    {
        // A stream that returns a few bytes per read makes nearly every record end inside the buffer:
        // the converter must roll back, read more and shred the record again, never reject or duplicate it.
        var schema = new ParquetSchema([Field.Int64("id"), Field.String("s"), Field.List("xs", Field.Struct("element", [Field.Double("v"), Field.Json("j")]))]);
        var json = new StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            json.Append($"{{\"id\":{i},\"unknown\":{{\"deep\":[1,2,{{\"x\":\"y\"}}]}},\"s\":\"caf\\u00e9 {i}\",\"xs\":[{{\"v\":{i}.5,\"j\":{{\"k\":[{i}]}}}}]}}");
            json.Append(i % 3 == 0 ? "\n" : " ");
        }
        json.Append("{\"id\":\"bad\"}\n{\"id\":401}");
        var bytes = Encoding.UTF8.GetBytes(json.ToString());

        List<Dictionary<string, object?>> ConvertWith(Stream input, List<RejectedRecord> rejected)
        {
            var stream = new MemoryStream();
            using (var writer = new ParquetWriter(stream, schema, new ParquetWriterOptions { RowGroupMaxRows = 37 }, leaveOpen: true))
            {
                new JsonToParquetConverter(writer).Convert(input, rejected.Add);
                writer.Complete();
            }
            using var reader = new ParquetReader(new MemoryStream(stream.ToArray()));
            return reader.ReadRows().ToList();
        }

        var wholeRejected = new List<RejectedRecord>();
        var whole = ConvertWith(new MemoryStream(bytes), wholeRejected);
        foreach (var chunk in new[] { 1, 7, 64 })
        {
            var rejected = new List<RejectedRecord>();
            var trickled = ConvertWith(new TrickleStream(bytes, chunk), rejected);
            Assert.Equal(whole.Count, trickled.Count);
            for (var i = 0; i < whole.Count; i++)
            {
                WriterReaderTests.AssertDeepEqual(whole[i], trickled[i], $"chunk {chunk}, row {i}");
            }
            Assert.Equal(wholeRejected.Select(r => (r.RecordNumber, r.Field)), rejected.Select(r => (r.RecordNumber, r.Field)));
        }
        Assert.Equal(401, whole.Count);
        Assert.Equal("café 7", whole[7]["s"]);
        Assert.Equal("{\"k\":[7]}", ((Dictionary<string, object?>)((List<object?>)whole[7]["xs"]!)[0]!)["j"]);
        Assert.Equal((400L, "id"), (wholeRejected.Single().RecordNumber, wholeRejected.Single().Field));
    }

    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }

    [Fact]
    public void Inference_widens_disagreeing_records_and_round_trips_through_a_table_definition()
    {
        var inference = new SchemaInference();
        foreach (var line in new[]
        {
            """{"id":1,"v":1,"when":"2024-01-01T00:00:00Z","tags":["a"],"obj":{"x":1},"mixed":1,"Later":null}""",
            """{"ID":2,"v":1.5,"when":"not a time","tags":[],"obj":{"y":"s"},"mixed":"text","later":true}""",
        })
        {
            inference.Add(Encoding.UTF8.GetBytes(line));
        }
        var table = inference.ToTable("events");
        Assert.Equal(
            [("id", "bigint"), ("v", "double"), ("when", "string"), ("tags", "array<string>"), ("obj", "struct<x:bigint,y:string>"), ("mixed", "string"), ("later", "boolean")],
            table.Columns);
        var store = new TableDefinitionStore(Path.Combine(_directory, "tables"));
        store.Save(table);
        Assert.Equal(table.Columns, store.Load("events").Columns);
        Assert.Equal(["events"], store.Names());
        Assert.Throws<ParquetFormatException>(() => store.Save(table with { Name = "../escape" }));
        Assert.Contains("unknown type 'strin'", Assert.Throws<ParquetFormatException>(() => HiveTypes.Parse("c", "array<strin>")).Message);
    }
}

[Trait("Category", "process")]
public sealed class ConversionAllocationTests
{
    [Fact]
    public void Converting_records_allocates_nothing_per_record_on_the_converting_thread()
    {
        var schema = new ParquetSchema(
        [
            Field.Uuid("id"), Field.Timestamp("ts"), Field.Int64("user"), Field.String("type"), Field.Double("latency"), Field.Boolean("ok"),
            Field.Struct("device", [Field.String("os"), Field.Int32("width")]), Field.List("tags", Field.String("element")),
            Field.List("items", Field.Struct("element", [Field.String("sku"), Field.Decimal("price", 10, 2)])), Field.Decimal("amount", 12, 2),
        ]);
        var line = "{\"id\":\"23b8c1e9-3924-46de-beb1-3b9046685257\",\"ts\":\"2025-01-01T00:00:00.020952Z\",\"user\":859792,\"type\":\"page_view\",\"latency\":55.012,\"ok\":true,\"device\":{\"os\":\"android\",\"width\":390},\"tags\":[\"mobile\",\"new\"],\"items\":[{\"sku\":\"SKU-1\",\"price\":9.99}],\"amount\":19.98}\n";
        var input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 100_000)));
        using var writer = new ParquetWriter(Stream.Null, schema, new ParquetWriterOptions { BackgroundFlush = false, RowGroupSizeBytes = long.MaxValue }, leaveOpen: true);
        var converter = new JsonToParquetConverter(writer);
        converter.Convert(new MemoryStream(input)); // warm up: column buffers grow to a row group's size and are kept
        writer.FlushRowGroup();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = converter.Convert(new MemoryStream(input));
        var perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)result.Written;
        Assert.Equal(100_000, result.Written);
        // The second row group reuses the first one's buffers; nothing may allocate per record.
        Assert.True(perRecord < 1, $"{perRecord:F2} bytes allocated per record");
    }
}
