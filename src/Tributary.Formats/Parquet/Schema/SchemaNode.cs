using Tributary.Formats.Parquet.Metadata;

namespace Tributary.Formats.Parquet.Schema;

/// <summary>
/// A field of a Parquet schema: a primitive leaf or a group. Nodes are immutable descriptions; the
/// levels and leaf ranges are assigned when a <see cref="ParquetSchema"/> is built from them, and a
/// node belongs to one schema only (build a new node tree for another schema).
/// </summary>
public abstract class SchemaNode
{
    private protected SchemaNode(string name, Repetition repetition, LogicalType? logicalType)
    {
        Name = name;
        Repetition = repetition;
        LogicalType = logicalType;
    }

    public string Name { get; }
    public Repetition Repetition { get; }
    public LogicalType? LogicalType { get; }

    /// <summary>Dotted path from the root (excluding the root), e.g. <c>tags.list.element</c>.</summary>
    public string Path { get; internal set; } = "";

    /// <summary>Definition level of a present value of this node (counts optional and repeated ancestors and itself).</summary>
    public int DefinitionLevel { get; internal set; }

    /// <summary>Repetition level of this node (counts repeated ancestors and itself).</summary>
    public int RepetitionLevel { get; internal set; }

    /// <summary>Index of the first leaf column under (or at) this node, in schema order.</summary>
    public int FirstLeaf { get; internal set; }

    /// <summary>Number of leaf columns under (or at) this node.</summary>
    public int LeafCount { get; internal set; }

    internal bool Attached { get; set; }

    public bool IsOptional => Repetition == Repetition.Optional;
    public bool IsRepeated => Repetition == Repetition.Repeated;
}

/// <summary>A leaf column.</summary>
public sealed class PrimitiveNode : SchemaNode
{
    public PrimitiveNode(string name, Repetition repetition, PhysicalType type, LogicalType? logicalType = null, int typeLength = 0)
        : base(name, repetition, logicalType)
    {
        Type = type;
        TypeLength = typeLength;
    }

    public PhysicalType Type { get; }

    /// <summary>Byte length of a FIXED_LEN_BYTE_ARRAY; 0 otherwise.</summary>
    public int TypeLength { get; }

    /// <summary>Index of this leaf among the schema's columns.</summary>
    public int ColumnIndex => FirstLeaf;

    /// <summary>How min/max statistics of this column compare (parquet.thrift's TYPE_DEFINED_ORDER for its types).</summary>
    public SortOrder SortOrder => (Type, LogicalType?.Kind) switch
    {
        (PhysicalType.Int32 or PhysicalType.Int64, LogicalTypeKind.Integer) when !LogicalType!.IsSigned => SortOrder.Unsigned,
        (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray, LogicalTypeKind.Decimal) => SortOrder.SignedBigEndian,
        (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray, _) => SortOrder.Unsigned,
        (PhysicalType.Int96, _) => SortOrder.Undefined,
        _ => SortOrder.Signed,
    };
}

/// <summary>A group of fields: a struct, or the LIST/MAP wrappers of the three-level layout.</summary>
public sealed class GroupNode : SchemaNode
{
    public GroupNode(string name, Repetition repetition, IReadOnlyList<SchemaNode> children, LogicalType? logicalType = null)
        : base(name, repetition, logicalType)
    {
        Children = children;
    }

    public IReadOnlyList<SchemaNode> Children { get; }

    public bool IsList => LogicalType?.Kind == LogicalTypeKind.List;
    public bool IsMap => LogicalType?.Kind == LogicalTypeKind.Map;
}

/// <summary>How statistics of a column order their values.</summary>
public enum SortOrder
{
    Signed,
    Unsigned,
    /// <summary>Two's complement big-endian integers of any length (DECIMAL over binary).</summary>
    SignedBigEndian,
    Undefined,
}
