using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// One record of the schema history topic, as Debezium's HistoryRecord writes it (a JSON string value, no key):
/// <c>{"source":{"server":prefix},"position":{offset},"ts_ms":…,"databaseName":…,"ddl":…,"tableChanges":[…]}</c> with
/// the tables in the JSON form of Debezium's JsonTableChangeSerializer (columns with <c>hasDefaultValue</c>, an empty
/// <c>attributes</c> list). Recovery replays <see cref="Ddl"/> through the parser up to the stored offset; the table
/// changes are written for readers of the topic. Immutable.
/// </summary>
public sealed record SchemaHistoryRecord(string Server, MySqlOffset Position, long TimestampMs, string? Database, string Ddl, IReadOnlyList<TableChange> Changes)
{
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        // Quotes and non-ASCII text as they are (Jackson's output), not \u-escaped.
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("source");
            json.WriteString("server", Server);
            json.WriteEndObject();
            json.WriteStartObject("position");
            foreach (var (key, value) in Position.ToMap())
            {
                switch (value)
                {
                    case string text:
                        json.WriteString(key, text);
                        break;
                    case long number:
                        json.WriteNumber(key, number);
                        break;
                    case int number:
                        json.WriteNumber(key, number);
                        break;
                }
            }
            json.WriteEndObject();
            json.WriteNumber("ts_ms", TimestampMs);
            if (Database is not null)
            {
                json.WriteString("databaseName", Database);
            }
            json.WriteString("ddl", Ddl);
            json.WriteStartArray("tableChanges");
            foreach (var change in Changes)
            {
                json.WriteStartObject();
                json.WriteString("type", change.Type);
                json.WriteString("id", SchemaChangeEvents.TableId(change.Database, change.Table));
                WriteTable(json, change.Definition);
                json.WriteNull("comment");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteTable(Utf8JsonWriter json, TableDefinition table)
    {
        json.WriteStartObject("table");
        WriteOptional(json, "defaultCharsetName", table.DefaultCharset);
        json.WriteStartArray("primaryKeyColumnNames");
        foreach (var key in table.KeyColumns)
        {
            json.WriteStringValue(key);
        }
        json.WriteEndArray();
        json.WriteStartArray("columns");
        foreach (var column in table.Columns)
        {
            json.WriteStartObject();
            json.WriteString("name", column.Name);
            json.WriteNumber("jdbcType", SchemaChangeEvents.JdbcType(column));
            json.WriteString("typeName", column.TypeName);
            json.WriteString("typeExpression", column.TypeExpression ?? column.TypeName);
            WriteOptional(json, "charsetName", column.Charset);
            if (column.TypeLength is { } length)
            {
                json.WriteNumber("length", length);
            }
            if (column.TypeScale is { } scale)
            {
                json.WriteNumber("scale", scale);
            }
            json.WriteNumber("position", column.Position);
            json.WriteBoolean("optional", column.Nullable);
            json.WriteBoolean("autoIncremented", column.AutoIncrement);
            json.WriteBoolean("generated", column.Generated);
            WriteOptional(json, "comment", column.Comment);
            json.WriteBoolean("hasDefaultValue", column.HasDefault);
            WriteOptional(json, "defaultValueExpression", column.DefaultValue);
            if (column.DataType is "enum" or "set")
            {
                json.WriteStartArray("enumValues");
                foreach (var member in column.Members())
                {
                    json.WriteStringValue(member);
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteOptional(json, "comment", table.Comment);
        json.WriteStartArray("attributes");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>What recovery needs of a stored record: its position, database and DDL. Null when the value is not a history record.</summary>
    public static (MySqlOffset Position, string? Database, string Ddl)? Read(ReadOnlySpan<byte> value)
    {
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(value));
            var root = document.RootElement;
            if (!root.TryGetProperty("position", out var position) || !root.TryGetProperty("ddl", out var ddl) || ddl.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var map = new Dictionary<string, object?>();
            foreach (var property in position.EnumerateObject())
            {
                map[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => property.Value.GetInt64(),
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.True => true,
                    _ => null,
                };
            }
            if (MySqlOffset.FromMap(map) is not { } offset)
            {
                return null;
            }
            var database = root.TryGetProperty("databaseName", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
            return (offset, database, ddl.GetString()!);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
