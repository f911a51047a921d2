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
    /// <summary>An Avro union other than [null, T]: a Connect struct <c>io.confluent.connect.avro.Union</c> with one optional field per non-null branch.</summary>
    Union,
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
/// Immutable after construction (a record so that a field's node can be copied with the Connect default it carries).
/// </summary>
internal sealed record AvroPlan
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

    /// <summary>For a Union: the Avro branch index of each Connect field (in <see cref="Fields"/> order).</summary>
    public int[] FieldBranches { get; init; } = [];

    /// <summary>For a Union: the Connect field index of each Avro branch, -1 for the null branch.</summary>
    public int[] BranchFields { get; init; } = [];

    /// <summary>For a Union that holds null: its branch index (a null Connect value is written as it); -1 otherwise.</summary>
    public int UnionNullBranch { get; init; } = -1;
}
