namespace Tributary.Orc.Metadata;

// Numeric values are ORC's (orc_proto.proto); they are written to files and must never change
// (MetadataStabilityTests pins them).

/// <summary>PostScript.compression.</summary>
public enum OrcCompression
{
    None = 0,
    Zlib = 1,
    Snappy = 2,
    Lzo = 3,
    Lz4 = 4,
    Zstd = 5,
}

/// <summary>Type.kind.</summary>
public enum OrcTypeKind
{
    Boolean = 0,
    Byte = 1,
    Short = 2,
    Int = 3,
    Long = 4,
    Float = 5,
    Double = 6,
    String = 7,
    Binary = 8,
    Timestamp = 9,
    List = 10,
    Map = 11,
    Struct = 12,
    Union = 13,
    Decimal = 14,
    Date = 15,
    Varchar = 16,
    Char = 17,
    TimestampInstant = 18,
}

/// <summary>Stream.kind.</summary>
public enum OrcStreamKind
{
    Present = 0,
    Data = 1,
    Length = 2,
    DictionaryData = 3,
    DictionaryCount = 4,
    Secondary = 5,
    RowIndex = 6,
    BloomFilter = 7,
    BloomFilterUtf8 = 8,
    EncryptedIndex = 9,
    EncryptedData = 10,
}

/// <summary>ColumnEncoding.kind.</summary>
public enum OrcColumnEncodingKind
{
    Direct = 0,
    Dictionary = 1,
    DirectV2 = 2,
    DictionaryV2 = 3,
}
