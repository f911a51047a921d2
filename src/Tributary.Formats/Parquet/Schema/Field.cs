using Tributary.Formats.Parquet.Metadata;

namespace Tributary.Formats.Parquet.Schema;

/// <summary>
/// Shorthands for building schema nodes with the right physical type, logical type and layout.
/// Fields are optional unless <c>required: true</c>.
/// </summary>
public static class Field
{
    private static Repetition Rep(bool required) => required ? Repetition.Required : Repetition.Optional;

    public static PrimitiveNode Boolean(string name, bool required = false) => new(name, Rep(required), PhysicalType.Boolean);
    public static PrimitiveNode Int32(string name, bool required = false) => new(name, Rep(required), PhysicalType.Int32);
    public static PrimitiveNode Int64(string name, bool required = false) => new(name, Rep(required), PhysicalType.Int64);
    public static PrimitiveNode Float(string name, bool required = false) => new(name, Rep(required), PhysicalType.Float);
    public static PrimitiveNode Double(string name, bool required = false) => new(name, Rep(required), PhysicalType.Double);
    public static PrimitiveNode Binary(string name, bool required = false) => new(name, Rep(required), PhysicalType.ByteArray);
    public static PrimitiveNode FixedBytes(string name, int length, bool required = false) => new(name, Rep(required), PhysicalType.FixedLenByteArray, null, length);
    public static PrimitiveNode String(string name, bool required = false) => new(name, Rep(required), PhysicalType.ByteArray, LogicalType.String);
    public static PrimitiveNode Json(string name, bool required = false) => new(name, Rep(required), PhysicalType.ByteArray, LogicalType.Json);
    public static PrimitiveNode Date(string name, bool required = false) => new(name, Rep(required), PhysicalType.Int32, LogicalType.Date);
    public static PrimitiveNode Uuid(string name, bool required = false) => new(name, Rep(required), PhysicalType.FixedLenByteArray, LogicalType.Uuid, 16);

    public static PrimitiveNode Timestamp(string name, TimeUnit unit = TimeUnit.Micros, bool isAdjustedToUtc = true, bool required = false) =>
        new(name, Rep(required), PhysicalType.Int64, LogicalType.Timestamp(unit, isAdjustedToUtc));

    /// <summary>An integer with a bit width of 8, 16, 32 or 64, signed or unsigned (INT32 below 64 bits).</summary>
    public static PrimitiveNode Integer(string name, int bitWidth, bool isSigned, bool required = false) =>
        new(name, Rep(required), bitWidth == 64 ? PhysicalType.Int64 : PhysicalType.Int32, LogicalType.Integer(bitWidth, isSigned));

    /// <summary>
    /// A decimal stored as INT32 (precision up to 9), INT64 (up to 18) or a FIXED_LEN_BYTE_ARRAY of the
    /// fewest bytes that hold the precision (up to 38), as the specification recommends.
    /// </summary>
    public static PrimitiveNode Decimal(string name, int precision, int scale, bool required = false)
    {
        var logical = LogicalType.Decimal(precision, scale);
        return precision switch
        {
            <= 9 => new PrimitiveNode(name, Rep(required), PhysicalType.Int32, logical),
            <= 18 => new PrimitiveNode(name, Rep(required), PhysicalType.Int64, logical),
            _ => new PrimitiveNode(name, Rep(required), PhysicalType.FixedLenByteArray, logical, DecimalBytes(precision)),
        };
    }

    /// <summary>Fewest bytes whose two's complement range holds every number of <paramref name="precision"/> digits.</summary>
    public static int DecimalBytes(int precision)
    {
        var bytes = 1;
        while (System.Numerics.BigInteger.Pow(2, (8 * bytes) - 1) <= System.Numerics.BigInteger.Pow(10, precision))
        {
            bytes++;
        }
        return bytes;
    }

    public static GroupNode Struct(string name, IReadOnlyList<SchemaNode> fields, bool required = false) => new(name, Rep(required), fields);

    /// <summary>
    /// A LIST in the standard three-level layout: <c>&lt;rep&gt; group name (LIST) { repeated group list { &lt;element&gt; } }</c>.
    /// <paramref name="element"/> must be named <c>element</c>.
    /// </summary>
    public static GroupNode List(string name, SchemaNode element, bool required = false) =>
        new(name, Rep(required), [new GroupNode("list", Repetition.Repeated, [element])], LogicalType.List);

    /// <summary>
    /// A MAP in the standard layout: <c>&lt;rep&gt; group name (MAP) { repeated group key_value { required key; &lt;value&gt; } }</c>.
    /// <paramref name="key"/> must be required and named <c>key</c>, <paramref name="value"/> named <c>value</c>.
    /// </summary>
    public static GroupNode Map(string name, SchemaNode key, SchemaNode value, bool required = false) =>
        new(name, Rep(required), [new GroupNode("key_value", Repetition.Repeated, [key, value])], LogicalType.Map);
}
