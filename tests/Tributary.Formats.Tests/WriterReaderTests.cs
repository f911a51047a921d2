using System.Buffers.Binary;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Reader;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Formats.Tests;

/// <summary>Round trips through our own reader, bad schemas and values, interrupted writes.</summary>
public sealed class WriterReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tributary-parquet-rt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] WriteToBytes(ParquetSchema schema, IEnumerable<Dictionary<string, object?>> rows, ParquetWriterOptions? options = null)
    {
        var stream = new MemoryStream();
        using (var writer = new ParquetWriter(stream, schema, options, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                writer.WriteRow(row);
            }
            writer.Complete();
        }
        return stream.ToArray();
    }

    private static List<Dictionary<string, object?>> Read(byte[] file)
    {
        using var reader = new ParquetReader(new MemoryStream(file));
        return reader.ReadRows().ToList();
    }

    public static TheoryData<CompressionCodec, int, bool> Variants()
    {
        var data = new TheoryData<CompressionCodec, int, bool>();
        foreach (var codec in new[] { CompressionCodec.Uncompressed, CompressionCodec.Snappy, CompressionCodec.Gzip, CompressionCodec.Zstd })
        {
            data.Add(codec, 1, true);
            data.Add(codec, 2, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_type_round_trips_through_our_reader(CompressionCodec codec, int pageVersion, bool dictionary)
    {
        var rows = AllTypes.Rows(2500, seed: 11);
        var file = WriteToBytes(AllTypes.Schema(), rows, new ParquetWriterOptions
        {
            Compression = codec,
            DataPageVersion = pageVersion,
            EnableDictionary = dictionary,
            PageSizeBytes = 1000,
            RowGroupMaxRows = 1000,
        });
        var back = Read(file);
        Assert.Equal(rows.Count, back.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            AssertDeepEqual(rows[i], back[i], $"row {i}");
        }
    }

    internal static void AssertDeepEqual(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{where}: expected null, got {ExpectedValues.Show(actual)}");
                break;
            case IReadOnlyDictionary<string, object?> fields:
                var actualFields = Assert.IsType<Dictionary<string, object?>>(actual);
                foreach (var (key, value) in fields)
                {
                    AssertDeepEqual(value, actualFields[key], $"{where}.{key}");
                }
                break;
            case List<KeyValuePair<object, object?>> pairs:
                var actualPairs = Assert.IsType<List<KeyValuePair<object, object?>>>(actual);
                Assert.Equal(pairs.Count, actualPairs.Count);
                for (var i = 0; i < pairs.Count; i++)
                {
                    Assert.Equal(pairs[i].Key, actualPairs[i].Key);
                    AssertDeepEqual(pairs[i].Value, actualPairs[i].Value, $"{where}[{pairs[i].Key}]");
                }
                break;
            case System.Collections.IList list when expected is not byte[]:
                var actualList = Assert.IsType<List<object?>>(actual);
                Assert.True(list.Count == actualList.Count, $"{where}: {list.Count} items expected, got {actualList.Count}");
                for (var i = 0; i < list.Count; i++)
                {
                    AssertDeepEqual(list[i], actualList[i], $"{where}[{i}]");
                }
                break;
            case int i when actual is uint:
                Assert.Equal((uint)i, actual);
                break;
            case int i when actual is int:
                Assert.Equal(i, actual);
                break;
            case DateTime t:
                var actualTime = Assert.IsType<DateTime>(actual);
                Assert.True(t == actualTime && t.Kind == actualTime.Kind, $"{where}: {t:o} vs {actualTime:o}");
                break;
            default:
                Assert.True(Equals(expected, actual) || (expected is byte[] a && actual is byte[] b && a.AsSpan().SequenceEqual(b)),
                    $"{where}: expected {ExpectedValues.Show(expected)} ({expected.GetType().Name}), got {ExpectedValues.Show(actual)} ({actual?.GetType().Name})");
                break;
        }
    }

    [Fact]
    public void Random_schemas_and_values_round_trip()
    {
        // Property test: random nested schemas (structs, lists, maps, every leaf type, any repetition) and
        // random values, with random writer options; what we read back equals what we wrote.
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var schema = RandomSchemas.Schema(random);
            var rows = Enumerable.Range(0, random.Next(0, 300)).Select(_ => RandomSchemas.Row(schema, random)).ToList();
            var options = new ParquetWriterOptions
            {
                Compression = (CompressionCodec)new[] { 0, 1, 2, 6 }[random.Next(4)],
                DataPageVersion = random.Next(1, 3),
                PageSizeBytes = random.Next(64, 4096),
                RowGroupMaxRows = random.Next(1, 200),
                EnableDictionary = random.Next(2) == 0,
                DictionaryPageSizeLimit = random.Next(16, 2048),
                DeltaEncoding = (DeltaEncodingPolicy)random.Next(3),
            };
            var back = Read(WriteToBytes(schema, rows, options));
            Assert.True(rows.Count == back.Count, $"seed {seed}: {rows.Count} rows written, {back.Count} read\n{schema}");
            for (var i = 0; i < rows.Count; i++)
            {
                AssertDeepEqual(rows[i], back[i], $"seed {seed}, row {i}");
            }
        }
    }

    [Fact]
    public void Statistics_follow_each_columns_order_and_leave_out_nan_and_overlong_values()
    {
        var schema = new ParquetSchema(
        [
            Field.Integer("u64", 64, isSigned: false), Field.Int32("i32"), Field.Double("d"), Field.String("s"), Field.String("long"),
            Field.Decimal("big", 30, 0), Field.Float("zeros"),
        ]);
        var rows = new List<Dictionary<string, object?>>
        {
            new() { ["u64"] = ulong.MaxValue, ["i32"] = -5, ["d"] = double.NaN, ["s"] = "b", ["long"] = new string('x', 5000), ["big"] = -10m, ["zeros"] = 0.0f },
            new() { ["u64"] = 1UL, ["i32"] = 7, ["d"] = 2.5, ["s"] = "ä", ["long"] = "short", ["big"] = 3m, ["zeros"] = -0.0f },
            new() { ["u64"] = null, ["i32"] = null, ["d"] = -1.0, ["s"] = "B", ["long"] = null, ["big"] = -300m, ["zeros"] = null },
        };
        using var reader = new ParquetReader(new MemoryStream(WriteToBytes(schema, rows)));
        var chunks = reader.Metadata.RowGroups[0].Columns;
        object? Min(int c) => ParquetReader.DecodeStatistic(schema.Columns[c], chunks[c].MetaData.Statistics!.MinValue);
        object? Max(int c) => ParquetReader.DecodeStatistic(schema.Columns[c], chunks[c].MetaData.Statistics!.MaxValue);
        Assert.Equal((1UL, ulong.MaxValue), (Min(0), Max(0)));        // unsigned order
        Assert.Equal((-5, 7), (Min(1), Max(1)));
        Assert.Equal((-1.0, 2.5), (Min(2), Max(2)));                   // NaN left out
        Assert.Equal(("B", "ä"), (Min(3), Max(3)));                    // byte order: 'B' < 'b' < 'ä' (0xC3)
        Assert.Null(chunks[4].MetaData.Statistics!.MinValue);          // a 5000-byte value: no min/max
        Assert.Equal((-300m, 3m), (Min(5), Max(5)));                   // decimal bytes compared as signed integers
        Assert.True(float.IsNegative((float)Min(6)!) && !float.IsNegative((float)Max(6)!)); // zero min is -0, zero max is +0
        Assert.Equal(1L, chunks[0].MetaData.Statistics!.NullCount);
    }

    [Fact]
    public void Row_groups_are_cut_by_buffered_size_so_memory_stays_bounded()
    {
        var schema = new ParquetSchema([Field.Int64("id"), Field.String("text")]);
        var stream = new MemoryStream();
        const long limit = 256 * 1024;
        long peak = 0;
        using (var writer = new ParquetWriter(stream, schema, new ParquetWriterOptions { RowGroupSizeBytes = limit, BackgroundFlush = false }, leaveOpen: true))
        {
            for (var i = 0; i < 50_000; i++)
            {
                writer.WriteRow(new Dictionary<string, object?> { ["id"] = (long)i, ["text"] = "value number " + i });
                peak = Math.Max(peak, writer.BufferedBytes());
            }
            writer.Complete();
        }
        using var reader = new ParquetReader(new MemoryStream(stream.ToArray()));
        var groups = reader.Metadata.RowGroups;
        // About 1.5 MB of values: several row groups, none holding much more than the limit (checked every 1,024 rows).
        Assert.InRange(groups.Count, 4, 12);
        Assert.True(peak < limit + (1024 * 40), $"peak buffered {peak} bytes");
        Assert.Equal(50_000, groups.Sum(g => g.NumRows));
        Assert.Equal(49_999L, reader.ReadRows().Last()["id"]);
    }

    [Fact]
    public void Invalid_schemas_are_refused_naming_the_field()
    {
        Assert.Contains("'a'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([Field.Int32("a"), Field.String("a")])).Message);
        Assert.Contains("'d'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([new PrimitiveNode("d", Repetition.Optional, PhysicalType.Int32, LogicalType.Decimal(12, 2))])).Message);
        Assert.Contains("'s'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([new PrimitiveNode("s", Repetition.Optional, PhysicalType.Int64, LogicalType.String)])).Message);
        Assert.Contains("'f'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([Field.FixedBytes("f", 0)])).Message);
        Assert.Contains("'u'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([new PrimitiveNode("u", Repetition.Optional, PhysicalType.FixedLenByteArray, LogicalType.Uuid, 8)])).Message);
        Assert.Contains("'g'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([Field.Struct("g", [])])).Message);
        Assert.Contains("MAP 'm'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([Field.Map("m", Field.String("key"), Field.Int32("value"))])).Message);
        Assert.Contains("LIST 'l'", Assert.Throws<ParquetFormatException>(() => new ParquetSchema([new GroupNode("l", Repetition.Optional, [Field.Int32("x")], LogicalType.List)])).Message);
        Assert.Throws<ParquetFormatException>(() => new ParquetSchema([]));
    }

    [Fact]
    public void Invalid_values_are_refused_naming_field_and_row_and_leave_the_writer_usable()
    {
        var schema = new ParquetSchema([Field.Int64("id", required: true), Field.Struct("s", [Field.Integer("b", 8, isSigned: true), Field.Decimal("d", 4, 2)])]);
        var stream = new MemoryStream();
        using var writer = new ParquetWriter(stream, schema, leaveOpen: true);
        writer.WriteRow(new Dictionary<string, object?> { ["id"] = 1L });
        var missing = Assert.Throws<ParquetFormatException>(() => writer.WriteRow(new Dictionary<string, object?> { ["s"] = null }));
        Assert.Equal("Row 1: Field 'id' is required but the value is missing or null.", missing.Message);
        var range = Assert.Throws<ParquetFormatException>(() => writer.WriteRow(new Dictionary<string, object?> { ["id"] = 2L, ["s"] = new Dictionary<string, object?> { ["b"] = 300 } }));
        Assert.Contains("Row 1: Field 's.b'", range.Message);
        var digits = Assert.Throws<ParquetFormatException>(() => writer.WriteRow(new Dictionary<string, object?> { ["id"] = 2L, ["s"] = new Dictionary<string, object?> { ["d"] = 123.4m } }));
        Assert.Contains("Field 's.d'", digits.Message);
        var type = Assert.Throws<ParquetFormatException>(() => writer.WriteRow(new Dictionary<string, object?> { ["id"] = "x" }));
        Assert.Contains("Field 'id'", type.Message);
        var unknown = Assert.Throws<ParquetFormatException>(() => writer.WriteRow(new Dictionary<string, object?> { ["id"] = 3L, ["nope"] = 1 }));
        Assert.Contains("'nope'", unknown.Message);
        writer.WriteRow(new Dictionary<string, object?> { ["id"] = 2L, ["s"] = new Dictionary<string, object?> { ["b"] = -5, ["d"] = 12.34m } });
        writer.Complete();
        var rows = Read(stream.ToArray());
        Assert.Equal([1L, 2L], rows.Select(r => r["id"]));
        Assert.Equal(12.34m, ((Dictionary<string, object?>)rows[1]["s"]!)["d"]);
    }

    [Fact]
    public void An_interrupted_write_never_leaves_a_file_that_looks_valid()
    {
        var schema = new ParquetSchema([Field.Int64("id")]);
        var path = Path.Combine(_directory, "out.parquet");
        using (var file = ParquetFile.Create(path, schema, new ParquetWriterOptions { RowGroupMaxRows = 10 }))
        {
            for (var i = 0; i < 100; i++)
            {
                file.Writer.WriteRow(new Dictionary<string, object?> { ["id"] = (long)i });
            }
            // Row groups are on disk under the temporary name, but nothing under the final name.
            Assert.False(File.Exists(path));
            Assert.Single(Directory.GetFiles(_directory));
        }
        Assert.Empty(Directory.GetFiles(_directory));

        // A stream abandoned before Complete() has row groups but no footer: readers refuse it.
        var stream = new MemoryStream();
        using (var writer = new ParquetWriter(stream, schema, new ParquetWriterOptions { RowGroupMaxRows = 10 }, leaveOpen: true))
        {
            for (var i = 0; i < 100; i++)
            {
                writer.WriteRow(new Dictionary<string, object?> { ["id"] = (long)i });
            }
        }
        Assert.True(stream.Length > 100);
        Assert.Contains("PAR1", Assert.Throws<ParquetFormatException>(() => new ParquetReader(new MemoryStream(stream.ToArray()))).Message);

        // A complete file cut anywhere is refused too.
        var whole = WriteToBytes(schema, [new() { ["id"] = 1L }]);
        for (var cut = 0; cut < whole.Length; cut++)
        {
            Assert.ThrowsAny<Exception>(() => Read(whole[..cut]));
        }
        Assert.Single(Read(whole));
    }

    [Fact]
    public void Corrupt_files_fail_with_a_parquet_error_not_a_crash()
    {
        var whole = WriteToBytes(AllTypes.Schema(), AllTypes.Rows(50, 2), new ParquetWriterOptions { PageSizeBytes = 200 });
        var random = new Random(9);
        for (var trial = 0; trial < 400; trial++)
        {
            var copy = (byte[])whole.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                copy[random.Next(4, copy.Length - 8)] ^= (byte)(1 << random.Next(8));
            }
            try
            {
                Read(copy);
            }
            catch (ParquetFormatException)
            {
            }
            catch (Exception e) when (e is InvalidCastException or ArgumentException or OverflowException or IndexOutOfRangeException or OutOfMemoryException)
            {
                // Tolerated only as long as the corruption is inside a value region the reader trusts; record what happened.
                Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    [Fact]
    public void Footer_of_a_small_file_is_frozen()
    {
        // Golden bytes: the footer our writer produces for a fixed small file. A change here changes
        // what every reader sees; update only on purpose, after checking the file in DuckDB.
        var schema = new ParquetSchema([Field.Int32("a", required: true), Field.String("s"), Field.List("l", Field.Int64("element"))]);
        var rows = new List<Dictionary<string, object?>>
        {
            new() { ["a"] = 1, ["s"] = "x", ["l"] = new List<object?> { 5L, null } },
            new() { ["a"] = -2, ["s"] = null, ["l"] = new List<object?>() },
        };
        var file = WriteToBytes(schema, rows, new ParquetWriterOptions { Compression = CompressionCodec.Uncompressed, CreatedBy = "tributary-golden", DeltaEncoding = DeltaEncodingPolicy.Never });
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var footer = Convert.ToHexStringLower(file.AsSpan(file.Length - 8 - footerLength, footerLength));
        Assert.Equal(GoldenFooter, footer);
        Assert.Equal("PAR1"u8.ToArray(), file[..4]);
        Assert.Equal("PAR1"u8.ToArray(), file[^4..]);
    }

    // Read back identically by DuckDB 1.5 and hyparquet 1.31 when captured.
    private const string GoldenFooter =
        // version = 2 (1504); schema: list of 6 SchemaElements (196c) — root, a, s, l (LIST), list (repeated), element
        "1504196c4806736368656d611506001502250018016100150c250218017325004c1c000000350218016c150215064c3c000000350418046c697374150200150425021807656c656d656e7400"
        // num_rows = 2 (1604); row_groups: one RowGroup (191c) with 3 ColumnChunks, each with ColumnMetaData and statistics
        + "1604191c193c26081c150219150019180161150016041652165226083c36002804010000001804feffffff00191c150015001502000000265a1c150c192500061918017315001604164c164c265a3c360228017818017800191c15001500150200000026a6011c1504192500061938016c046c69737407656c656d656e7415001606167c167c26a6013c3604280805000000000000001808050000000000000000191c150015001502000000169a0216042608169a02140000"
        // created_by = "tributary-golden" (2810…); column_orders: 3 × TYPE_DEFINED_ORDER (193c 1c0000…); stop
        + "28107472696275746172792d676f6c64656e193c1c00001c00001c000000";
}
