namespace Tributary.Formats.Parquet.Thrift;

/// <summary>
/// Type ids of the Thrift compact protocol, as they appear in the low nibble of a field header and in
/// list headers (Apache Thrift, doc/specs/thrift-compact-protocol.md). Values are wire values: never change them.
/// </summary>
public enum CompactType : byte
{
    Stop = 0,
    BooleanTrue = 1,
    BooleanFalse = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
}
