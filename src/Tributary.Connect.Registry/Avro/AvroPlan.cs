using Tributary.Connect.Data;

namespace Tributary.Connect.Registry.Avro;

/// <summary>How a value is laid out in Avro binary.</summary>
internal enum AvroKind
{
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record,
    Array,
    Map,
    /// <summary>A Connect map with non-string keys: an Avro array of {key, value} records (AvroData's MapEntry).</summary>
    MapEntries,
    Enum,
    Fixed,
}

/// <summary>The Connect logical type (or narrow integer) a plan node converts to and from.</summary>
internal enum ConnectLogical
{
    None,
    Int8,
    Int16,
    Decimal,
    Date,
    Time,
    Timestamp,
}

/// <summary>
/// One node of the compiled mapping between a Connect schema and an Avro schema: built once per schema (cached by
/// the converter) so that encoding and decoding walk an array tree instead of looking at JSON properties per record.
/// Immutable after construction.
/// </summary>
internal sealed class AvroPlan
{
    public required AvroKind Kind { get; init; }

    public required Schema Connect { get; init; }

    /// <summary>For an optional value: the union branch of null (0 or 1); the value is the other branch. -1: not a union.</summary>
    public int NullBranch { get; init; } = -1;

    public ConnectLogical Logical { get; init; }

    public AvroPlan[] Fields { get; init; } = [];

    public AvroPlan? Items { get; init; }

    public AvroPlan? Keys { get; init; }

    public string[] Symbols { get; init; } = [];

    public int FixedSize { get; init; }
}
