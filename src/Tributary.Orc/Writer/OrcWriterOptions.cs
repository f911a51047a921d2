using Tributary.Orc.Metadata;

namespace Tributary.Orc.Writer;

/// <summary>ORC file versions the writer produces: 0.11 (RLE v1, DIRECT/DICTIONARY) or 0.12 (RLE v2, the *_V2 encodings).</summary>
public enum OrcFormatVersion
{
    V0_11,
    V0_12,
}

/// <summary>
/// Writer settings, named after Firehose's OrcSerDe (the defaults are its defaults) and Apache ORC's writer options.
/// </summary>
public sealed record OrcWriterOptions
{
    public OrcCompression Compression { get; init; } = OrcCompression.Snappy;

    /// <summary>Uncompressed bytes per compression chunk (ORC's default, 256 KiB).</summary>
    public int CompressionBlockSize { get; init; } = 256 * 1024;

    /// <summary>A stripe is closed once its buffered streams reach this many bytes (OrcSerDe.StripeSizeBytes, 64 MiB).</summary>
    public long StripeSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The HDFS block size padding aligns stripes to (OrcSerDe.BlockSizeBytes, 256 MiB).</summary>
    public long BlockSizeBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Rows per row group, the granularity of the row index (OrcSerDe.RowIndexStride, 10,000); 0 writes no index.</summary>
    public int RowIndexStride { get; init; } = 10_000;

    /// <summary>Pad so that a stripe does not straddle an HDFS block boundary (OrcSerDe.EnablePadding).</summary>
    public bool EnablePadding { get; init; }

    /// <summary>
    /// With padding on, the largest gap (as a fraction of the stripe size) padded to reach the next block boundary
    /// (OrcSerDe.PaddingTolerance, 0.05). A larger gap is not padded and the stripe straddles the boundary.
    /// </summary>
    public double PaddingTolerance { get; init; } = 0.05;

    /// <summary>
    /// A string column of a stripe is dictionary-encoded when its distinct values are at most this fraction of its
    /// non-null values (OrcSerDe.DictionaryKeyThreshold; Hive's default 0.8). 0 never uses a dictionary, 1 always.
    /// </summary>
    public double DictionaryKeyThreshold { get; init; } = 0.8;

    /// <summary>Top-level column names that get bloom filters (OrcSerDe.BloomFilterColumns).</summary>
    public IReadOnlyList<string> BloomFilterColumns { get; init; } = [];

    /// <summary>OrcSerDe.BloomFilterFalsePositiveProbability (0.05).</summary>
    public double BloomFilterFalsePositiveProbability { get; init; } = 0.05;

    public OrcFormatVersion FormatVersion { get; init; } = OrcFormatVersion.V0_12;

    /// <summary>Write Tributary's checksum extension in the PostScript (off only to test decoders on unchecked damage).</summary>
    internal bool WriteChecksum { get; init; } = true;

    /// <summary>Codec level: -1 for the codec's default.</summary>
    public int CompressionLevel { get; init; } = -1;
}
