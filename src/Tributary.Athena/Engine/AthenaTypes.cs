using System.Collections;
using System.Globalization;
using System.Text;

namespace Tributary.Athena.Engine;

/// <summary>
/// DuckDB's result types as Athena's ColumnInfo types, and values as Athena's text: booleans true/false, doubles as
/// Java prints them ("1.0", "1.5E10"), timestamps yyyy-MM-dd HH:mm:ss.fff, arrays [a, b], maps and rows {k=v}.
/// </summary>
internal static class AthenaTypes
{
    public static ResultColumn Column(string name, string duckDbType)
    {
        var type = duckDbType.ToUpperInvariant();
        if (type.StartsWith("DECIMAL", StringComparison.Ordinal))
        {
            var open = type.IndexOf('(');
            if (open > 0)
            {
                var parts = type[(open + 1)..type.IndexOf(')')].Split(',');
                return new ResultColumn(name, "decimal", int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            return new ResultColumn(name, "decimal", 18, 3);
        }
        if (type.EndsWith(']'))
        {
            return new ResultColumn(name, "array", 0, 0);
        }
        var (athena, precision) = type switch
        {
            "VARCHAR" => ("varchar", 2147483647),
            "BIGINT" or "HUGEINT" or "UBIGINT" or "UINTEGER" => ("bigint", 19),
            "INTEGER" or "USMALLINT" => ("integer", 10),
            "SMALLINT" or "UTINYINT" => ("smallint", 5),
            "TINYINT" => ("tinyint", 3),
            "DOUBLE" => ("double", 17),
            "FLOAT" => ("float", 17),
            "BOOLEAN" => ("boolean", 0),
            "DATE" => ("date", 0),
            "TIMESTAMP" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "TIMESTAMP_S" => ("timestamp", 3),
            "TIMESTAMP WITH TIME ZONE" => ("timestamp with time zone", 3),
            "TIME" => ("time", 3),
            "BLOB" => ("varbinary", 0),
            "INTERVAL" => ("interval day to second", 0),
            "UUID" => ("uuid", 0),
            _ when type.StartsWith("MAP", StringComparison.Ordinal) => ("map", 0),
            _ when type.StartsWith("STRUCT", StringComparison.Ordinal) => ("row", 0),
            _ => ("varchar", 2147483647),
        };
        return new ResultColumn(name, athena, precision, 0);
    }

    public static string? Format(object? value)
    {
        switch (value)
        {
            case null or DBNull:
                return null;
            case string text:
                return text;
            case bool flag:
                return flag ? "true" : "false";
            case double number:
                return JavaDouble(number);
            case float number:
                return JavaDouble(number);
            case DateTime time:
                return time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            case DateTimeOffset time:
                return time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";
            case DateOnly date:
                return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case TimeOnly time:
                return time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            case byte[] bytes:
                return Convert.ToHexString(bytes).ToLowerInvariant();
            case IDictionary map:
                var entries = new StringBuilder("{");
                var first = true;
                foreach (DictionaryEntry entry in map)
                {
                    entries.Append(first ? "" : ", ").Append(Format(entry.Key)).Append('=').Append(Format(entry.Value) ?? "null");
                    first = false;
                }
                return entries.Append('}').ToString();
            case IEnumerable list:
                var items = new StringBuilder("[");
                var firstItem = true;
                foreach (var item in list)
                {
                    items.Append(firstItem ? "" : ", ").Append(Format(item) ?? "null");
                    firstItem = false;
                }
                return items.Append(']').ToString();
            case IFormattable formattable:
                var formatted = formattable.ToString(null, CultureInfo.InvariantCulture);
                // DuckDB.NET's DATE value type prints as a date already; its TIMESTAMP type as a DateTime.
                return formatted;
            default:
                return value.ToString();
        }
    }

    /// <summary>Java's Double.toString: a decimal point always, exponent form outside [1e-3, 1e7).</summary>
    private static string JavaDouble(double number)
    {
        if (double.IsNaN(number))
        {
            return "NaN";
        }
        if (double.IsInfinity(number))
        {
            return number > 0 ? "Infinity" : "-Infinity";
        }
        var magnitude = Math.Abs(number);
        if (number == 0 || (magnitude >= 1e-3 && magnitude < 1e7))
        {
            var text = number.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
        }
        var exponent = (int)Math.Floor(Math.Log10(magnitude));
        var mantissa = number / Math.Pow(10, exponent);
        var mantissaText = mantissa.ToString("R", CultureInfo.InvariantCulture);
        if (!mantissaText.Contains('.', StringComparison.Ordinal))
        {
            mantissaText += ".0";
        }
        return mantissaText + "E" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
