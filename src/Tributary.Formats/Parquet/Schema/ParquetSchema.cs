using System.Text;
using Tributary.Formats.Parquet.Metadata;

namespace Tributary.Formats.Parquet.Schema;

/// <summary>
/// A validated schema: the root's fields, the leaf columns in schema order with their definition and
/// repetition levels, and the conversion to and from the footer's flattened SchemaElement list.
/// Immutable and thread-safe once built.
/// </summary>
public sealed class ParquetSchema
{
    /// <summary>Levels are stored in one byte per value while buffering; deeper nesting is refused.</summary>
    public const int MaxLevel = 255;

    private readonly List<PrimitiveNode> _columns = [];

    public ParquetSchema(IReadOnlyList<SchemaNode> fields, string rootName = "schema")
    {
        Root = new GroupNode(rootName, Repetition.Required, fields);
        if (fields.Count == 0)
        {
            throw new ParquetFormatException("A schema needs at least one field.");
        }
        Assign(Root, "", 0, 0);
    }

    public GroupNode Root { get; }

    public IReadOnlyList<SchemaNode> Fields => Root.Children;

    /// <summary>Leaf columns in schema (depth-first) order; the order of column chunks in a row group.</summary>
    public IReadOnlyList<PrimitiveNode> Columns => _columns;

    private void Assign(SchemaNode node, string path, int definitionLevel, int repetitionLevel)
    {
        if (node.Attached)
        {
            throw new ParquetFormatException($"Field '{path}' is used twice; build a separate node for each place.");
        }
        node.Attached = true;
        node.Path = path;
        if (node.Repetition != Repetition.Required)
        {
            definitionLevel++;
        }
        if (node.Repetition == Repetition.Repeated)
        {
            repetitionLevel++;
        }
        if (definitionLevel > MaxLevel || repetitionLevel > MaxLevel)
        {
            throw new ParquetFormatException($"Field '{path}' is nested deeper than {MaxLevel} levels.");
        }
        node.DefinitionLevel = definitionLevel;
        node.RepetitionLevel = repetitionLevel;
        node.FirstLeaf = _columns.Count;
        switch (node)
        {
            case PrimitiveNode primitive:
                Validate(primitive);
                _columns.Add(primitive);
                break;
            case GroupNode group:
                if (group.Children.Count == 0)
                {
                    throw new ParquetFormatException($"Group '{DisplayPath(path)}' has no fields.");
                }
                ValidateGroup(group, path);
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var child in group.Children)
                {
                    if (string.IsNullOrEmpty(child.Name))
                    {
                        throw new ParquetFormatException($"A field of '{DisplayPath(path)}' has an empty name.");
                    }
                    if (!names.Add(child.Name))
                    {
                        throw new ParquetFormatException($"Field '{Join(path, child.Name)}' appears twice.");
                    }
                    Assign(child, Join(path, child.Name), definitionLevel, repetitionLevel);
                }
                break;
        }
        node.LeafCount = _columns.Count - node.FirstLeaf;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string DisplayPath(string path) => path.Length == 0 ? "(root)" : path;

    private static void ValidateGroup(GroupNode group, string path)
    {
        if (group.IsList)
        {
            if (group.Repetition == Repetition.Repeated || group.Children is not [GroupNode { IsRepeated: true, Children: [{ IsRepeated: false }] }])
            {
                throw new ParquetFormatException($"LIST '{path}' must be a non-repeated group holding one repeated group with one non-repeated element field.");
            }
        }
        else if (group.IsMap)
        {
            if (group.Repetition == Repetition.Repeated || group.Children is not [GroupNode { IsRepeated: true, Children: [{ Repetition: Repetition.Required } key, { IsRepeated: false }] }] || key is not PrimitiveNode)
            {
                throw new ParquetFormatException($"MAP '{path}' must be a non-repeated group holding one repeated group with a required primitive key and a non-repeated value.");
            }
        }
        else if (group.LogicalType is { } other)
        {
            throw new ParquetFormatException($"Group '{path}' cannot have logical type {other}.");
        }
    }

    private static void Validate(PrimitiveNode node)
    {
        var path = node.Path;
        if (node.Type == PhysicalType.FixedLenByteArray && node.TypeLength <= 0)
        {
            throw new ParquetFormatException($"FIXED_LEN_BYTE_ARRAY field '{path}' needs a positive length.");
        }
        if (node.Type != PhysicalType.FixedLenByteArray && node.TypeLength != 0)
        {
            throw new ParquetFormatException($"Field '{path}' has a length but is not FIXED_LEN_BYTE_ARRAY.");
        }
        if (node.LogicalType is not { } logical)
        {
            return;
        }
        var ok = logical.Kind switch
        {
            LogicalTypeKind.String or LogicalTypeKind.Json or LogicalTypeKind.Enum or LogicalTypeKind.Bson => node.Type == PhysicalType.ByteArray,
            LogicalTypeKind.Date => node.Type == PhysicalType.Int32,
            LogicalTypeKind.Timestamp => node.Type == PhysicalType.Int64 && logical.Unit is TimeUnit.Millis or TimeUnit.Micros or TimeUnit.Nanos,
            LogicalTypeKind.Uuid => node.Type == PhysicalType.FixedLenByteArray && node.TypeLength == 16,
            LogicalTypeKind.Integer => logical.BitWidth is 8 or 16 or 32 or 64 && (node.Type == (logical.BitWidth == 64 ? PhysicalType.Int64 : PhysicalType.Int32)),
            LogicalTypeKind.Decimal => ValidDecimal(node, logical),
            _ => false,
        };
        if (!ok)
        {
            throw new ParquetFormatException($"Field '{path}': logical type {logical} cannot annotate {PhysicalName(node)}.");
        }
    }

