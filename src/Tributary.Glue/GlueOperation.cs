using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Aws;
using Tributary.Glue.Catalog;

namespace Tributary.Glue;

/// <summary>
/// Base of the Glue operation handlers (one per file in Handlers/): the catalog, the request members several
/// operations share (names, inputs, paging) with Glue's limits, and writing Glue's JSON shapes. Handlers are stateless
/// and thread-safe.
/// </summary>
public abstract class GlueOperation(DataCatalog catalog) : IAwsOperation
{
    protected DataCatalog Catalog { get; } = catalog;

    public abstract string Name { get; }

    public abstract ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response);

    /// <summary>A required name member (1–255 characters, Glue's NameString), validated.</summary>
    protected static string RequiredName(JsonElement body, string member)
    {
        var value = body.GetString(member);
        var validation = new AwsValidation();
        var path = char.ToLowerInvariant(member[0]) + member[1..];
        validation.Required(value, path).Length(value, 1, 255, path);
        validation.ThrowIfAny();
        return value!;
    }

    /// <summary>A required structure member as a detached JSON object, with a required Name inside it.</summary>
    protected static JsonObject RequiredInput(JsonElement body, string member, bool needsName = true)
    {
        var element = body.GetElement(member, JsonValueKind.Object);
        var validation = new AwsValidation();
        var path = char.ToLowerInvariant(member[0]) + member[1..];
        validation.Required(element, path);
        validation.ThrowIfAny();
        var input = (JsonObject)JsonNode.Parse(element!.Value.GetRawText())!;
        if (needsName)
        {
            var name = input["Name"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            validation.Required(name, path + ".name").Length(name, 1, 255, path + ".name");
            validation.ThrowIfAny();
        }
        return input;
    }

    /// <summary>A list of strings member (partition values), or null when absent.</summary>
    protected static List<string>? StringList(JsonElement body, string member)
    {
        if (body.GetElement(member, JsonValueKind.Array) is not { } list)
        {
            return null;
        }
        var result = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw AwsRequestReader.WrongType(member, "a list of strings", item));
        }
        return result;
    }

    /// <summary>
    /// A page of <paramref name="items"/>: NextToken is the opaque start index (base64 of "i:N"), MaxResults between 1 and
    /// <paramref name="maxResults"/> (Glue's page limits: 100 for databases and tables, 1000 for partitions).
    /// </summary>
    protected static (List<T> Page, string? NextToken) Page<T>(JsonElement body, IReadOnlyList<T> items, int maxResults)
    {
        var limit = body.GetInt32("MaxResults");
        var validation = new AwsValidation();
        validation.Range(limit, 1, maxResults, "maxResults");
        validation.ThrowIfAny();
        var start = 0;
        if (body.GetString("NextToken") is { Length: > 0 } token)
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                start = text.StartsWith("i:", StringComparison.Ordinal) ? int.Parse(text[2..], CultureInfo.InvariantCulture) : throw new FormatException();
            }
            catch (FormatException)
            {
                throw GlueErrors.InvalidInput("Invalid pagination token.");
            }
        }
        var count = Math.Min(limit ?? maxResults, Math.Max(0, items.Count - start));
        var page = items.Skip(start).Take(count).ToList();
        var next = start + count < items.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes("i:" + (start + count).ToString(CultureInfo.InvariantCulture))) : null;
        return (page, next);
    }

    /// <summary>Writes a stored JSON shape as the member <paramref name="name"/> (null: as an element of the open array).</summary>
    protected static void WriteNode(AwsResponseWriter writer, string? name, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (name is null)
                {
                    writer.WriteStartObject();
                }
                else
                {
                    writer.WriteStartObject(name);
                }
                foreach (var (member, value) in obj)
                {
                    WriteNode(writer, member, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array when name is not null:
                writer.WriteStartArray(name);
                foreach (var item in array)
                {
                    WriteNode(writer, null, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValue value when name is null:
                // Glue's lists hold structures or strings.
                writer.WriteStringValue(value.TryGetValue<string>(out var text) ? text : value.ToJsonString());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        writer.WriteString(name, value.GetValue<string>());
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        writer.WriteBoolean(name, value.GetValue<bool>());
                        break;
                    case JsonValueKind.Number:
                        if (value.TryGetValue<long>(out var integer))
                        {
                            writer.WriteNumber(name, integer);
                        }
                        else if (value.TryGetValue<int>(out var small))
                        {
                            // Shapes built in code hold int values (parsed ones hold JSON elements, read as long).
                            writer.WriteNumber(name, small);
                        }
                        else
                        {
                            writer.WriteDouble(name, value.GetValue<double>());
                        }
                        break;
                }
                break;
        }
    }
}
