using global::Avro;

namespace Tributary.Schemas.Avro;

/// <summary>
/// An Avro schema (Apache.Avro's parser). The canonical string is the parser's own compact JSON, which keeps
/// doc, defaults, aliases and logical types (two schemas that differ only there are different registrations, as in
/// the registry); <see cref="Fingerprint"/> is the CRC-64-AVRO fingerprint of the spec's Parsing Canonical Form.
/// </summary>
public sealed class AvroSchema : ParsedSchema
{
    private AvroSchema(Schema schema)
    {
        Schema = schema;
        CanonicalString = schema.ToString();
    }

    public Schema Schema { get; }

    public override string SchemaType => SchemaTypes.Avro;

    public override string CanonicalString { get; }

    /// <summary>The Parsing Canonical Form of the Avro specification (names resolved, doc and defaults dropped).</summary>
    public string ParsingCanonicalForm => SchemaNormalization.ToParsingForm(Schema);

    /// <summary>CRC-64-AVRO of the Parsing Canonical Form (the single-object encoding's fingerprint).</summary>
    public long Fingerprint => SchemaNormalization.ParsingFingerprint64(Schema);

    /// <summary>Parses <paramref name="json"/>; the named types of <paramref name="references"/> (parsed first, in order) are in scope.</summary>
    public static AvroSchema Parse(string json, IReadOnlyList<string> references)
    {
        try
        {
            var names = new SchemaNames();
            foreach (var reference in references)
            {
                Schema.Parse(reference, names, null);
            }
            return new AvroSchema(Schema.Parse(json, names, null));
        }
        catch (Exception e) when (e is SchemaParseException or AvroException or Newtonsoft.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidSchemaException("Invalid schema " + json + ": " + e.Message, e);
        }
    }

    public static AvroSchema Wrap(Schema schema) => new(schema);

    public override IReadOnlyList<string> CanReadDataWrittenWith(ParsedSchema writer) =>
        AvroCompatibility.Check(Schema, ((AvroSchema)writer).Schema);
}