    private static bool ValidDecimal(PrimitiveNode node, LogicalType logical)
    {
        if (logical.Precision < 1 || logical.Scale < 0 || logical.Scale > logical.Precision)
        {
            return false;
        }
        return node.Type switch
        {
            PhysicalType.Int32 => logical.Precision <= 9,
            PhysicalType.Int64 => logical.Precision <= 18,
            PhysicalType.FixedLenByteArray => logical.Precision <= MaxDecimalDigits(node.TypeLength),
            PhysicalType.ByteArray => true,
            _ => false,
        };
    }

    private static int MaxDecimalDigits(int bytes) => (int)Math.Floor(Math.Log10(Math.Pow(2, (8 * bytes) - 1) - 1));

    private static string PhysicalName(PrimitiveNode node) =>
        node.Type == PhysicalType.FixedLenByteArray ? $"FIXED_LEN_BYTE_ARRAY({node.TypeLength})" : PhysicalTypeName(node.Type);

    public static string PhysicalTypeName(PhysicalType type) => type switch
    {
        PhysicalType.ByteArray => "BYTE_ARRAY",
        PhysicalType.FixedLenByteArray => "FIXED_LEN_BYTE_ARRAY",
        _ => type.ToString().ToUpperInvariant(),
    };

    // ---------------------------------------------------------------- footer form

    /// <summary>The depth-first SchemaElement list of the footer, with legacy converted types beside logical types.</summary>
    public List<SchemaElement> ToElements()
    {
        var elements = new List<SchemaElement>();
        elements.Add(new SchemaElement { Name = Root.Name, NumChildren = Root.Children.Count });
        foreach (var field in Root.Children)
        {
            AddElements(field, elements);
        }
        return elements;
    }

    private static void AddElements(SchemaNode node, List<SchemaElement> elements)
    {
        var element = new SchemaElement { Name = node.Name, RepetitionType = node.Repetition, LogicalType = node.LogicalType };
        element.ConvertedType = ConvertedFor(node);
        switch (node)
        {
            case PrimitiveNode primitive:
                element.Type = primitive.Type;
                if (primitive.Type == PhysicalType.FixedLenByteArray)
                {
                    element.TypeLength = primitive.TypeLength;
                }
                if (primitive.LogicalType is { Kind: LogicalTypeKind.Decimal } decimalType)
                {
                    element.Scale = decimalType.Scale;
                    element.Precision = decimalType.Precision;
                }
                elements.Add(element);
                break;
            case GroupNode group:
                element.NumChildren = group.Children.Count;
                elements.Add(element);
                foreach (var child in group.Children)
                {
                    AddElements(child, elements);
                }
                break;
        }
    }

    /// <summary>The legacy ConvertedType equivalent of a node's logical type, where one exists (older readers need it).</summary>
    private static ConvertedType? ConvertedFor(SchemaNode node) => node.LogicalType switch
    {
        null => null,
        { Kind: LogicalTypeKind.String } => ConvertedType.Utf8,
        { Kind: LogicalTypeKind.Json } => ConvertedType.Json,
        { Kind: LogicalTypeKind.Enum } => ConvertedType.Enum,
        { Kind: LogicalTypeKind.Bson } => ConvertedType.Bson,
        { Kind: LogicalTypeKind.Date } => ConvertedType.Date,
        { Kind: LogicalTypeKind.List } => ConvertedType.List,
        { Kind: LogicalTypeKind.Map } => ConvertedType.Map,
        { Kind: LogicalTypeKind.Decimal } => ConvertedType.Decimal,
        // TIMESTAMP_MILLIS/MICROS mean "adjusted to UTC"; local timestamps and nanos have no converted type.
        { Kind: LogicalTypeKind.Timestamp, IsAdjustedToUtc: true, Unit: TimeUnit.Millis } => ConvertedType.TimestampMillis,
        { Kind: LogicalTypeKind.Timestamp, IsAdjustedToUtc: true, Unit: TimeUnit.Micros } => ConvertedType.TimestampMicros,
        { Kind: LogicalTypeKind.Integer } i => (i.BitWidth, i.IsSigned) switch
        {
            (8, true) => ConvertedType.Int8,
            (16, true) => ConvertedType.Int16,
            (32, true) => ConvertedType.Int32,
            (64, true) => ConvertedType.Int64,
            (8, false) => ConvertedType.Uint8,
            (16, false) => ConvertedType.Uint16,
            (32, false) => ConvertedType.Uint32,
            _ => ConvertedType.Uint64,
        },
        _ => null,
    };

