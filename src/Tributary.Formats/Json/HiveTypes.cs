using System.Text;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Json;

/// <summary>
/// Column types written as Hive/Glue type strings — how Firehose and Glue tables describe columns —
/// to and from Parquet schema nodes. <c>boolean tinyint smallint int bigint float double string
/// varchar(n) char(n) binary date timestamp decimal(p,s) array&lt;T&gt; map&lt;K,V&gt; struct&lt;name:T,…&gt;</c>,
/// plus Tributary's <c>uuid</c>, <c>json</c>, <c>timestamp_millis</c> and <c>timestamp_local</c>.
/// <c>timestamp</c> is written as INT64 TIMESTAMP(MICROS, adjusted to UTC) — not Hive's legacy INT96.
/// Every field is optional (nullable), as in Hive tables. Stateless and thread-safe.
/// </summary>
public static class HiveTypes
{
    public static SchemaNode Parse(string name, string type)
    {
        var position = 0;
        var node = ParseType(name, type, ref position);
        SkipSpaces(type, ref position);
        if (position != type.Length)
        {
            throw new ParquetFormatException($"Column '{name}': unexpected '{type[position..]}' in type '{type}'.");
        }
        return node;
    }

    private static SchemaNode ParseType(string name, string text, ref int position)
    {
        SkipSpaces(text, ref position);
        var start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }
        var word = text[start..position].ToLowerInvariant();
        switch (word)
        {
            case "boolean": return Field.Boolean(name);
            case "tinyint": return Field.Integer(name, 8, isSigned: true);
            case "smallint": return Field.Integer(name, 16, isSigned: true);
            case "int" or "integer": return Field.Int32(name);
            case "bigint": return Field.Int64(name);
            case "float": return Field.Float(name);
            case "double": return Field.Double(name);
            case "string": return Field.String(name);
            case "varchar" or "char":
                ReadParameters(text, ref position, name);
                return Field.String(name);
            case "binary": return Field.Binary(name);
            case "date": return Field.Date(name);
            case "timestamp": return Field.Timestamp(name, TimeUnit.Micros, isAdjustedToUtc: true);
            case "timestamp_millis": return Field.Timestamp(name, TimeUnit.Millis, isAdjustedToUtc: true);
            case "timestamp_local": return Field.Timestamp(name, TimeUnit.Micros, isAdjustedToUtc: false);
            case "uuid": return Field.Uuid(name);
            case "json": return Field.Json(name);
            case "decimal":
                {
                    var parameters = ReadParameters(text, ref position, name);
                    return parameters.Count switch
                    {
                        0 => Field.Decimal(name, 10, 0),
                        1 => Field.Decimal(name, parameters[0], 0),
                        _ => Field.Decimal(name, parameters[0], parameters[1]),
                    };
                }
            case "array":
                {
                    Expect(text, ref position, '<', name);
                    var element = ParseType("element", text, ref position);
                    Expect(text, ref position, '>', name);
                    return Field.List(name, element);
                }
            case "map":
                {
                    Expect(text, ref position, '<', name);
                    var key = ParseType("key", text, ref position);
                    Expect(text, ref position, ',', name);
                    var value = ParseType("value", text, ref position);
                    Expect(text, ref position, '>', name);
                    if (key is not PrimitiveNode keyPrimitive)
                    {
                        throw new ParquetFormatException($"Column '{name}': map keys must be primitive.");
                    }
                    return Field.Map(name, new PrimitiveNode("key", Repetition.Required, keyPrimitive.Type, keyPrimitive.LogicalType, keyPrimitive.TypeLength), value);
                }
            case "struct":
                {
                    Expect(text, ref position, '<', name);
                    var fields = new List<SchemaNode>();
                    while (true)
                    {
                        SkipSpaces(text, ref position);
                        var fieldStart = position;
                        while (position < text.Length && text[position] != ':')
                        {
                            position++;
                        }
                        var fieldName = text[fieldStart..position].Trim().Trim('`');
                        Expect(text, ref position, ':', name);
                        fields.Add(ParseType(fieldName, text, ref position));
                        SkipSpaces(text, ref position);
                        if (position < text.Length && text[position] == ',')
                        {
                            position++;
                            continue;
                        }
                        Expect(text, ref position, '>', name);
                        return Field.Struct(name, fields);
                    }
                }
            default:
                throw new ParquetFormatException($"Column '{name}': unknown type '{(word.Length == 0 ? text[start..] : word)}'.");
        }
    }

    private static List<int> ReadParameters(string text, ref int position, string name)
    {
        var result = new List<int>();
        SkipSpaces(text, ref position);
        if (position >= text.Length || text[position] != '(')
        {
            return result;
        }
        var end = text.IndexOf(')', position);
        if (end < 0)
        {
            throw new ParquetFormatException($"Column '{name}': missing ')' in '{text}'.");
        }
        foreach (var part in text[(position + 1)..end].Split(','))
        {
            if (!int.TryParse(part.Trim(), out var value))
            {
                throw new ParquetFormatException($"Column '{name}': bad type parameter '{part}'.");
            }
            result.Add(value);
        }
        position = end + 1;
        return result;
    }

    private static void Expect(string text, ref int position, char c, string name)
    {
        SkipSpaces(text, ref position);
        if (position >= text.Length || text[position] != c)
        {
            throw new ParquetFormatException($"Column '{name}': expected '{c}' at position {position} of '{text}'.");
        }
        position++;
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    /// <summary>The Hive type string of a node built by <see cref="Parse"/> (or an equivalent node).</summary>
    public static string Format(SchemaNode node)
    {
        var text = new StringBuilder();
        Append(node, text);
        return text.ToString();
    }

    private static void Append(SchemaNode node, StringBuilder text)
    {
        switch (node)
        {
            case GroupNode { IsList: true } list:
                text.Append("array<");
                Append(((GroupNode)list.Children[0]).Children[0], text);
                text.Append('>');
                break;
            case GroupNode { IsMap: true } map:
                text.Append("map<");
                Append(((GroupNode)map.Children[0]).Children[0], text);
                text.Append(',');
                Append(((GroupNode)map.Children[0]).Children[1], text);
                text.Append('>');
                break;
            case GroupNode group:
                text.Append("struct<");
                for (var i = 0; i < group.Children.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }
                    text.Append(group.Children[i].Name).Append(':');
                    Append(group.Children[i], text);
                }
                text.Append('>');
                break;
            case PrimitiveNode p:
                text.Append((p.Type, p.LogicalType) switch
                {
                    (_, { Kind: LogicalTypeKind.String }) => "string",
                    (_, { Kind: LogicalTypeKind.Json }) => "json",
                    (_, { Kind: LogicalTypeKind.Uuid }) => "uuid",
                    (_, { Kind: LogicalTypeKind.Date }) => "date",
                    (_, { Kind: LogicalTypeKind.Decimal } d) => $"decimal({d.Precision},{d.Scale})",
                    (_, { Kind: LogicalTypeKind.Timestamp, IsAdjustedToUtc: false }) => "timestamp_local",
                    (_, { Kind: LogicalTypeKind.Timestamp, Unit: TimeUnit.Millis }) => "timestamp_millis",
                    (_, { Kind: LogicalTypeKind.Timestamp }) => "timestamp",
                    (_, { Kind: LogicalTypeKind.Integer, BitWidth: 8 }) => "tinyint",
                    (_, { Kind: LogicalTypeKind.Integer, BitWidth: 16 }) => "smallint",
                    (PhysicalType.Boolean, _) => "boolean",
                    (PhysicalType.Int32, _) => "int",
                    (PhysicalType.Int64, _) => "bigint",
                    (PhysicalType.Float, _) => "float",
                    (PhysicalType.Double, _) => "double",
                    _ => "binary",
                });
                break;
        }
    }
}
