using System.Text;

namespace Tributary.Orc.Metadata;

/// <summary>
/// An ORC schema as a tree: a node per column with its column id (pre-order position, 0 for the root), kind, children
/// and, for structs, field names. Built from the footer's flattened types (validated: every subtype id follows its
/// parent, so a file cannot describe a cycle) or from a Hive type string (<c>struct&lt;a:int,b:array&lt;string&gt;&gt;</c>).
/// Immutable after construction.
/// </summary>
public sealed class TypeDescription
{
    private TypeDescription(OrcTypeKind kind, IReadOnlyList<TypeDescription> children, IReadOnlyList<string> fieldNames, int maxLength = 0, int precision = 0, int scale = 0)
    {
        Kind = kind;
        Children = children;
        FieldNames = fieldNames;
        MaximumLength = maxLength;
        Precision = precision;
        Scale = scale;
    }

    public OrcTypeKind Kind { get; }
    public IReadOnlyList<TypeDescription> Children { get; }
    public IReadOnlyList<string> FieldNames { get; }
    public int MaximumLength { get; }
    public int Precision { get; }
    public int Scale { get; }

    /// <summary>Pre-order column id; the root is 0.</summary>
    public int Id { get; private set; }

    /// <summary>The largest column id in this subtree.</summary>
    public int MaximumId { get; private set; }

    public static TypeDescription Primitive(OrcTypeKind kind) => new(kind, [], []);
    public static TypeDescription Decimal(int precision, int scale) => new(OrcTypeKind.Decimal, [], [], 0, precision, scale);
    public static TypeDescription Varchar(int length) => new(OrcTypeKind.Varchar, [], [], length);
    public static TypeDescription Char(int length) => new(OrcTypeKind.Char, [], [], length);
    public static TypeDescription List(TypeDescription element) => new(OrcTypeKind.List, [element], []);
    public static TypeDescription Map(TypeDescription key, TypeDescription value) => new(OrcTypeKind.Map, [key, value], []);
    public static TypeDescription Union(IReadOnlyList<TypeDescription> variants) => new(OrcTypeKind.Union, variants, []);

    public static TypeDescription Struct(IReadOnlyList<(string Name, TypeDescription Type)> fields) =>
        new(OrcTypeKind.Struct, fields.Select(f => f.Type).ToList(), fields.Select(f => f.Name).ToList());

    /// <summary>Assigns column ids in pre-order from this node (the root of a schema) and returns it.</summary>
    public TypeDescription AssignIds()
    {
        var next = 0;
        Assign(this, ref next);
        return this;
    }

    private static void Assign(TypeDescription node, ref int next)
    {
        node.Id = next++;
        foreach (var child in node.Children)
        {
            Assign(child, ref next);
        }
        node.MaximumId = next - 1;
    }

    /// <summary>All nodes in column-id order.</summary>
    public List<TypeDescription> Flatten()
    {
        var result = new List<TypeDescription>();
        Walk(this, result);
        return result;

        static void Walk(TypeDescription node, List<TypeDescription> into)
        {
            into.Add(node);
            foreach (var child in node.Children)
            {
                Walk(child, into);
            }
        }
    }

    /// <summary>The footer's flattened types of this schema (ids must have been assigned).</summary>
    public List<OrcType> ToOrcTypes() => Flatten().Select(n => new OrcType
    {
        Kind = n.Kind,
        Subtypes = n.Children.Select(c => (uint)c.Id).ToList(),
        FieldNames = [.. n.FieldNames],
        MaximumLength = (uint)n.MaximumLength,
        Precision = (uint)n.Precision,
        Scale = (uint)n.Scale,
    }).ToList();

