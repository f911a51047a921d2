using System.Collections;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// Connect's schema projection (Kafka's <c>SchemaProjector</c> contract, written from its documented behaviour): a
/// value of one schema version rewritten as a value of another version of the same schema. Structs take the target's
/// fields — a field missing from the source becomes null when optional, the target's default when it has one, and an
/// error otherwise; fields only the source has are dropped. Numbers widen (INT8 → INT16 → INT32 → INT64 → FLOAT32 →
/// FLOAT64); any other change of type, of name or of parameters is a <see cref="SchemaProjectorException"/>. Stateless.
/// </summary>
public static class SchemaProjector
{
    public static object? Project(Schema source, object? value, Schema target)
    {
        CheckCompatible(source, target);
        if (source.IsOptional && !target.IsOptional)
        {
            if (target.DefaultValue is null)
            {
                throw new SchemaProjectorException("Writer schema is optional, however, target schema does not provide a default value.");
            }
            return value is null ? target.DefaultValue : ProjectRequired(source, value, target);
        }
        return value is null ? target.IsOptional ? null : target.DefaultValue : ProjectRequired(source, value, target);
    }

    private static object ProjectRequired(Schema source, object value, Schema target) => target.Type switch
    {
        SchemaType.Struct => ProjectStruct(source, (Struct)value, target),
        SchemaType.Array => ProjectArray(source, (IList)value, target),
        SchemaType.Map => ProjectMap(source, (IDictionary)value, target),
        _ => ProjectPrimitive(source.Type, value, target.Type),
    };

    private static Struct ProjectStruct(Schema source, Struct value, Schema target)
    {
        var projected = new Struct(target);
        foreach (var targetField in target.Fields)
        {
            if (source.Field(targetField.Name) is { } sourceField)
            {
                try
                {
                    projected.Put(targetField, Project(sourceField.Schema, value.Get(sourceField), targetField.Schema));
                }
                catch (SchemaProjectorException e)
                {
                    throw new SchemaProjectorException("Error projecting " + sourceField.Name + ": " + e.Message);
                }
            }
            else if (!targetField.Schema.IsOptional)
            {
                projected.Put(targetField, targetField.Schema.DefaultValue
                    ?? throw new SchemaProjectorException("Required field `" + targetField.Name + "` is missing from source schema: " + (source.Name ?? source.Type.ToString())));
            }
        }
        return projected;
    }

    private static List<object?> ProjectArray(Schema source, IList value, Schema target)
    {
        var projected = new List<object?>(value.Count);
        foreach (var item in value)
        {
            projected.Add(Project(source.ValueSchema, item, target.ValueSchema));
        }
        return projected;
    }

    private static Dictionary<object, object?> ProjectMap(Schema source, IDictionary value, Schema target)
    {
        var projected = new Dictionary<object, object?>(value.Count);
        foreach (DictionaryEntry entry in value)
        {
            projected[Project(source.KeySchema, entry.Key, target.KeySchema)!] = Project(source.ValueSchema, entry.Value, target.ValueSchema);
        }
        return projected;
    }

    private static object ProjectPrimitive(SchemaType source, object value, SchemaType target)
    {
        if (source == target)
        {
            return value;
        }
        var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        return target switch
        {
            SchemaType.Int16 => Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture),
            SchemaType.Int32 => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
            SchemaType.Int64 => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            SchemaType.Float32 => (float)number,
            SchemaType.Float64 => number,
            _ => throw new SchemaProjectorException("Not promotable type: " + source + " to " + target),
        };
    }

    private static void CheckCompatible(Schema source, Schema target)
    {
        if (source.Type != target.Type && !IsPromotable(source.Type, target.Type))
        {
            throw new SchemaProjectorException("Schema type mismatch. source type: " + source.Type.ToString().ToUpperInvariant() + " and target type: " + target.Type.ToString().ToUpperInvariant());
        }
        if (!string.Equals(source.Name, target.Name, StringComparison.Ordinal))
        {
            throw new SchemaProjectorException("Schema name mismatch. source name: " + source.Name + " and target name: " + target.Name);
        }
        if (!ParametersEqual(source.Parameters, target.Parameters))
        {
            throw new SchemaProjectorException("Schema parameters not equal. source parameters: " + Describe(source.Parameters) + " and target parameters: " + Describe(target.Parameters));
        }
    }

    /// <summary>Connect's numeric widenings.</summary>
    private static bool IsPromotable(SchemaType source, SchemaType target) => Rank(source) is { } from && Rank(target) is { } to && from < to;

    private static int? Rank(SchemaType type) => type switch
    {
        SchemaType.Int8 => 0,
        SchemaType.Int16 => 1,
        SchemaType.Int32 => 2,
        SchemaType.Int64 => 3,
        SchemaType.Float32 => 4,
        SchemaType.Float64 => 5,
        _ => null,
    };

    private static bool ParametersEqual(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if (a is null || a.Count == 0)
        {
            return b is null || b.Count == 0;
        }
        return b is not null && a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    private static string Describe(IReadOnlyDictionary<string, string>? parameters) =>
        parameters is null ? "null" : "{" + string.Join(", ", parameters.Select(p => p.Key + "=" + p.Value)) + "}";
}