    /// <summary>Rebuilds a schema from a footer's SchemaElement list; legacy converted types become logical types.</summary>
    public static ParquetSchema FromElements(IReadOnlyList<SchemaElement> elements)
    {
        if (elements.Count == 0 || elements[0].NumChildren is not > 0)
        {
            throw new ParquetFormatException("The footer's schema has no root group with fields.");
        }
        var index = 1;
        var fields = new List<SchemaNode>();
        for (var i = 0; i < elements[0].NumChildren; i++)
        {
            fields.Add(ReadNode(elements, ref index, 0));
        }
        if (index != elements.Count)
        {
            throw new ParquetFormatException("The footer's schema has more elements than its groups claim.");
        }
        return new ParquetSchema(fields, elements[0].Name);
    }

    private static SchemaNode ReadNode(IReadOnlyList<SchemaElement> elements, ref int index, int depth)
    {
        if (index >= elements.Count || depth > MaxLevel)
        {
            throw new ParquetFormatException("The footer's schema is truncated or nested too deeply.");
        }
        var e = elements[index++];
        var repetition = e.RepetitionType ?? Repetition.Optional;
        var logical = e.LogicalType ?? LogicalFromConverted(e);
        if (e.NumChildren is > 0 && e.Type is null)
        {
            var children = new List<SchemaNode>(e.NumChildren.Value);
            for (var i = 0; i < e.NumChildren.Value; i++)
            {
                children.Add(ReadNode(elements, ref index, depth + 1));
            }
            if (logical?.Kind is not (LogicalTypeKind.List or LogicalTypeKind.Map))
            {
                logical = null;
            }
            return new GroupNode(e.Name, repetition, children, logical);
        }
        if (e.Type is not { } type)
        {
            throw new ParquetFormatException($"Schema element '{e.Name}' has neither a type nor children.");
        }
        if (logical?.Kind is LogicalTypeKind.List or LogicalTypeKind.Map)
        {
            logical = null;
        }
        return new PrimitiveNode(e.Name, repetition, type, logical, type == PhysicalType.FixedLenByteArray ? e.TypeLength ?? 0 : 0);
    }

    private static LogicalType? LogicalFromConverted(SchemaElement e) => e.ConvertedType switch
    {
        ConvertedType.Utf8 => LogicalType.String,
        ConvertedType.Json => LogicalType.Json,
        ConvertedType.Date => LogicalType.Date,
        ConvertedType.List => LogicalType.List,
        ConvertedType.Map or ConvertedType.MapKeyValue => LogicalType.Map,
        ConvertedType.Decimal => LogicalType.Decimal(e.Precision ?? 0, e.Scale ?? 0),
        ConvertedType.TimestampMillis => LogicalType.Timestamp(TimeUnit.Millis, true),
        ConvertedType.TimestampMicros => LogicalType.Timestamp(TimeUnit.Micros, true),
        ConvertedType.Int8 => LogicalType.Integer(8, true),
        ConvertedType.Int16 => LogicalType.Integer(16, true),
        ConvertedType.Int32 => LogicalType.Integer(32, true),
        ConvertedType.Int64 => LogicalType.Integer(64, true),
        ConvertedType.Uint8 => LogicalType.Integer(8, false),
        ConvertedType.Uint16 => LogicalType.Integer(16, false),
        ConvertedType.Uint32 => LogicalType.Integer(32, false),
        ConvertedType.Uint64 => LogicalType.Integer(64, false),
        _ => null,
    };

    /// <summary>The schema in Parquet's message notation, e.g. <c>optional binary name (STRING);</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("message ").Append(Root.Name).Append(" {\n");
        foreach (var field in Root.Children)
        {
            Render(field, text, 1);
        }
        text.Append("}\n");
        return text.ToString();
    }

    private static void Render(SchemaNode node, StringBuilder text, int depth)
    {
        text.Append(' ', depth * 2).Append(node.Repetition.ToString().ToLowerInvariant()).Append(' ');
        switch (node)
        {
            case PrimitiveNode p:
                text.Append(PhysicalTypeName(p.Type).ToLowerInvariant());
                if (p.Type == PhysicalType.FixedLenByteArray)
                {
                    text.Append('(').Append(p.TypeLength).Append(')');
                }
                text.Append(' ').Append(p.Name);
                if (p.LogicalType is { } logical)
                {
                    text.Append(" (").Append(logical).Append(')');
                }
                text.Append(";\n");
                break;
            case GroupNode g:
                text.Append("group ").Append(g.Name);
                if (g.LogicalType is { } groupLogical)
                {
                    text.Append(" (").Append(groupLogical).Append(')');
                }
                text.Append(" {\n");
                foreach (var child in g.Children)
                {
                    Render(child, text, depth + 1);
                }
                text.Append(' ', depth * 2).Append("}\n");
                break;
        }
    }
}