    /// <summary>The tree of a footer's types, checking ids, kinds and field names.</summary>
    public static TypeDescription FromOrcTypes(IReadOnlyList<OrcType> types)
    {
        if (types.Count == 0)
        {
            throw new OrcFormatException("Malformed ORC footer: the file has no types.");
        }
        var built = new TypeDescription?[types.Count];
        var expected = 0;
        var root = Build(0, ref expected);
        if (expected != types.Count)
        {
            throw new OrcFormatException($"Malformed ORC footer: {types.Count} types, but the tree from the root reaches {expected}.");
        }
        return root.AssignIds();

        TypeDescription Build(int id, ref int nextExpected)
        {
            if (id != nextExpected || id >= types.Count)
            {
                throw new OrcFormatException($"Malformed ORC footer: type {id} is not in pre-order (expected {nextExpected} of {types.Count}).");
            }
            nextExpected++;
            var t = types[id];
            var children = new List<TypeDescription>();
            foreach (var sub in t.Subtypes)
            {
                children.Add(Build((int)Math.Min(sub, int.MaxValue), ref nextExpected));
            }
            var kind = t.Kind;
            var arity = kind switch
            {
                OrcTypeKind.List => 1,
                OrcTypeKind.Map => 2,
                OrcTypeKind.Struct => -1,
                OrcTypeKind.Union => -2,
                _ when Enum.IsDefined(kind) => 0,
                _ => throw new OrcFormatException($"Malformed ORC footer: type {id} has unknown kind {(int)kind}."),
            };
            if ((arity >= 0 && children.Count != arity) || (arity == -2 && (children.Count == 0 || children.Count > 256)))
            {
                throw new OrcFormatException($"Malformed ORC footer: type {id} ({kind}) has {children.Count} subtypes.");
            }
            if (kind == OrcTypeKind.Struct && t.FieldNames.Count != children.Count)
            {
                throw new OrcFormatException($"Malformed ORC footer: struct type {id} has {children.Count} subtypes but {t.FieldNames.Count} field names.");
            }
            if (kind == OrcTypeKind.Decimal && (t.Precision > 38 || t.Scale > 38 || (t.Precision != 0 && t.Scale > t.Precision)))
            {
                throw new OrcFormatException($"Malformed ORC footer: decimal type {id} has precision {t.Precision} and scale {t.Scale}.");
            }
            return built[id] = new TypeDescription(kind, children, kind == OrcTypeKind.Struct ? [.. t.FieldNames] : [], (int)t.MaximumLength, (int)t.Precision, (int)t.Scale);
        }
    }

