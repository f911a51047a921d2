using Tributary.Schemas.Avro;
using Tributary.Schemas.Json;

namespace Tributary.Schemas;

/// <summary>Parses schema text of a registry schema type. Thread-safe (stateless).</summary>
public static class SchemaParser
{
    /// <summary>
    /// Parses <paramref name="schema"/> of <paramref name="schemaType"/> (null means AVRO, as the registry defaults it).
    /// <paramref name="references"/> holds the texts of the schemas it references, in dependency order (a referenced
    /// schema before the ones that use it). Throws <see cref="InvalidSchemaException"/> for text that does not parse and
    /// for a type this build does not handle.
    /// </summary>
    public static ParsedSchema Parse(string? schemaType, string schema, IReadOnlyList<string>? references = null) =>
        (schemaType ?? SchemaTypes.Avro) switch
        {
            SchemaTypes.Avro => AvroSchema.Parse(schema, references ?? []),
            SchemaTypes.Json => JsonSchema.Parse(schema),
            SchemaTypes.Protobuf => throw new InvalidSchemaException("Protobuf schemas are not supported by this version of Tributary's registry"),
            var other => throw new InvalidSchemaException($"Unknown schema type {other}"),
        };
}
