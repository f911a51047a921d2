using Tributary.Formats.Parquet.Metadata;

namespace Tributary.Formats.Parquet.Writer;

/// <summary>When a writer uses DELTA_BINARY_PACKED for INT32/INT64 pages that are not dictionary-encoded.</summary>
public enum DeltaEncodingPolicy
{
    /// <summary>When the delta form of a page is smaller than its PLAIN form (monotonic ids and timestamps).</summary>
    WherePays,
    Never,
    /// <summary>Every non-dictionary integer page (for tests).</summary>
    Always,
}

/// <summary>Settings of a <see cref="ParquetWriter"/>. Defaults suit a data lake's readers (Spark, Trino/Athena, DuckDB, pyarrow).</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>
    /// A row group is flushed once its buffered values reach this many bytes (values in memory, before
    /// encoding). It bounds the writer's memory: about this much plus one encoded column chunk.
    /// 64 MiB keeps a converter's memory modest while giving readers large enough row groups.
    /// </summary>
    public long RowGroupSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Also flush after this many rows (int.MaxValue: no row limit).</summary>
    public int RowGroupMaxRows { get; init; } = int.MaxValue;

    /// <summary>A data page is cut at the first row boundary after its values reach this many bytes (1 MiB, the usual default).</summary>
    public int PageSizeBytes { get; init; } = 1024 * 1024;

    public CompressionCodec Compression { get; init; } = CompressionCodec.Snappy;

    /// <summary>Codec level for GZIP and ZSTD; -1 is the library default.</summary>
    public int CompressionLevel { get; init; } = -1;

    /// <summary>1 (DATA_PAGE) or 2 (DATA_PAGE_V2).</summary>
    public int DataPageVersion { get; init; } = 1;

    public bool EnableDictionary { get; init; } = true;

    /// <summary>
    /// Encode and write each full row group on a background task while the next one fills (two row
    /// groups in memory at most). On the 2-core benchmark machine this overlaps encoding and compression
    /// with JSON parsing; turn it off to keep everything on the caller's thread.
    /// </summary>
    public bool BackgroundFlush { get; init; } = true;

    /// <summary>A chunk falls back to PLAIN for the rest of its pages once its dictionary would exceed this many bytes.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1024 * 1024;

    public DeltaEncodingPolicy DeltaEncoding { get; init; } = DeltaEncodingPolicy.WherePays;

    /// <summary>Statistics min/max of byte arrays longer than this are left out (readers treat them as absent).</summary>
    public int MaxStatisticsValueBytes { get; init; } = 4096;

    public string CreatedBy { get; init; } = "tributary version " + (typeof(ParquetWriterOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public IReadOnlyDictionary<string, string>? KeyValueMetadata { get; init; }

    internal void Validate()
    {
        if (RowGroupSizeBytes < 1 || RowGroupMaxRows < 1 || PageSizeBytes < 1 || DictionaryPageSizeLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ParquetWriterOptions), "Sizes must be positive.");
        }
        if (DataPageVersion is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(ParquetWriterOptions), "DataPageVersion must be 1 or 2.");
        }
        if (Compression is not (CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Gzip or CompressionCodec.Zstd))
        {
            throw new ArgumentOutOfRangeException(nameof(ParquetWriterOptions), $"Compression {Compression} is not supported (UNCOMPRESSED, SNAPPY, GZIP, ZSTD).");
        }
    }
}
