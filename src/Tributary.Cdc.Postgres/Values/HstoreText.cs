using System.Text;
using System.Text.Json;

namespace Tributary.Cdc.Postgres.Values;

/// <summary>
/// hstore's text output (<c>"a"=>"1", "b"=>NULL</c>: quoted keys and values, backslash escapes, unquoted NULL) as
/// Debezium presents it. Debezium reads the text through the JDBC driver's hstore parser into a <c>java.util.HashMap</c>
/// and writes that map (Jackson for <c>hstore.handling.mode=json</c>, a Connect map for <c>map</c>), so the pairs come
/// out in HashMap's iteration order, not PostgreSQL's; <see cref="Parse"/> returns them in that order so events match
/// byte for byte. Stateless; thread-safe.
/// </summary>
public static class HstoreText
{
    /// <summary>The pairs in java.util.HashMap's iteration order (values null for NULL).</summary>
    public static List<KeyValuePair<string, string?>> Parse(string text)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        var i = 0;
        while (true)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length)
            {
                break;
            }
            var key = ReadToken(text, ref i, out _)!;
            SkipSpace(text, ref i);
            i += 2; // =>
            SkipSpace(text, ref i);
            var value = ReadToken(text, ref i, out var quoted);
            pairs.Add(new(key, !quoted && string.Equals(value, "NULL", StringComparison.OrdinalIgnoreCase) ? null : value));
            SkipSpace(text, ref i);
            if (i < text.Length && text[i] == ',')
            {
                i++;
            }
        }
        return JavaHashMap.Order(pairs, pair => pair.Key);
    }

    /// <summary>Jackson's compact output of the map (<c>{"a":"1","b":null}</c>).</summary>
    public static string ToJson(string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in Parse(text))
            {
                if (value is null)
                {
                    writer.WriteNull(key);
                }
                else
                {
                    writer.WriteString(key, value);
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A Connect map value (string → optional string) in HashMap's order.</summary>
    public static Dictionary<string, object?> ToMap(string text)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Parse(text))
        {
            map[key] = value;
        }
        return map;
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }

    private static string? ReadToken(string text, ref int i, out bool quoted)
    {
        var token = new StringBuilder();
        quoted = i < text.Length && text[i] == '"';
        if (quoted)
        {
            for (i++; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }
                token.Append(text[i]);
            }
            i++;
            return token.ToString();
        }
        while (i < text.Length && text[i] is not (',' or '=') && !char.IsWhiteSpace(text[i]))
        {
            token.Append(text[i++]);
        }
        return token.ToString();
    }
}
