using System.Collections;
using System.Text;
using Tributary.Connect.Data;

namespace Tributary.Connect.Transforms.FieldPaths;

/// <summary>
/// A path to a (possibly nested) field (KIP-821, Kafka's <c>SingleFieldPath</c>). With <c>field.syntax.version=V1</c>
/// the whole text is one root-level field name. With <c>V2</c> dots separate steps; a step that starts with a
/// backtick runs to the backtick that is followed by a dot or the end, so <c>`foo.bar`.baz</c> is <c>baz</c> inside
/// <c>foo.bar</c>; a backslash before a backtick inside such a step makes it literal. Immutable.
/// </summary>
public sealed class SingleFieldPath
{
    private SingleFieldPath(string path, IReadOnlyList<string> steps)
    {
        Path = path;
        Steps = steps;
    }

    public string Path { get; }

    public IReadOnlyList<string> Steps { get; }

    public bool IsNested => Steps.Count > 1;

    public static SingleFieldPath Parse(string path, bool v2) => new(path, v2 ? ParseV2(path) : [path]);

    private static List<string> ParseV2(string path)
    {
        var steps = new List<string>();
        var i = 0;
        while (i <= path.Length)
        {
            if (i < path.Length && path[i] == '`')
            {
                var step = new StringBuilder();
                var j = i + 1;
                var closed = false;
                while (j < path.Length)
                {
                    if (path[j] == '\\' && j + 1 < path.Length && path[j + 1] == '`')
                    {
                        step.Append('`');
                        j += 2;
                        continue;
                    }
                    if (path[j] == '`' && (j + 1 == path.Length || path[j + 1] == '.'))
                    {
                        closed = true;
                        break;
                    }
                    step.Append(path[j++]);
                }
                if (closed)
                {
                    steps.Add(step.ToString());
                    i = j + 2;
                    continue;
                }
            }
            var dot = path.IndexOf('.', i);
            if (dot < 0)
            {
                steps.Add(path[i..]);
                break;
            }
            steps.Add(path[i..dot]);
            i = dot + 1;
        }
        return steps;
    }

    /// <summary>The field's schema, or null when the path does not lead to a field.</summary>
    public Field? FieldFrom(Schema? schema)
    {
        Field? field = null;
        foreach (var step in Steps)
        {
            if (schema is null || schema.Type != SchemaType.Struct)
            {
                return null;
            }
            field = schema.Field(step);
            if (field is null)
            {
                return null;
            }
            schema = field.Schema;
        }
        return field;
    }

    /// <summary>The value at the path in a struct, or null when absent; <paramref name="withDefault"/> applies field defaults.</summary>
    public object? ValueFrom(Struct? value, bool withDefault = true)
    {
        object? current = value;
        foreach (var step in Steps)
        {
            if (current is not Struct structValue || structValue.Schema.Field(step) is not { } field)
            {
                return null;
            }
            current = withDefault ? structValue.Get(field) : structValue.GetWithoutDefault(step);
        }
        return current;
    }

    /// <summary>The value at the path in nested maps, or null when absent.</summary>
    public object? ValueFrom(IDictionary? map)
    {
        object? current = map;
        foreach (var step in Steps)
        {
            if (current is not IDictionary dictionary || !dictionary.Contains(step))
            {
                return null;
            }
            current = dictionary[step];
        }
        return current;
    }

    public override string ToString() => Path;
}
