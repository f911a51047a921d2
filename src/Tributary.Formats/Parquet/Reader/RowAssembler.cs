using System.Numerics;

using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Parquet.Reader;

/// <summary>
/// Rebuilds rows from the levels and values of a row group's columns (Dremel record assembly).
/// A row is a field name → value dictionary; structs are dictionaries, LISTs (and bare repeated
/// fields) <c>List&lt;object?&gt;</c>, MAPs <c>List&lt;KeyValuePair&lt;object, object?&gt;&gt;</c>. Leaf values are
/// logical: string (STRING, JSON, ENUM), DateOnly (DATE), DateTime (TIMESTAMP; UTC kind when adjusted
/// to UTC, nanoseconds truncated to 100 ns ticks), decimal (DECIMAL up to 28 digits), Guid (UUID),
/// int/long/uint/ulong by integer annotation, byte[] otherwise.
/// </summary>
public sealed class RowAssembler
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly ParquetSchema _schema;
    private readonly ColumnData[] _columns;
    private readonly int[] _entry;
    private readonly int[] _value;

    public RowAssembler(ParquetSchema schema, ColumnData[] columns)
    {
        _schema = schema;
        _columns = columns;
        _entry = new int[columns.Length];
        _value = new int[columns.Length];
    }

    public Dictionary<string, object?> NextRow()
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in _schema.Fields)
        {
            row[field.Name] = ReadField(field);
        }
        return row;
    }

    private (int Repetition, int Definition) Peek(SchemaNode node)
    {
        var column = node.FirstLeaf;
        var index = _entry[column];
        var data = _columns[column];
        if (index >= data.Definitions.Length)
        {
            throw new ParquetFormatException($"Column '{data.Column.Path}' has fewer entries than the row group's rows.");
        }
        return (data.Repetitions[index], data.Definitions[index]);
    }

    /// <summary>Consumes one entry in every leaf under <paramref name="node"/> (a null or empty instance).</summary>
    private void Skip(SchemaNode node)
    {
        for (var c = node.FirstLeaf; c < node.FirstLeaf + node.LeafCount; c++)
        {
            _entry[c]++;
        }
    }

    private object? ReadField(SchemaNode node)
    {
        if (node.IsRepeated)
        {
            var items = new List<object?>();
            var (_, definition) = Peek(node);
            if (definition < node.DefinitionLevel)
            {
                Skip(node);
                return items;
            }
            while (true)
            {
                items.Add(ReadInstance(node));
                if (!HasMore(node))
                {
                    return items;
                }
            }
        }
        if (node.IsOptional)
        {
            var (_, definition) = Peek(node);
            if (definition < node.DefinitionLevel)
            {
                Skip(node);
                return null;
            }
        }
        return ReadInstance(node);
    }

    private bool HasMore(SchemaNode repeated)
    {
        var column = repeated.FirstLeaf;
        var index = _entry[column];
        var data = _columns[column];
        return index < data.Repetitions.Length && data.Repetitions[index] == repeated.RepetitionLevel;
    }

    private object? ReadInstance(SchemaNode node)
    {
        switch (node)
        {
            case PrimitiveNode primitive:
                {
                    var column = primitive.ColumnIndex;
                    var data = _columns[column];
                    var index = _entry[column]++;
                    if (index >= data.Definitions.Length)
                    {
                        // Levels of sibling leaves disagree (only a corrupt file does that): Peek checked the first leaf only.
                        throw new ParquetFormatException($"Column '{primitive.Path}' has fewer entries than the row group's rows.");
                    }
                    if (data.Definitions[index] != primitive.DefinitionLevel)
                    {
                        return null;
                    }
                    if (_value[column] >= data.Values.Count)
                    {
                        throw new ParquetFormatException($"Column '{primitive.Path}' has fewer values than its definition levels claim.");
                    }
                    var physical = data.Values[_value[column]++];
                    try
                    {
                        return ToLogical(primitive, physical);
                    }
                    catch (Exception e) when (e is InvalidCastException or OverflowException or ArgumentException or IndexOutOfRangeException)
                    {
                        throw new ParquetFormatException($"Column '{primitive.Path}': value {physical} does not fit its type ({e.Message}).", e);
                    }
                }
            case GroupNode { IsList: true } list:
                {
                    var repeated = list.Children[0];
                    var element = ((GroupNode)repeated).Children[0];
                    var items = new List<object?>();
                    var (_, definition) = Peek(repeated);
                    if (definition < repeated.DefinitionLevel)
                    {
                        Skip(repeated);
                        return items;
                    }
                    do
                    {
                        items.Add(ReadField(element));
                    }
                    while (HasMore(repeated));
                    return items;
                }
            case GroupNode { IsMap: true } map:
                {
                    var keyValue = (GroupNode)map.Children[0];
                    var entries = new List<KeyValuePair<object, object?>>();
                    var (_, definition) = Peek(keyValue);
                    if (definition < keyValue.DefinitionLevel)
                    {
                        Skip(keyValue);
                        return entries;
                    }
                    do
                    {
                        var key = ReadField(keyValue.Children[0]) ?? throw new ParquetFormatException($"MAP '{map.Path}' has a null key.");
                        var value = ReadField(keyValue.Children[1]);
                        entries.Add(new(key, value));
                    }
                    while (HasMore(keyValue));
                    return entries;
                }
            case GroupNode group:
                {
                    var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var child in group.Children)
                    {
                        fields[child.Name] = ReadField(child);
                    }
                    return fields;
                }
            default:
                throw new InvalidOperationException();
        }
    }

    /// <summary>The logical .NET value of a physical value of <paramref name="column"/>.</summary>
    public static object ToLogical(PrimitiveNode column, object physical)
    {
        var logical = column.LogicalType;
        switch (logical?.Kind)
        {
            case LogicalTypeKind.String or LogicalTypeKind.Json or LogicalTypeKind.Enum:
                return System.Text.Encoding.UTF8.GetString((byte[])physical);
            case LogicalTypeKind.Date:
                return DateOnly.FromDayNumber(DateOnly.FromDateTime(Epoch).DayNumber + (int)physical);
            case LogicalTypeKind.Timestamp:
                {
                    var raw = (long)physical;
                    var ticks = logical.Unit switch
                    {
                        TimeUnit.Millis => raw * TimeSpan.TicksPerMillisecond,
                        TimeUnit.Micros => raw * TimeSpan.TicksPerMicrosecond,
                        _ => raw / 100,
                    };
                    return new DateTime(Epoch.Ticks + ticks, logical.IsAdjustedToUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
                }
            case LogicalTypeKind.Decimal:
                {
                    BigInteger unscaled = physical switch
                    {
                        int i => i,
                        long l => l,
                        byte[] bytes => new BigInteger(bytes, isUnsigned: false, isBigEndian: true),
                        _ => throw new ParquetFormatException($"Column '{column.Path}': decimal over {physical.GetType().Name}."),
                    };
                    return (decimal)unscaled / Pow10(logical.Scale);
                }
            case LogicalTypeKind.Uuid:
                return new Guid((byte[])physical, bigEndian: true);
            case LogicalTypeKind.Integer when !logical.IsSigned:
                return physical is int i32 ? (uint)i32 : (object)(ulong)(long)physical;
            default:
                return physical;
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }
}
