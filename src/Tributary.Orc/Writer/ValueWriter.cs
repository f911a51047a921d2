using System.Numerics;
using System.Text;
using Tributary.Orc.Metadata;
using Tributary.Orc.Reader;

namespace Tributary.Orc.Writer;

/// <summary>
/// Writes rows given in the reader's value model (<see cref="OrcStruct"/>, lists, maps as key/value pairs,
/// <see cref="OrcUnion"/>, long, bool, float/double, string, byte[], <see cref="OrcDecimal"/>, <see cref="DateOnly"/>,
/// <see cref="OrcTimestamp"/> as UTC) — for tests, tools and callers that hold values rather than JSON. Allocates per
/// value: not the hot path (JSON conversion writes columns directly).
/// </summary>
public static class ValueWriter
{
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    public static void WriteRow(OrcWriter writer, OrcStruct row)
    {
        for (var f = 0; f < writer.Root.Children.Count; f++)
        {
            Write(writer.Root.Children[f], row.Fields[f]);
        }
        writer.EndRow();
    }

    public static void Write(ColumnWriter column, object? value)
    {
        if (value is null)
        {
            column.WriteNull();
            return;
        }
        switch (column)
        {
            case BooleanColumnWriter b: b.Write((bool)value); break;
            case ByteColumnWriter b: b.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case IntegerColumnWriter i:
                i.Write(value is DateOnly date ? date.DayNumber - EpochDay : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case FloatingColumnWriter f: f.Write(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case StringColumnWriter s: s.Write(value is byte[] raw ? raw : Encoding.UTF8.GetBytes((string)value)); break;
            case BinaryColumnWriter b: b.Write((byte[])value); break;
            case DecimalColumnWriter d:
                {
                    var unscaled = ((OrcDecimal)value).Rescale(column.Type.Scale).Unscaled;
                    if (unscaled >= long.MinValue && unscaled <= long.MaxValue)
                    {
                        d.Write((long)unscaled);
                    }
                    else
                    {
                        d.Write(unscaled);
                    }
                    break;
                }
            case TimestampColumnWriter t:
                {
                    var ts = (OrcTimestamp)value;
                    t.Write(ts.Seconds, ts.Nanos);
                    break;
                }
            case StructColumnWriter s:
                {
                    var fields = ((OrcStruct)value).Fields;
                    s.Write();
                    for (var f = 0; f < s.Children.Count; f++)
                    {
                        Write(s.Children[f], fields[f]);
                    }
                    break;
                }
            case RepeatedColumnWriter r when column.Type.Kind == OrcTypeKind.List:
                {
                    var list = (List<object?>)value;
                    r.Write(list.Count);
                    foreach (var element in list)
                    {
                        Write(r.Children[0], element);
                    }
                    break;
                }
            case RepeatedColumnWriter r:
                {
                    var map = (List<KeyValuePair<object?, object?>>)value;
                    r.Write(map.Count);
                    foreach (var (key, item) in map)
                    {
                        Write(r.Children[0], key);
                        Write(r.Children[1], item);
                    }
                    break;
                }
            case UnionColumnWriter u:
                {
                    var union = (OrcUnion)value;
                    u.Write(union.Tag);
                    Write(u.Children[union.Tag], union.Value);
                    break;
                }
            default:
                throw new OrcFormatException($"No value writer for {column.Type}.");
        }
    }

    /// <summary>A BigInteger that fits in a long, for callers building decimals.</summary>
    public static bool FitsInt64(BigInteger value) => value >= long.MinValue && value <= long.MaxValue;
}
