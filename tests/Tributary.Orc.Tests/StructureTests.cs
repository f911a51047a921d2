using System.Text;
using Tributary.Orc.Metadata;
using Tributary.Orc.Reader;
using Tributary.Orc.Writer;

namespace Tributary.Orc.Tests;

/// <summary>
/// What the specification requires of a written file for the options chosen: the version and encodings of the format
/// version, the dictionary decision, PRESENT only where there are nulls, streams that tile the stripe, one row index
/// entry per row group, statistics that match the data at every level, stripes bounded by the stripe size, padding.
/// </summary>
public sealed class StructureTests
{
    private static readonly TypeDescription Schema = TypeDescription.Parse("struct<id:bigint,name:string,city:string,score:double,tags:array<int>,maybe:int>").AssignIds();

    private static byte[] Write(OrcWriterOptions options, int rows = 25_000)
    {
        var data = Enumerable.Range(0, rows).Select(i => new OrcStruct(
        [
            (long)i,
            "name-" + i,
            new[] { "paris", "tokyo", "lima" }[i % 3],
            i * 0.5,
            new List<object?> { (long)i, (long)-i },
            i % 10 == 0 ? null : (long)(i % 7),
        ]));
        return RandomData.Write(Schema, data, options);
    }

    [Theory]
    [InlineData(OrcFormatVersion.V0_11)]
    [InlineData(OrcFormatVersion.V0_12)]
    public void Format_version_sets_the_postscript_version_and_the_encodings(OrcFormatVersion version)
    {
        using var reader = new OrcReader(Write(new OrcWriterOptions { FormatVersion = version }));
        Assert.Equal(version == OrcFormatVersion.V0_11 ? [0u, 11u] : [0u, 12u], reader.PostScript.Version);
        var encodings = reader.OpenStripe(0).Footer.Columns;
        var v2 = version == OrcFormatVersion.V0_12;
        Assert.Equal(OrcColumnEncodingKind.Direct, encodings[0].Kind);
        Assert.Equal(v2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct, encodings[1].Kind);
        // name: 25,000 distinct of 25,000 → direct; city: 3 distinct → dictionary of 3.
        Assert.Equal(v2 ? OrcColumnEncodingKind.DirectV2 : OrcColumnEncodingKind.Direct, encodings[2].Kind);
        Assert.Equal(v2 ? OrcColumnEncodingKind.DictionaryV2 : OrcColumnEncodingKind.Dictionary, encodings[3].Kind);
        Assert.Equal(3u, encodings[3].DictionarySize);
        Assert.Equal(OrcColumnEncodingKind.Direct, encodings[4].Kind);
    }

    [Fact]
    public void Dictionary_threshold_zero_never_uses_a_dictionary_and_one_always_does()
    {
        using var never = new OrcReader(Write(new OrcWriterOptions { DictionaryKeyThreshold = 0 }));
        Assert.All(never.OpenStripe(0).Footer.Columns, c => Assert.True(c.Kind is OrcColumnEncodingKind.Direct or OrcColumnEncodingKind.DirectV2));
        using var always = new OrcReader(Write(new OrcWriterOptions { DictionaryKeyThreshold = 1 }));
        var columns = always.OpenStripe(0).Footer.Columns;
        Assert.Equal(OrcColumnEncodingKind.DictionaryV2, columns[2].Kind);
        Assert.Equal(25_000u, columns[2].DictionarySize);
    }

    [Fact]
    public void Streams_tile_the_stripe_with_present_only_where_nulls_are_and_one_index_entry_per_row_group()
    {
        using var reader = new OrcReader(Write(new OrcWriterOptions { RowIndexStride = 1000, Compression = OrcCompression.Zlib }));
        Assert.Equal(1000u, reader.Footer.RowIndexStride);
        var stripe = reader.OpenStripe(0);
        var streams = stripe.Footer.Streams;
        var indexLength = streams.Where(s => s.Kind == OrcStreamKind.RowIndex).Sum(s => (long)s.Length);
        Assert.Equal((long)stripe.Information.IndexLength, indexLength);
        Assert.Equal((long)(stripe.Information.IndexLength + stripe.Information.DataLength), streams.Sum(s => (long)s.Length));
        // Index streams come first.
        Assert.True(streams.TakeWhile(s => s.Kind == OrcStreamKind.RowIndex).Count() == streams.Count(s => s.Kind == OrcStreamKind.RowIndex));
        var present = streams.Where(s => s.Kind == OrcStreamKind.Present).Select(s => (int)s.Column).ToList();
        Assert.Equal([7], present);
        for (var c = 0; c < reader.Columns.Count; c++)
        {
            var index = stripe.RowIndex(c)!;
            Assert.Equal(25, index.Count);
            Assert.All(index, e => Assert.NotNull(e.Statistics));
            Assert.Equal(0UL, index[0].Positions.Aggregate(0UL, (a, p) => a + p));
        }
        // Row group statistics of the id column: rows 1000g .. 1000g+999.
        var ids = stripe.RowIndex(1)!;
        Assert.Equal(5000, ids[5].Statistics!.Integer!.Minimum);
        Assert.Equal(5999, ids[5].Statistics!.Integer!.Maximum);
        Assert.Equal(1000UL, ids[5].Statistics!.NumberOfValues);
    }