    /// <summary>Hive's type string for this node (the form ORC tools print and Hive table definitions use).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb);
        return sb.ToString();
    }

    private void Append(StringBuilder sb)
    {
        switch (Kind)
        {
            case OrcTypeKind.Struct:
                sb.Append("struct<");
                for (var i = 0; i < Children.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(FieldNames[i]).Append(':');
                    Children[i].Append(sb);
                }
                sb.Append('>');
                break;
            case OrcTypeKind.List:
                sb.Append("array<");
                Children[0].Append(sb);
                sb.Append('>');
                break;
            case OrcTypeKind.Map:
                sb.Append("map<");
                Children[0].Append(sb);
                sb.Append(',');
                Children[1].Append(sb);
                sb.Append('>');
                break;
            case OrcTypeKind.Union:
                sb.Append("uniontype<");
                for (var i = 0; i < Children.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Children[i].Append(sb);
                }
                sb.Append('>');
                break;
            case OrcTypeKind.Decimal: sb.Append($"decimal({Precision},{Scale})"); break;
            case OrcTypeKind.Varchar: sb.Append($"varchar({MaximumLength})"); break;
            case OrcTypeKind.Char: sb.Append($"char({MaximumLength})"); break;
            default: sb.Append(KindName(Kind)); break;
        }
    }

    private static string KindName(OrcTypeKind kind) => kind switch
    {
        OrcTypeKind.Boolean => "boolean",
        OrcTypeKind.Byte => "tinyint",
        OrcTypeKind.Short => "smallint",
        OrcTypeKind.Int => "int",
        OrcTypeKind.Long => "bigint",
        OrcTypeKind.Float => "float",
        OrcTypeKind.Double => "double",
        OrcTypeKind.String => "string",
        OrcTypeKind.Binary => "binary",
        OrcTypeKind.Timestamp => "timestamp",
        OrcTypeKind.TimestampInstant => "timestamp with local time zone",
        OrcTypeKind.Date => "date",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Parses a Hive type string: boolean, tinyint, smallint, int, bigint, float, double, string, binary, date,
    /// timestamp, decimal(p,s), varchar(n), char(n), array&lt;T&gt;, map&lt;K,V&gt;, struct&lt;name:T,…&gt;,
    /// uniontype&lt;T,…&gt;. Case-insensitive; spaces ignored.
    /// </summary>
    public static TypeDescription Parse(string text)
    {
        var position = 0;
        var result = ParseType(text, ref position);
        SkipSpaces(text, ref position);
        if (position != text.Length)
        {
            throw new OrcFormatException($"Unexpected '{text[position..]}' after the type in '{text}'.");
        }
        return result;
    }

    private static TypeDescription ParseType(string text, ref int position)
    {
        SkipSpaces(text, ref position);
        var start = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }
        var name = text[start..position].ToLowerInvariant();
        switch (name)
        {
            case "boolean": return Primitive(OrcTypeKind.Boolean);
            case "tinyint": return Primitive(OrcTypeKind.Byte);
            case "smallint": return Primitive(OrcTypeKind.Short);
            case "int" or "integer": return Primitive(OrcTypeKind.Int);
            case "bigint": return Primitive(OrcTypeKind.Long);
            case "float": return Primitive(OrcTypeKind.Float);
            case "double": return Primitive(OrcTypeKind.Double);
            case "string": return Primitive(OrcTypeKind.String);
            // Tributary's table definitions also name json and uuid (strings in ORC) and timestamp_local/_millis.
            case "json" or "uuid": return Primitive(OrcTypeKind.String);
            case "timestamp_local" or "timestamp_millis": return Primitive(OrcTypeKind.Timestamp);
            case "binary": return Primitive(OrcTypeKind.Binary);
            case "date": return Primitive(OrcTypeKind.Date);
            case "timestamp": return Primitive(OrcTypeKind.Timestamp);
            case "decimal":
                {
                    SkipSpaces(text, ref position);
                    if (position < text.Length && text[position] == '(')
                    {
                        position++;
                        var precision = ParseInt(text, ref position);
                        var scale = 0;
                        SkipSpaces(text, ref position);
                        if (position < text.Length && text[position] == ',')
                        {
                            position++;
                            scale = ParseInt(text, ref position);
                        }
                        Expect(text, ref position, ')');
                        if (precision is < 1 or > 38 || scale < 0 || scale > precision)
                        {
                            throw new OrcFormatException($"decimal({precision},{scale}) is out of range: precision 1..38, scale 0..precision.");
                        }
                        return Decimal(precision, scale);
                    }
                    return Decimal(10, 0);
                }
            case "varchar" or "char":
                {
                    Expect(text, ref position, '(');
                    var length = ParseInt(text, ref position);
                    Expect(text, ref position, ')');
                    if (length < 1)
                    {
                        throw new OrcFormatException($"{name}({length}) needs a positive length.");
                    }
                    return name == "char" ? Char(length) : Varchar(length);
                }
            case "array":
                {
                    Expect(text, ref position, '<');
                    var element = ParseType(text, ref position);
                    Expect(text, ref position, '>');
                    return List(element);
                }
            case "map":
                {
                    Expect(text, ref position, '<');
                    var key = ParseType(text, ref position);
                    Expect(text, ref position, ',');
                    var value = ParseType(text, ref position);
                    Expect(text, ref position, '>');
                    return Map(key, value);
                }
            case "uniontype":
                {
                    Expect(text, ref position, '<');
                    var variants = new List<TypeDescription> { ParseType(text, ref position) };
                    while (TryConsume(text, ref position, ','))
                    {
                        variants.Add(ParseType(text, ref position));
                    }
                    Expect(text, ref position, '>');
                    return Union(variants);
                }
            case "struct":
                {
                    Expect(text, ref position, '<');
                    var fields = new List<(string, TypeDescription)>();
                    if (!TryConsume(text, ref position, '>'))
                    {
                        do
                        {
                            SkipSpaces(text, ref position);
                            var nameStart = position;
                            while (position < text.Length && text[position] != ':')
                            {
                                position++;
                            }
                            var field = text[nameStart..position].Trim().Trim('`');
                            Expect(text, ref position, ':');
                            fields.Add((field, ParseType(text, ref position)));
                        }
                        while (TryConsume(text, ref position, ','));
                        Expect(text, ref position, '>');
                    }
                    return Struct(fields);
                }
            default:
                throw new OrcFormatException($"Unknown type '{(name.Length > 0 ? name : text[start..])}' in '{text}'.");
        }
    }

    private static int ParseInt(string text, ref int position)
    {
        SkipSpaces(text, ref position);
        var start = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }
        return position > start && position - start < 9 ? int.Parse(text.AsSpan(start, position - start), System.Globalization.CultureInfo.InvariantCulture) : throw new OrcFormatException($"Expected a number at {start} in '{text}'.");
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private static bool TryConsume(string text, ref int position, char c)
    {
        SkipSpaces(text, ref position);
        if (position < text.Length && text[position] == c)
        {
            position++;
            return true;
        }
        return false;
    }

    private static void Expect(string text, ref int position, char c)
    {
        if (!TryConsume(text, ref position, c))
        {
            throw new OrcFormatException($"Expected '{c}' at {position} in '{text}'.");
        }
    }
}
