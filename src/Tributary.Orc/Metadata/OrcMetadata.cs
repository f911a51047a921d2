namespace Tributary.Orc.Metadata;

/// <summary>The PostScript: the uncompressed message before the file's last byte (its length).</summary>
public sealed class PostScript
{
    public ulong FooterLength { get; set; }
    public OrcCompression Compression { get; set; }
    public ulong CompressionBlockSize { get; set; } = 256 * 1024;
    public List<uint> Version { get; set; } = [];
    public ulong MetadataLength { get; set; }
    public uint WriterVersion { get; set; }
    public ulong StripeStatisticsLength { get; set; }
    public string? Magic { get; set; }

    /// <summary>
    /// Tributary's extension (field <see cref="MetadataCodec.ChecksumField"/>, ignored by other readers): CRC-32 (IEEE) of every
    /// byte before the PostScript. ORC itself has no checksums, so without it a flipped bit in a stream is read as a
    /// different value; with it, Tributary's reader refuses the file.
    /// </summary>
    public uint? Checksum { get; set; }
}

public sealed class StripeInformation
{
    public ulong Offset { get; set; }
    public ulong IndexLength { get; set; }
    public ulong DataLength { get; set; }
    public ulong FooterLength { get; set; }
    public ulong NumberOfRows { get; set; }
}

/// <summary>One entry of the flattened type tree (column id = index in Footer.Types; 0 is the root).</summary>
public sealed class OrcType
{
    public OrcTypeKind Kind { get; set; }
    public List<uint> Subtypes { get; set; } = [];
    public List<string> FieldNames { get; set; } = [];
    public uint MaximumLength { get; set; }
    public uint Precision { get; set; }
    public uint Scale { get; set; }
}

public sealed class UserMetadataItem
{
    public string Name { get; set; } = "";
    public byte[] Value { get; set; } = [];
}

/// <summary>
/// ColumnStatistics with its typed parts; a part is null when absent. Integer, date and timestamp bounds are
/// zigzag varints, double bounds fixed64, string bounds UTF-8 strings, decimal bounds decimal text.
/// </summary>
public sealed class ColumnStatistics
{
    public ulong NumberOfValues { get; set; }
    public bool? HasNull { get; set; }
    public ulong? BytesOnDisk { get; set; }
    public IntegerStatistics? Integer { get; set; }
    public DoubleStatistics? Double { get; set; }
    public StringStatistics? String { get; set; }
    public BucketStatistics? Bucket { get; set; }
    public DecimalStatistics? Decimal { get; set; }
    public DateStatistics? Date { get; set; }
    public BinaryStatistics? Binary { get; set; }
    public TimestampStatistics? Timestamp { get; set; }
    public CollectionStatistics? Collection { get; set; }
}

public sealed class IntegerStatistics
{
    public long? Minimum { get; set; }
    public long? Maximum { get; set; }
    public long? Sum { get; set; }
}

public sealed class DoubleStatistics
{
    public double? Minimum { get; set; }
    public double? Maximum { get; set; }
    public double? Sum { get; set; }
}

public sealed class StringStatistics
{
    public string? Minimum { get; set; }
    public string? Maximum { get; set; }
    public long? Sum { get; set; }
    public string? LowerBound { get; set; }
    public string? UpperBound { get; set; }
}

public sealed class BucketStatistics
{
    public List<ulong> Count { get; set; } = [];
}

public sealed class DecimalStatistics
{
    public string? Minimum { get; set; }
    public string? Maximum { get; set; }
    public string? Sum { get; set; }
}

public sealed class DateStatistics
{
    public int? Minimum { get; set; }
    public int? Maximum { get; set; }
}

public sealed class BinaryStatistics
{
    public long? Sum { get; set; }
}

/// <summary>Minimum/maximum in milliseconds (writer's local time in Minimum/Maximum, UTC in the *Utc pair).</summary>
public sealed class TimestampStatistics
{
    public long? Minimum { get; set; }
    public long? Maximum { get; set; }
    public long? MinimumUtc { get; set; }
    public long? MaximumUtc { get; set; }
    public int? MinimumNanos { get; set; }
    public int? MaximumNanos { get; set; }
}

public sealed class CollectionStatistics
{
    public ulong? MinChildren { get; set; }
    public ulong? MaxChildren { get; set; }
    public ulong? TotalChildren { get; set; }
}

public sealed class Footer
{
    public ulong HeaderLength { get; set; }
    public ulong ContentLength { get; set; }
    public List<StripeInformation> Stripes { get; set; } = [];
    public List<OrcType> Types { get; set; } = [];
    public List<UserMetadataItem> Metadata { get; set; } = [];
    public ulong NumberOfRows { get; set; }
    public List<ColumnStatistics> Statistics { get; set; } = [];
    public uint RowIndexStride { get; set; }
    public uint? Writer { get; set; }
    public string? SoftwareVersion { get; set; }
    public bool HasEncryption { get; set; }
}

public sealed class OrcStream
{
    public OrcStreamKind Kind { get; set; }
    public uint Column { get; set; }
    public ulong Length { get; set; }
}

public sealed class ColumnEncoding
{
    public OrcColumnEncodingKind Kind { get; set; }
    public uint DictionarySize { get; set; }
    public uint? BloomEncoding { get; set; }
}

public sealed class StripeFooter
{
    public List<OrcStream> Streams { get; set; } = [];
    public List<ColumnEncoding> Columns { get; set; } = [];
    public string? WriterTimezone { get; set; }
}

public sealed class RowIndexEntry
{
    public List<ulong> Positions { get; set; } = [];
    public ColumnStatistics? Statistics { get; set; }
}

/// <summary>One row group's bloom filter: the bits in <see cref="Bitset"/> (BLOOM_FILTER) or <see cref="Utf8Bitset"/>
/// (BLOOM_FILTER_UTF8, little-endian 64-bit words); <see cref="BloomFilterHashing"/> says which bits a value sets.</summary>
public sealed class BloomFilter
{
    public uint NumHashFunctions { get; set; }
    public long[] Bitset { get; set; } = [];
    public byte[]? Utf8Bitset { get; set; }

    /// <summary>The filter's 64-bit words, whichever field holds them.</summary>
    public long[] Words()
    {
        if (Utf8Bitset is not { } bytes)
        {
            return Bitset;
        }
        if (bytes.Length % 8 != 0)
        {
            throw new OrcFormatException("Malformed ORC BloomFilter: utf8bitset is not a whole number of 64-bit words.");
        }
        var words = new long[bytes.Length / 8];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8, 8));
        }
        return words;
    }

    /// <summary>False when the row group certainly holds no value with this hash (see <see cref="BloomFilterHashing"/>).</summary>
    public bool MightContainHash(long hash64)
    {
        var words = Words();
        return words.Length == 0 || BloomFilterHashing.Apply(words, (int)NumHashFunctions, hash64, set: false);
    }

    public bool MightContainBytes(ReadOnlySpan<byte> value) => MightContainHash(BloomFilterHashing.Murmur3Hash64(value));

    public bool MightContainLong(long value) => MightContainHash(BloomFilterHashing.LongHash(value));

    public bool MightContainDouble(double value) => MightContainHash(BloomFilterHashing.DoubleHash(value));
}
