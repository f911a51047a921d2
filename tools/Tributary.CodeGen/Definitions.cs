using System.Globalization;
using System.Text.Json;

namespace Tributary.CodeGen;

/// <summary>A version range such as "0+", "3-5", "2" or "none" (empty).</summary>
public readonly record struct VersionRange(short Min, short Max)
{
    public static readonly VersionRange None = new(1, 0);

    public bool IsEmpty => Min > Max;

    public bool IsOpenEnded => Max == short.MaxValue;

    public static VersionRange Parse(string? text, string where)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "none")
        {
            return None;
        }
        text = text.Trim();
        if (text.EndsWith('+'))
        {
            return new VersionRange(ParseShort(text[..^1], where), short.MaxValue);
        }
        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            return new VersionRange(ParseShort(text[..dash], where), ParseShort(text[(dash + 1)..], where));
        }
        var single = ParseShort(text, where);
        return new VersionRange(single, single);
    }

    private static short ParseShort(string text, string where) =>
        short.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{where}: bad version '{text}'.");

    public VersionRange Intersect(VersionRange other) => new(Math.Max(Min, other.Min), Math.Min(Max, other.Max));

    /// <summary>A C# condition on <c>version</c> that is true inside this range (within the API's valid range).</summary>
    public string Condition(VersionRange valid)
    {
        var range = Intersect(valid);
        if (range.IsEmpty)
        {
            return "false";
        }
        var parts = new List<string>();
        if (range.Min > valid.Min)
        {
            parts.Add($"version >= {range.Min}");
        }
        if (range.Max < valid.Max)
        {
            parts.Add($"version <= {range.Max}");
        }
        return parts.Count == 0 ? "true" : string.Join(" && ", parts);
    }
}

public enum Primitive
{
    None,
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt16,
    UInt32,
    Float64,
    String,
    Bytes,
    Uuid,
    Records,
}

/// <summary>A field's type: a primitive, a struct (by name), or an array of either.</summary>
public sealed record FieldType(Primitive Primitive, string? StructName, bool IsArray)
{
    public static FieldType Parse(string text)
    {
        var isArray = text.StartsWith("[]", StringComparison.Ordinal);
        var element = isArray ? text[2..] : text;
        var primitive = element switch
        {
            "bool" => Primitive.Bool,
            "int8" => Primitive.Int8,
            "int16" => Primitive.Int16,
            "int32" => Primitive.Int32,
            "int64" => Primitive.Int64,
            "uint16" => Primitive.UInt16,
            "uint32" => Primitive.UInt32,
            "float64" => Primitive.Float64,
            "string" => Primitive.String,
            "bytes" => Primitive.Bytes,
            "uuid" => Primitive.Uuid,
            "records" => Primitive.Records,
            _ => Primitive.None,
        };
        return new FieldType(primitive, primitive == Primitive.None ? element : null, isArray);
    }

    public bool IsStruct => Primitive == Primitive.None;

    public FieldType Element => this with { IsArray = false };
}

public sealed record FieldDefinition(
    string Name,
    FieldType Type,
    VersionRange Versions,
    VersionRange NullableVersions,
    string? Default,
    uint? Tag,
    VersionRange TaggedVersions,
    bool Ignorable,
    bool Sensitive,
    string? Doc,
    StructDefinition? InlineStruct);

public sealed record StructDefinition(string Name, IReadOnlyList<FieldDefinition> Fields);

public sealed record ApiDefinition(
    short ApiKey,
    string Name,
    VersionRange ValidVersions,
    VersionRange FlexibleVersions,
    string? Doc,
    IReadOnlyList<StructDefinition> CommonStructs,
    StructDefinition Request,
    StructDefinition Response,
    string SourceFile)
{
    public static ApiDefinition Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        var file = Path.GetFileName(path);
        var name = root.GetProperty("name").GetString() ?? throw new FormatException($"{file}: missing name");
        var common = new List<StructDefinition>();
        if (root.TryGetProperty("commonStructs", out var commonElement))
        {
            foreach (var element in commonElement.EnumerateArray())
            {
                common.Add(ParseStruct(element.GetProperty("name").GetString()!, element, file));
            }
        }
        return new ApiDefinition(
            root.GetProperty("apiKey").GetInt16(),
            name,
            VersionRange.Parse(root.GetProperty("validVersions").GetString(), file),
            VersionRange.Parse(root.TryGetProperty("flexibleVersions", out var flexible) ? flexible.GetString() : "none", file),
            root.TryGetProperty("doc", out var doc) ? doc.GetString() : null,
            common,
            ParseStruct(name + "Request", root.GetProperty("request"), file),
            ParseStruct(name + "Response", root.GetProperty("response"), file),
            file);
    }

    private static StructDefinition ParseStruct(string name, JsonElement element, string file)
    {
        var fields = new List<FieldDefinition>();
        foreach (var field in element.GetProperty("fields").EnumerateArray())
        {
            fields.Add(ParseField(field, $"{file}: {name}", file));
        }
        return new StructDefinition(name, fields);
    }

    private static FieldDefinition ParseField(JsonElement field, string where, string file)
    {
        var name = field.GetProperty("name").GetString() ?? throw new FormatException($"{where}: field without name");
        where = $"{where}.{name}";
        var type = FieldType.Parse(field.GetProperty("type").GetString() ?? throw new FormatException($"{where}: no type"));
        string? Text(string key) => field.TryGetProperty(key, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => "null",
                _ => throw new FormatException($"{where}: '{key}' has an unexpected JSON type"),
            }
            : null;
        StructDefinition? inline = null;
        if (field.TryGetProperty("fields", out _))
        {
            inline = ParseStruct(type.StructName ?? throw new FormatException($"{where}: fields on a primitive type"), field, file);
        }
        var tag = Text("tag");
        return new FieldDefinition(
            name,
            type,
            VersionRange.Parse(Text("versions") ?? throw new FormatException($"{where}: no versions"), where),
            VersionRange.Parse(Text("nullableVersions"), where),
            Text("default"),
            tag is null ? null : uint.Parse(tag, CultureInfo.InvariantCulture),
            VersionRange.Parse(Text("taggedVersions"), where),
            Text("ignorable") == "true",
            Text("sensitive") == "true",
            Text("doc"),
            inline);
    }
}
