namespace Tributary.Schemas;

/// <summary>The schema types a registry accepts, spelled as the registry's REST API spells them (<c>schemaType</c>).</summary>
public static class SchemaTypes
{
    public const string Avro = "AVRO";
    public const string Protobuf = "PROTOBUF";
    public const string Json = "JSON";
}

/// <summary>A named reference from one schema to another registered one (<c>references</c> in the REST API).</summary>
public sealed record SchemaReference(string Name, string Subject, int Version);

/// <summary>
/// A schema that parsed: its type, the canonical text the registry compares and stores, and the compatibility check
/// of its format. Immutable, so instances are shared between threads and cached by the registry.
/// </summary>
public abstract class ParsedSchema
{
    public abstract string SchemaType { get; }

    /// <summary>
    /// The text two registrations of the same schema share (whitespace and key order as the format's own printer
    /// writes them), used to find an existing id for a schema registered again.
    /// </summary>
    public abstract string CanonicalString { get; }

    /// <summary>
    /// Why data written with <paramref name="writer"/> cannot be read with this schema as the reader; empty when it can.
    /// Both schemas are of this format (the caller checks the type first).
    /// </summary>
    public abstract IReadOnlyList<string> CanReadDataWrittenWith(ParsedSchema writer);
}

/// <summary>A schema that does not parse; the message says why (the registry answers 42201 with it).</summary>
public sealed class InvalidSchemaException(string message, Exception? inner = null) : Exception(message, inner);
