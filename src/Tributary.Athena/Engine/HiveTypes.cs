using System.Text;

namespace Tributary.Athena.Engine;

/// <summary>Hive type strings (Glue columns) as DuckDB types: scalars, decimal(p,s), array&lt;T&gt;, map&lt;K,V&gt;, struct&lt;a:T,…&gt;.</summary>
internal static class HiveTypes
{
    public static string ToDuckDb(string hiveType)
    {
        var position = 0;
        var result = Parse(hiveType.Trim(), ref position);
        return result;
    }

    private static string Parse(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }
        var name = text[start..position].ToLowerInvariant();
        SkipSpaces(text, ref position);
        switch (name)
        {
            case "array":
                Expect(text, ref position, '<');
                var element = Parse(text, ref position);
                Expect(text, ref position, '>');
                return element + "[]";
            case "map":
                Expect(text, ref position, '<');
                var key = Parse(text, ref position);
                Expect(text, ref position, ',');
                var value = Parse(text, ref position);
                Expect(text, ref position, '>');
                return $"MAP({key}, {value})";
            case "struct":
                Expect(text, ref position, '<');
                var fields = new StringBuilder("STRUCT(");
                var first = true;
                while (true)
                {
                    SkipSpaces(text, ref position);
                    var fieldStart = position;
                    while (position < text.Length && text[position] != ':')
                    {
                        position++;
                    }
                    var field = text[fieldStart..position].Trim();
                    Expect(text, ref position, ':');
                    var fieldType = Parse(text, ref position);
                    fields.Append(first ? "" : ", ").Append(Quote(field)).Append(' ').Append(fieldType);
                    first = false;
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                        continue;
                    }
                    Expect(text, ref position, '>');
                    return fields.Append(')').ToString();
                }
            case "decimal":
                if (position < text.Length && text[position] == '(')
                {
                    var end = text.IndexOf(')', position);
                    var arguments = text[(position + 1)..end];
                    position = end + 1;
                    return $"DECIMAL({arguments})";
                }
                return "DECIMAL(10,0)";
            case "varchar" or "char":
                if (position < text.Length && text[position] == '(')
                {
                    position = text.IndexOf(')', position) + 1;
                }
                return "VARCHAR";
            default:
                return name switch
                {
                    "string" => "VARCHAR",
                    "tinyint" => "TINYINT",
                    "smallint" => "SMALLINT",
                    "int" or "integer" => "INTEGER",
                    "bigint" => "BIGINT",
                    "float" => "FLOAT",
                    "double" => "DOUBLE",
                    "boolean" => "BOOLEAN",
                    "date" => "DATE",
                    "timestamp" => "TIMESTAMP",
                    "binary" => "BLOB",
                    _ => throw new FormatException($"Unsupported Hive type '{text}'."),
                };
        }
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private static void Expect(string text, ref int position, char c)
    {
        SkipSpaces(text, ref position);
        if (position >= text.Length || text[position] != c)
        {
            throw new FormatException($"Unsupported Hive type '{text}': expected '{c}' at {position}.");
        }
        position++;
        SkipSpaces(text, ref position);
    }
}
