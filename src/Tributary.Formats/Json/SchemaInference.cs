using System.Text.Json;
using Tributary.Formats.Parquet.Schema;

namespace Tributary.Formats.Json;

/// <summary>
/// Infers a schema from sample JSON records (the self-hosted stand-in for a Glue crawler).
/// <para>Per value: null → unknown; true/false → boolean; an integer that fits 64 bits → bigint; any other
/// number → double; a string that parses as a timestamp (<see cref="TimestampParser"/> text forms with a
/// time part) → timestamp; other strings → string; an object → struct; an array → array of its elements' type.</para>
/// <para><b>Widening</b> when records disagree: unknown yields to anything; bigint + double → double;
/// timestamp + string → string; struct + struct → a struct with the union of the fields (first-seen order);
/// array + array → array of the widened element; any other mix (e.g. number + string, struct + string)
/// → string, which keeps the JSON text. A field still unknown after the sample → string. Field names are
/// lower-cased (matching is case-insensitive, as in the SerDes) and every column is nullable.</para>
/// Not thread-safe; one instance accumulates one sample.
/// </summary>
public sealed class SchemaInference
{
    private sealed class Shape
    {
        public Kind Kind;
        public Shape? Element;
        public Dictionary<string, Shape>? Fields;
    }

    private enum Kind
    {
        Unknown,
        Boolean,
        BigInt,
        Double,
        Timestamp,
        String,
        Struct,
        Array,
    }

    private readonly Shape _root = new() { Kind = Kind.Struct, Fields = [] };

    public int Records { get; private set; }

    /// <summary>Adds one JSON object to the sample; throws <see cref="JsonException"/> for invalid JSON.</summary>
    public void Add(ReadOnlySpan<byte> record)
    {
        using var document = JsonDocument.Parse(record.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ParquetFormatException($"Record {Records}: a record must be a JSON object.");
        }
        Merge(_root, document.RootElement);
        Records++;
    }

    /// <summary>Adds up to <paramref name="maxRecords"/> JSON lines from <paramref name="reader"/>; invalid lines are skipped.</summary>
    public void AddLines(TextReader reader, int maxRecords)
    {
        string? line;
        while (Records < maxRecords && (line = reader.ReadLine()) is not null)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }
            try
            {
                Add(System.Text.Encoding.UTF8.GetBytes(line));
            }
            catch (JsonException)
            {
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    private static void Merge(Shape shape, JsonElement value)
    {
        var observed = value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => Kind.Unknown,
            JsonValueKind.True or JsonValueKind.False => Kind.Boolean,
            JsonValueKind.Number => value.TryGetInt64(out _) ? Kind.BigInt : Kind.Double,
            JsonValueKind.String => IsTimestamp(value) ? Kind.Timestamp : Kind.String,
            JsonValueKind.Object => Kind.Struct,
            _ => Kind.Array,
        };
        shape.Kind = Widen(shape.Kind, observed);
        if (shape.Kind == Kind.Struct && observed == Kind.Struct)
        {
            shape.Fields ??= [];
            foreach (var property in value.EnumerateObject())
            {
                var name = property.Name.ToLowerInvariant();
                if (!shape.Fields.TryGetValue(name, out var child))
                {
                    shape.Fields[name] = child = new Shape();
                }
                Merge(child, property.Value);
            }
        }
        else if (shape.Kind == Kind.Array && observed == Kind.Array)
        {
            shape.Element ??= new Shape();
            foreach (var item in value.EnumerateArray())
            {
                Merge(shape.Element, item);
            }
        }
    }

    private static bool IsTimestamp(JsonElement value)
    {
        var text = value.GetString()!;
        return text.Length >= 16 && (text[10] is 'T' or ' ') && TimestampParser.TryParseText(System.Text.Encoding.UTF8.GetBytes(text), out _);
    }

    private static Kind Widen(Kind current, Kind observed)
    {
        if (current == observed || observed == Kind.Unknown)
        {
            return current;
        }
        return (current, observed) switch
        {
            (Kind.Unknown, _) => observed,
            (Kind.BigInt, Kind.Double) or (Kind.Double, Kind.BigInt) => Kind.Double,
            _ => Kind.String,
        };
    }

    /// <summary>The inferred schema; throws when the sample had no fields.</summary>
    public ParquetSchema ToSchema()
    {
        if (_root.Fields is not { Count: > 0 })
        {
            throw new ParquetFormatException("Schema inference needs at least one record with a field.");
        }
        return new ParquetSchema(_root.Fields.Select(f => Build(f.Key, f.Value)).ToList());
    }

    /// <summary>The inferred columns as a named table definition.</summary>
    public TableDefinition ToTable(string name) => TableDefinition.FromSchema(name, ToSchema());

    private static SchemaNode Build(string name, Shape shape) => shape.Kind switch
    {
        Kind.Boolean => Field.Boolean(name),
        Kind.BigInt => Field.Int64(name),
        Kind.Double => Field.Double(name),
        Kind.Timestamp => Field.Timestamp(name),
        Kind.Struct when shape.Fields is { Count: > 0 } => Field.Struct(name, shape.Fields.Select(f => Build(f.Key, f.Value)).ToList()),
        Kind.Array => Field.List(name, Build("element", shape.Element ?? new Shape())),
        _ => Field.String(name),
    };
}
