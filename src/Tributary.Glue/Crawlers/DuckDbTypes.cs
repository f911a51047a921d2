using System.Text;

namespace Tributary.Glue.Crawlers;

/// <summary>
/// DuckDB's type strings (as DESCRIBE prints them: <c>INTEGER</c>, <c>VARCHAR[]</c>, <c>STRUCT(a BIGINT, "b c"
/// VARCHAR)</c>, <c>MAP(VARCHAR, DOUBLE)</c>, <c>DECIMAL(18,3)</c>, <c>TIMESTAMP WITH TIME ZONE</c>) as the Hive type
/// strings Glue writes (<c>int</c>, <c>array&lt;string&gt;</c>, <c>struct&lt;a:bigint,b c:string&gt;</c>, …).
/// The textual flag is for formats whose classifiers do not infer dates and times from text (JSON, CSV):
/// temporal types and DuckDB's JSON type become <c>string</c>, as Glue's JSON and CSV classifiers leave them.
/// </summary>
internal static class DuckDbTypes
{
    public static string ToHive(string duckDbType, bool textual)
    {
        var position = 0;
        return Parse(duckDbType, ref position, textual);
    }

    private static string Parse(string text, ref int position, bool textual)
    {
        SkipSpaces(text, ref position);
        var start = position;
        while (position < text.Length && text[position] is not (',' or '(' or ')' or '[' or ']'))
        {
            position++;
        }
        var name = text[start..position].Trim().ToUpperInvariant();
        string result;
        if (position < text.Length && text[position] == '(')
        {
            position++;
            switch (name)
            {
                case "STRUCT":
                    var fields = new StringBuilder("struct<");
                    var first = true;
                    while (true)
                    {
                        SkipSpaces(text, ref position);
                        if (position < text.Length && text[position] == ')')
                        {
                            position++;
                            break;
                        }
                        var field = FieldName(text, ref position);
                        var type = Parse(text, ref position, textual);
                        fields.Append(first ? "" : ",").Append(field.ToLowerInvariant()).Append(':').Append(type);
                        first = false;
                        SkipSpaces(text, ref position);
                        if (position < text.Length && text[position] == ',')
                        {
                            position++;
                        }
                    }
                    result = fields.Append('>').ToString();
                    break;
                case "MAP":
                    var key = Parse(text, ref position, textual);
                    Expect(text, ref position, ',');
                    var value = Parse(text, ref position, textual);
                    Expect(text, ref position, ')');
                    result = $"map<{key},{value}>";
                    break;
                default:
                    // DECIMAL(p,s) and the like: the arguments are kept; UNION(...) has no Hive counterpart Athena reads.
                    var close = text.IndexOf(')', position);
                    var arguments = text[position..close].Replace(" ", "", StringComparison.Ordinal);
                    position = close + 1;
                    result = name is "DECIMAL" or "NUMERIC" ? $"decimal({arguments})" : "string";
                    break;
            }
        }
        else
        {
            result = Scalar(name, textual);
        }
        // Lists (T[]) and fixed-size arrays (T[3]) are Hive arrays.
        while (true)
        {
            SkipSpaces(text, ref position);
            if (position >= text.Length || text[position] != '[')
            {
                return result;
            }
            position = text.IndexOf(']', position) + 1;
            result = $"array<{result}>";
        }
    }

    private static string Scalar(string name, bool textual) => name switch
    {
        "BOOLEAN" => "boolean",
        "TINYINT" => "tinyint",
        "SMALLINT" or "UTINYINT" => "smallint",
        "INTEGER" or "USMALLINT" => "int",
        "BIGINT" or "UINTEGER" => "bigint",
        "UBIGINT" or "HUGEINT" or "UHUGEINT" => "decimal(38,0)",
        "FLOAT" => "float",
        "DOUBLE" => "double",
        "DATE" => textual ? "string" : "date",
        "TIMESTAMP" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "TIMESTAMP_S" or "TIMESTAMP WITH TIME ZONE" => textual ? "string" : "timestamp",
        "BLOB" => "binary",
        _ => "string",
    };

    private static string FieldName(string text, ref int position)
    {
        SkipSpaces(text, ref position);
        if (text[position] == '"')
        {
            var name = new StringBuilder();
            position++;
            while (position < text.Length)
            {
                if (text[position] == '"')
                {
                    if (position + 1 < text.Length && text[position + 1] == '"')
                    {
                        name.Append('"');
                        position += 2;
                        continue;
                    }
                    position++;
                    break;
                }
                name.Append(text[position++]);
            }
            return name.ToString();
        }
        var start = position;
        while (position < text.Length && text[position] != ' ')
        {
            position++;
        }
        return text[start..position];
    }

    private static void Expect(string text, ref int position, char expected)
    {
        SkipSpaces(text, ref position);
        if (position >= text.Length || text[position] != expected)
        {
            throw new FormatException($"Unexpected DuckDB type syntax at {position} in {text}.");
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
}
