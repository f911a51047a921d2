using Tributary.Connect.Data;

namespace Tributary.Connect.Transforms.Util;

/// <summary>Kafka's transforms <c>SchemaUtil</c>: copy a schema's name, version, doc and parameters onto a builder.</summary>
public static class SchemaUtil
{
    public static SchemaBuilder CopySchemaBasics(Schema source, SchemaBuilder builder)
    {
        builder.Name(source.Name).Version(source.Version).Doc(source.Doc);
        if (source.Parameters is { } parameters)
        {
            builder.Parameters(parameters);
        }
        return builder;
    }

    /// <summary>A builder of the same type (and element schemas) as <paramref name="source"/>, with its basics.</summary>
    public static SchemaBuilder CopySchemaBasics(Schema source) => CopySchemaBasics(source, source.Type switch
    {
        SchemaType.Array => SchemaBuilder.Array(source.ValueSchema),
        SchemaType.Map => SchemaBuilder.Map(source.KeySchema, source.ValueSchema),
        _ => new SchemaBuilder(source.Type),
    });

    /// <summary>A copy of <paramref name="source"/> with another name and version (for SetSchemaMetadata).</summary>
    public static Schema WithMetadata(Schema source, string? name, int? version)
    {
        var builder = source.Type switch
        {
            SchemaType.Array => SchemaBuilder.Array(source.ValueSchema),
            SchemaType.Map => SchemaBuilder.Map(source.KeySchema, source.ValueSchema),
            _ => new SchemaBuilder(source.Type),
        };
        if (source.Type == SchemaType.Struct)
        {
            foreach (var field in source.Fields)
            {
                builder.Field(field.Name, field.Schema);
            }
        }
        builder.Name(name).Version(version).Doc(source.Doc);
        if (source.Parameters is { } parameters)
        {
            builder.Parameters(parameters);
        }
        if (source.IsOptional)
        {
            builder.Optional();
        }
        if (source.DefaultValue is { } defaultValue)
        {
            builder.DefaultValue(defaultValue is Struct structDefault ? Restamp(structDefault, builder.Build()) : defaultValue);
        }
        return builder.Build();
    }

    /// <summary>The same field values under another (field-compatible) struct schema.</summary>
    public static Struct Restamp(Struct value, Schema schema)
    {
        var copy = new Struct(schema);
        foreach (var field in schema.Fields)
        {
            copy.Put(field, value.GetWithoutDefault(field.Name));
        }
        return copy;
    }
}
