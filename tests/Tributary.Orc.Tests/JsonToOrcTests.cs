using System.Text;
using Tributary.Formats.Json;
using Tributary.Orc.Json;
using Tributary.Orc.Reader;
using Tributary.Orc.Writer;

namespace Tributary.Orc.Tests;

public sealed class JsonToOrcTests
{
    private static (List<object?> Rows, List<RejectedRecord> Rejected) Convert(string columns, IEnumerable<string> records, JsonSerDeOptions? serde = null)
    {
        var schema = OrcSchemas.FromTable(TableDefinition.ParseColumns("t", columns));
        var output = new MemoryStream();
        var rejected = new List<RejectedRecord>();
        using (var writer = new OrcWriter(output, schema, new OrcWriterOptions(), leaveOpen: true))
        {
            var converter = new JsonToOrcConverter(writer, serde);
            foreach (var record in records)
            {
                if (!converter.TryWriteRecord(Encoding.UTF8.GetBytes(record), out var rejection))
                {
                    rejected.Add(rejection!);
                }
            }
            writer.Complete();
        }
        using var reader = new OrcReader(output.ToArray());
        return (reader.ReadRows().ToList(), rejected);
    }

    [Fact]
    public void Converts_every_type_with_firehose_coercions()
    {
        var (rows, rejected) = Convert(
            "b boolean, t tinyint, i int, l bigint, f float, d double, s string, v varchar(3), c char(4), bin binary, dt date, ts timestamp, dec decimal(10,2), big decimal(30,5), arr array<int>, m map<string,string>, st struct<x:int,y:string>",
            [
                """{"b": "true", "t": 5, "i": "42", "l": 9007199254740993, "f": 1.5, "d": "2.25", "s": {"n": [1, 2]}, "v": "abcdef", "c": "ab", "bin": "AAEC", "dt": "2024-02-29", "ts": "2024-02-29 12:34:56.123456789", "dec": "12.35", "big": 123456789012345678901.5, "arr": [1, null, 3], "m": {"k": "v"}, "st": {"y": "yy", "x": 7}}""",
                """{"B": false}""",
            ]);
        Assert.True(rejected.Count == 0, string.Join("; ", rejected));
        var first = ((OrcStruct)rows[0]!).Fields;
        Assert.Equal(true, first[0]);
        Assert.Equal(5L, first[1]);
        Assert.Equal(42L, first[2]);
        Assert.Equal(9007199254740993L, first[3]);
        Assert.Equal(1.5f, first[4]);
        Assert.Equal(2.25, first[5]);
        Assert.Equal("""{"n": [1, 2]}""", first[6]);
        Assert.Equal("abc", first[7]);
        Assert.Equal("ab  ", first[8]);
        Assert.Equal(new byte[] { 0, 1, 2 }, first[9]);
        Assert.Equal(new DateOnly(2024, 2, 29), first[10]);
        Assert.Equal("2024-02-29 12:34:56.123456789", first[11]!.ToString());
        Assert.Equal("12.35", first[12]!.ToString());
        Assert.Equal("123456789012345678901.50000", first[13]!.ToString());
        Assert.Equal([1L, null, 3L], (List<object?>)first[14]!);
        Assert.Equal("k", ((List<KeyValuePair<object?, object?>>)first[15]!)[0].Key);
        Assert.Equal([7L, "yy"], ((OrcStruct)first[16]!).Fields);
        var second = ((OrcStruct)rows[1]!).Fields;
        Assert.Equal(false, second[0]);
        Assert.All(second.Skip(1), Assert.Null);
    }

    [Fact]
    public void A_rejected_record_leaves_nothing_behind()
    {
        var (rows, rejected) = Convert("a int, s struct<x:int,y:array<string>>, z string",
        [
            """{"a": 1, "s": {"x": 1, "y": ["p"]}, "z": "one"}""",
            """{"a": 2, "s": {"x": "not-an-int", "y": ["q", 3, {"deep": true}]}, "z": "two"}""",
            """{"a": 300000000000, "z": "three"}""",
            """not json""",
            """{"z": "four", "s": {"y": [], "x": 4}, "a": 4}""",
        ]);
        Assert.True(rejected.Count == 3, string.Join("; ", rejected));
        Assert.Equal("a", rejected[1].Field);
        Assert.Equal(2, rows.Count);
        Assert.Equal([1L, new OrcStruct([1L, new List<object?> { "p" }]), "one"], ((OrcStruct)rows[0]!).Fields, new ValueComparer());
        Assert.Equal(4L, ((OrcStruct)rows[1]!).Fields[0]);
        Assert.Equal("four", ((OrcStruct)rows[1]!).Fields[2]);
    }

    private sealed class ValueComparer : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) => RandomData.Show(x) == RandomData.Show(y);

        public int GetHashCode(object? obj) => 0;
    }
}
