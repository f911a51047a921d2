using System.Text;
using Tributary.Orc.Metadata;
using Tributary.Orc.Reader;
using Tributary.Orc.Writer;

namespace Tributary.Orc.Tests;

/// <summary>
/// Bloom filters: our hashing finds every string of Apache ORC's example files with UTF-8 bloom filters in its filter
/// (so the string hashing and bit layout are ORC's), and the writer's BLOOM_FILTER_UTF8 streams (OrcSerDe's
/// BloomFilterColumns and BloomFilterFalsePositiveProbability) hold every value of each row group, are sized for the
/// probability and reject values that are absent at about that rate.
/// </summary>
public sealed class BloomFilterTests
{
    private static bool MightContain(BloomFilter filter, TypeDescription type, object value) => type.Kind switch
    {
        OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char => filter.MightContainBytes(Encoding.UTF8.GetBytes((string)value)),
        OrcTypeKind.Binary => filter.MightContainBytes((byte[])value),
        OrcTypeKind.Float or OrcTypeKind.Double => filter.MightContainDouble(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
        OrcTypeKind.Date => filter.MightContainLong(((DateOnly)value).DayNumber - new DateOnly(1970, 1, 1).DayNumber),
        OrcTypeKind.Timestamp => filter.MightContainLong((((OrcTimestamp)value).Seconds * 1000) + (((OrcTimestamp)value).Nanos / 1_000_000)),
        _ => filter.MightContainLong(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>Every non-null value of every top-level column with bloom filters is in its row group's filter.</summary>
    private static int CheckEveryValueIsFound(OrcReader reader)
    {
        var checkedColumns = 0;
        var stride = (int)reader.Footer.RowIndexStride;
        for (var s = 0; s < reader.Footer.Stripes.Count; s++)
        {
            var stripe = reader.OpenStripe(s);
            var rows = stripe.ReadAll();
            for (var f = 0; f < reader.Schema.Children.Count; f++)
            {
                var type = reader.Schema.Children[f];
                if (stripe.BloomFilters(type.Id) is not { } filters)
                {
                    continue;
                }
                checkedColumns++;
                Assert.Equal((rows.Length + stride - 1) / stride, filters.Count);
                for (var r = 0; r < rows.Length; r++)
                {
                    var value = ((OrcStruct)rows[r]!).Fields[f];
                    if (value is not null)
                    {
                        Assert.True(MightContain(filters[r / stride], type, value), $"stripe {s} row {r} column {reader.Schema.FieldNames[f]}: {value} is not in its bloom filter");
                    }
                }
            }
        }
        return checkedColumns;
    }

    /// <summary>
    /// Apache ORC 1.6 files with BLOOM_FILTER_UTF8 on a bigint and a string column (over1k_bloom.orc's filters predate
    /// the released protobuf layout, so they cannot check the hashing). Every string is in its filter, which checks
    /// Murmur3 and the bit layout; the bigint filters of these files (named "bad bloom filter" by Apache ORC) hold only
    /// some of their values, so they are not used. Sized for 10,000 entries at 0.05: 975 words, k = 4.
    /// </summary>
    [Theory]
    [InlineData("bad_bloom_filter_1.6.0.orc")]
    [InlineData("bad_bloom_filter_1.6.11.orc")]
    public void Every_string_of_apaches_bloom_filter_examples_is_in_its_filter(string name)
    {
        using var reader = OrcReader.Open(Path.Combine(ExampleFileTests.Directory, name));
        var stripe = reader.OpenStripe(0);
        var filter = stripe.BloomFilters(2)!.Single();
        var names = stripe.ReadAll().Cast<OrcStruct>().Select(r => (string)r.Fields[1]!).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(filter.MightContainBytes(Encoding.UTF8.GetBytes(n)), $"{n} is not in its bloom filter"));
        Assert.False(filter.MightContainBytes("no such name in the file"u8));
        Assert.Equal(975, filter.Words().Length);
        Assert.Equal(4u, filter.NumHashFunctions);
    }

    private static readonly TypeDescription Schema = TypeDescription.Parse("struct<id:bigint,name:string,score:double,day:date,at:timestamp,other:string>").AssignIds();

    private static OrcReader WriteWithBlooms(OrcWriterOptions options, int rows)
    {
        var data = Enumerable.Range(0, rows).Select(i => new OrcStruct(
        [
            (long)i * 7,
            i % 11 == 0 ? null : "name-" + i,
            i * 0.25,
            new DateOnly(2020, 1, 1).AddDays(i % 400),
            new OrcTimestamp(1_700_000_000 + i, (i % 1000) * 1_000_000),
            "x" + i,
        ]));
        return new OrcReader(RandomData.Write(Schema, data, options));
    }

    [Theory]
    [InlineData(OrcFormatVersion.V0_12, OrcCompression.Snappy)]
    [InlineData(OrcFormatVersion.V0_11, OrcCompression.Zlib)]
    public void Bloom_filter_columns_get_utf8_bloom_filters_that_hold_every_value(OrcFormatVersion version, OrcCompression compression)
    {
        var options = new OrcWriterOptions
        {
            FormatVersion = version,
            Compression = compression,
            RowIndexStride = 1000,
            StripeSizeBytes = 200_000,
            BloomFilterColumns = ["id", "NAME", "score", "day", "at"],
            BloomFilterFalsePositiveProbability = 0.01,
        };
        using var reader = WriteWithBlooms(options, 12_345);
        Assert.True(reader.Footer.Stripes.Count > 1, "the test wants several stripes");
        Assert.Equal(5 * reader.Footer.Stripes.Count, CheckEveryValueIsFound(reader));
        var stripe = reader.OpenStripe(0);
        Assert.False(stripe.HasStream(6, OrcStreamKind.BloomFilterUtf8));
        Assert.False(stripe.HasStream(1, OrcStreamKind.BloomFilter));
        Assert.True(stripe.HasStream(1, OrcStreamKind.BloomFilterUtf8));
        Assert.Equal(1u, stripe.Footer.Columns[1].BloomEncoding);
        Assert.Null(stripe.Footer.Columns[6].BloomEncoding);
        // Sized as ORC sizes them for RowIndexStride entries: m = floor(-n ln p / (ln 2)^2) raised to the next multiple of 64, k = m/n ln 2.
        var filter = stripe.BloomFilters(1)![0];
        Assert.NotNull(filter.Utf8Bitset);
        var floor = (int)(-1000 * Math.Log(0.01) / (Math.Log(2) * Math.Log(2)));
        var bits = floor + 64 - (floor % 64);
        Assert.Equal(bits, filter.Words().Length * 64);
        Assert.Equal((uint)Math.Round((double)bits / 1000 * Math.Log(2)), filter.NumHashFunctions);
        // Absent values pass at about the false-positive probability (0.01; allow up to 0.03 over 10,000 probes).
        var positives = Enumerable.Range(0, 10_000).Count(i => filter.MightContainLong(-1 - i));
        Assert.InRange(positives, 0, 300);
        Assert.True(positives > 0 || filter.NumHashFunctions > 0);
    }

    [Fact]
    public void Without_a_row_index_or_bloom_filter_columns_no_bloom_filters_are_written()
    {
        using var noIndex = WriteWithBlooms(new OrcWriterOptions { RowIndexStride = 0, BloomFilterColumns = ["id"] }, 100);
        Assert.False(noIndex.OpenStripe(0).HasStream(1, OrcStreamKind.BloomFilterUtf8));
        using var none = WriteWithBlooms(new OrcWriterOptions(), 100);
        Assert.All(Enumerable.Range(0, 7), c => Assert.False(none.OpenStripe(0).HasStream(c, OrcStreamKind.BloomFilterUtf8)));
    }
}
