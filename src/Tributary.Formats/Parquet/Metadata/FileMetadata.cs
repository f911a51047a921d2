namespace Tributary.Formats.Parquet.Metadata;

// The footer structures of parquet.thrift that Tributary writes and reads, field for field (ids in
// MetadataCodec). Fields we never write (encryption, bloom filters, page indexes) are skipped on read.

/// <summary>The LogicalType union with its parameters (only those of the chosen member are meaningful).</summary>
public sealed record LogicalType(LogicalTypeKind Kind)
{
    public int Scale { get; init; }
    public int Precision { get; init; }
    public bool IsAdjustedToUtc { get; init; }
    public TimeUnit Unit { get; init; }
    public int BitWidth { get; init; }
    public bool IsSigned { get; init; }

    public static readonly LogicalType String = new(LogicalTypeKind.String);
    public static readonly LogicalType Json = new(LogicalTypeKind.Json);
    public static readonly LogicalType Date = new(LogicalTypeKind.Date);
    public static readonly LogicalType Uuid = new(LogicalTypeKind.Uuid);
    public static readonly LogicalType List = new(LogicalTypeKind.List);
    public static readonly LogicalType Map = new(LogicalTypeKind.Map);

    public static LogicalType Decimal(int precision, int scale) => new(LogicalTypeKind.Decimal) { Precision = precision, Scale = scale };

    public static LogicalType Timestamp(TimeUnit unit, bool isAdjustedToUtc) => new(LogicalTypeKind.Timestamp) { Unit = unit, IsAdjustedToUtc = isAdjustedToUtc };

    public static LogicalType Integer(int bitWidth, bool isSigned) => new(LogicalTypeKind.Integer) { BitWidth = bitWidth, IsSigned = isSigned };

    public override string ToString() => Kind switch
    {
        LogicalTypeKind.Decimal => $"DECIMAL({Precision},{Scale})",
        LogicalTypeKind.Timestamp => $"TIMESTAMP({Unit.ToString().ToUpperInvariant()},{(IsAdjustedToUtc ? "UTC" : "local")})",
        LogicalTypeKind.Time => $"TIME({Unit.ToString().ToUpperInvariant()},{(IsAdjustedToUtc ? "UTC" : "local")})",
        LogicalTypeKind.Integer => $"INT({BitWidth},{(IsSigned ? "signed" : "unsigned")})",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}

public sealed class SchemaElement
{
    public PhysicalType? Type { get; set; }
    public int? TypeLength { get; set; }
    public Repetition? RepetitionType { get; set; }
    public string Name { get; set; } = "";
    public int? NumChildren { get; set; }
    public ConvertedType? ConvertedType { get; set; }
    public int? Scale { get; set; }
    public int? Precision { get; set; }
    public int? FieldId { get; set; }
    public LogicalType? LogicalType { get; set; }
}

public sealed class Statistics
{
    public long? NullCount { get; set; }
    public long? DistinctCount { get; set; }
    /// <summary>Field 5, max_value: the maximum under the column's sort order.</summary>
    public byte[]? MaxValue { get; set; }
    /// <summary>Field 6, min_value.</summary>
    public byte[]? MinValue { get; set; }
    /// <summary>Fields 1 and 2 (deprecated max/min, signed byte order); read only.</summary>
    public byte[]? LegacyMax { get; set; }
    public byte[]? LegacyMin { get; set; }
}

public sealed class KeyValue
{
    public string Key { get; set; } = "";
    public string? Value { get; set; }
}

public sealed class PageEncodingStats
{
    public PageType PageType { get; set; }
    public Encoding Encoding { get; set; }
    public int Count { get; set; }
}

public sealed class ColumnMetaData
{
    public PhysicalType Type { get; set; }
    public List<Encoding> Encodings { get; set; } = [];
    public List<string> PathInSchema { get; set; } = [];
    public CompressionCodec Codec { get; set; }
    public long NumValues { get; set; }
    public long TotalUncompressedSize { get; set; }
    public long TotalCompressedSize { get; set; }
    public long DataPageOffset { get; set; }
    public long? DictionaryPageOffset { get; set; }
    public Statistics? Statistics { get; set; }
    public List<PageEncodingStats>? EncodingStats { get; set; }
}

public sealed class ColumnChunk
{
    public long FileOffset { get; set; }
    public ColumnMetaData MetaData { get; set; } = new();
}

public sealed class RowGroup
{
    public List<ColumnChunk> Columns { get; set; } = [];
    public long TotalByteSize { get; set; }
    public long NumRows { get; set; }
    public long? FileOffset { get; set; }
    public long? TotalCompressedSize { get; set; }
    public short? Ordinal { get; set; }
}

public sealed class FileMetadata
{
    public int Version { get; set; } = 2;
    public List<SchemaElement> Schema { get; set; } = [];
    public long NumRows { get; set; }
    public List<RowGroup> RowGroups { get; set; } = [];
    public List<KeyValue>? KeyValueMetadata { get; set; }
    public string? CreatedBy { get; set; }
    /// <summary>Number of columns with TYPE_DEFINED_ORDER in column_orders (every leaf, when written by us).</summary>
    public int TypeDefinedColumnOrders { get; set; }
}

public sealed class DataPageHeader
{
    public int NumValues { get; set; }
    public Encoding Encoding { get; set; }
    public Encoding DefinitionLevelEncoding { get; set; } = Encoding.Rle;
    public Encoding RepetitionLevelEncoding { get; set; } = Encoding.Rle;
    public Statistics? Statistics { get; set; }
}

public sealed class DataPageHeaderV2
{
    public int NumValues { get; set; }
    public int NumNulls { get; set; }
    public int NumRows { get; set; }
    public Encoding Encoding { get; set; }
    public int DefinitionLevelsByteLength { get; set; }
    public int RepetitionLevelsByteLength { get; set; }
    public bool IsCompressed { get; set; } = true;
    public Statistics? Statistics { get; set; }
}

public sealed class DictionaryPageHeader
{
    public int NumValues { get; set; }
    public Encoding Encoding { get; set; } = Encoding.Plain;
}

public sealed class PageHeader
{
    public PageType Type { get; set; }
    public int UncompressedPageSize { get; set; }
    public int CompressedPageSize { get; set; }
    public DataPageHeader? DataPageHeader { get; set; }
    public DictionaryPageHeader? DictionaryPageHeader { get; set; }
    public DataPageHeaderV2? DataPageHeaderV2 { get; set; }
}