    [Fact]
    public void Statistics_match_the_data_at_file_and_stripe_level()
    {
        using var reader = new OrcReader(Write(new OrcWriterOptions { StripeSizeBytes = 100_000 }));
        Assert.True(reader.Footer.Stripes.Count > 1, "a small stripe size gives several stripes");
        Assert.Equal(reader.Footer.Stripes.Count, reader.StripeStatistics.Count);
        var file = reader.Footer.Statistics;
        Assert.Equal(25_000UL, file[0].NumberOfValues);
        Assert.Equal(0, file[1].Integer!.Minimum);
        Assert.Equal(24_999, file[1].Integer!.Maximum);
        Assert.Equal(24_999L * 25_000 / 2, file[1].Integer!.Sum);
        Assert.Equal("lima", file[3].String!.Minimum);
        Assert.Equal("tokyo", file[3].String!.Maximum);
        Assert.Equal(0, file[4].Double!.Minimum);
        Assert.Equal(12_499.5, file[4].Double!.Maximum);
        Assert.Equal(50_000UL, file[5].Collection!.TotalChildren);
        Assert.Equal(22_500UL, file[7].NumberOfValues);
        Assert.True(file[7].HasNull);
        Assert.False(file[1].HasNull);
        Assert.Equal(25_000UL, reader.StripeStatistics.Aggregate(0UL, (a, s) => a + s[1].NumberOfValues));
        Assert.Equal(25_000UL, reader.Footer.Stripes.Aggregate(0UL, (a, s) => a + s.NumberOfRows));
    }

    [Trait("Category", "slow")]
    [Fact]
    public void Stripes_stay_near_the_stripe_size()
    {
        var bytes = Write(new OrcWriterOptions { StripeSizeBytes = 64 * 1024, Compression = OrcCompression.None }, 100_000);
        using var reader = new OrcReader(bytes);
        // Checked every 1,024 rows: a stripe exceeds the bound by at most that many rows' worth.
        Assert.All(reader.Footer.Stripes.SkipLast(1), s => Assert.InRange((long)(s.IndexLength + s.DataLength), 32 * 1024, 256 * 1024));
    }

    [Trait("Category", "slow")]
    [Fact]
    public void Padding_keeps_stripes_inside_blocks_when_the_gap_is_within_the_tolerance()
    {
        var options = new OrcWriterOptions { StripeSizeBytes = 64 * 1024, BlockSizeBytes = 200 * 1024, EnablePadding = true, PaddingTolerance = 1.0, Compression = OrcCompression.None };
        using var reader = new OrcReader(Write(options, 100_000));
        foreach (var s in reader.Footer.Stripes)
        {
            var end = s.Offset + s.IndexLength + s.DataLength + s.FooterLength;
            Assert.True(s.Offset / (200 * 1024) == (end - 1) / (200 * 1024) || s.Offset % (200 * 1024) == 0, $"stripe at {s.Offset}..{end} straddles a block boundary");
        }
        Assert.Equal(100_000, reader.ReadRows().Count());
    }

    [Fact]
    public void Empty_file_has_a_tail_and_no_stripes()
    {
        using var reader = new OrcReader(Write(new OrcWriterOptions(), 0));
        Assert.Empty(reader.Footer.Stripes);
        Assert.Equal(0, reader.NumberOfRows);
        Assert.Equal(Schema.ToString(), reader.Schema.ToString());
        Assert.Equal("ORC", Encoding.ASCII.GetString(Write(new OrcWriterOptions(), 0).AsSpan(0, 3)));
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(123_456_789, 123_456_789L << 3)]
    [InlineData(100, (1L << 3) | 1)]
    [InlineData(1_000_000, (1L << 3) | 5)]
    [InlineData(120_000_000, (12L << 3) | 6)]
    public void Nanoseconds_fold_trailing_zeros_as_the_specification_gives(int nanos, long encoded) =>
        Assert.Equal(encoded, TimestampColumnWriter.EncodeNanos(nanos));
}
