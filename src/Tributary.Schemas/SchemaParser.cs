using Tributary.Schemas.Avro;
using Tributary.Schemas.Json;
using Tributary.Schemas.Protobuf;

namespace Tributary.Schemas;

/// <summary>Parses schema text of a registry schema type. Thread-safe (stateless).</summary>
public static class SchemaParser
{
    /// <summary>
    /// Parses <paramref name="schema"/> of <paramref name="schemaType"/> (null means AVRO, as the registry defaults it).
    /// <paramref name="references"/> holds the schemas it references with their reference names (a Protobuf import
    /// path), in dependency order (a referenced schema before the ones that use it). Throws <see cref="InvalidSchemaException"/> for text that does not parse and
    /// for a type this build does not handle.
    /// </summary>
    public static ParsedSchema Parse(string? schemaType, string schema, IReadOnlyList<NamedSchemaText>? references = null) =>
        (schemaType ?? SchemaTypes.Avro) switch
        {
            SchemaTypes.Avro => AvroSchema.Parse(schema, references?.Select(r => r.Schema).ToArray() ?? []),
            SchemaTypes.Json => JsonSchema.Parse(schema),
            SchemaTypes.Protobuf => ProtobufSchema.Parse(schema, references ?? []),
            var other => throw new InvalidSchemaException($"Unknown schema type {other}"),
        };
}
