namespace Tributary.Connect.Data;

/// <summary>
/// Connect's schema types. The lower-case names (<see cref="SchemaTypes.Name"/>) are what Connect's schema JSON,
/// Cast specs and plugin APIs spell. The values held by each type, in this API:
/// INT8 <see cref="sbyte"/>, INT16 <see cref="short"/>, INT32 <see cref="int"/>, INT64 <see cref="long"/>,
/// FLOAT32 <see cref="float"/>, FLOAT64 <see cref="double"/>, BOOLEAN <see cref="bool"/>, STRING <see cref="string"/>,
/// BYTES <c>byte[]</c> (or <see cref="ReadOnlyMemory{T}"/> of bytes), ARRAY <see cref="System.Collections.IList"/>,
/// MAP <see cref="System.Collections.IDictionary"/>, STRUCT <see cref="Struct"/>. Logical types refine these
/// (<see cref="Decimal"/>, <see cref="Date"/>, <see cref="Time"/>, <see cref="Timestamp"/>).
/// </summary>
public enum SchemaType
{
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array,
    Map,
    Struct,
}

public static class SchemaTypes
{
    /// <summary>Connect's name of the type: <c>int8</c> … <c>struct</c>.</summary>
    public static string Name(this SchemaType type) => type switch
    {
        SchemaType.Int8 => "int8",
        SchemaType.Int16 => "int16",
        SchemaType.Int32 => "int32",
        SchemaType.Int64 => "int64",
        SchemaType.Float32 => "float32",
        SchemaType.Float64 => "float64",
        SchemaType.Boolean => "boolean",
        SchemaType.String => "string",
        SchemaType.Bytes => "bytes",
        SchemaType.Array => "array",
        SchemaType.Map => "map",
        SchemaType.Struct => "struct",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Parses Connect's (case-insensitive) type name; false for anything else.</summary>
    public static bool TryParse(string? name, out SchemaType type)
    {
        switch (name?.ToLowerInvariant())
        {
            case "int8": type = SchemaType.Int8; return true;
            case "int16": type = SchemaType.Int16; return true;
            case "int32": type = SchemaType.Int32; return true;
            case "int64": type = SchemaType.Int64; return true;
            case "float32": type = SchemaType.Float32; return true;
            case "float64": type = SchemaType.Float64; return true;
            case "boolean": type = SchemaType.Boolean; return true;
            case "string": type = SchemaType.String; return true;
            case "bytes": type = SchemaType.Bytes; return true;
            case "array": type = SchemaType.Array; return true;
            case "map": type = SchemaType.Map; return true;
            case "struct": type = SchemaType.Struct; return true;
            default: type = default; return false;
        }
    }

    /// <summary>True for every type but ARRAY, MAP and STRUCT.</summary>
    public static bool IsPrimitive(this SchemaType type) => type is not (SchemaType.Array or SchemaType.Map or SchemaType.Struct);
}
