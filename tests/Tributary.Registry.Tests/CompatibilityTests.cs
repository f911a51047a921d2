using Tributary.Schemas;
using Tributary.Schemas.Compatibility;

namespace Tributary.Registry.Tests;

/// <summary>The compatibility matrix: for each level, evolutions that must pass and fail (Avro and JSON Schema).</summary>
public sealed class CompatibilityTests
{
    private const string V1 = """{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""";
    private const string AddFieldWithDefault = """{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"email","type":["null","string"],"default":null}]}""";
    private const string AddFieldWithoutDefault = """{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"email","type":"string"}]}""";
    private const string RemoveField = """{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"int"}]}""";
    private const string PromoteIdToLong = """{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}""";
    private const string Renamed = """{"type":"record","name":"Customer","namespace":"t","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""";

    private static bool Compatible(CompatibilityLevel level, string candidate, params string[] previous) =>
        CompatibilityChecker.Check(level, SchemaParser.Parse(null, candidate), previous.Select(p => SchemaParser.Parse(null, p)).ToArray()).Count == 0;

    [Theory]
    [InlineData(CompatibilityLevel.Backward, true, false, true, true)]
    [InlineData(CompatibilityLevel.Forward, true, true, false, false)]
    [InlineData(CompatibilityLevel.Full, true, false, false, false)]
    [InlineData(CompatibilityLevel.None, true, true, true, true)]
    public void Avro_field_evolutions_follow_the_level(CompatibilityLevel level, bool addWithDefault, bool addWithoutDefault, bool remove, bool promote)
    {
        Assert.Equal(addWithDefault, Compatible(level, AddFieldWithDefault, V1));
        Assert.Equal(addWithoutDefault, Compatible(level, AddFieldWithoutDefault, V1));
        Assert.Equal(remove, Compatible(level, RemoveField, V1));
        Assert.Equal(promote, Compatible(level, PromoteIdToLong, V1));
    }

    [Fact]
    public void Avro_a_removed_field_without_default_breaks_forward()
    {
        // Forward: the old schema (with "name", no default) must read data written without it.
        var messages = CompatibilityChecker.Check(CompatibilityLevel.Forward, SchemaParser.Parse(null, RemoveField), [SchemaParser.Parse(null, V1)]);
        Assert.Contains(messages, m => m.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", StringComparison.Ordinal) && m.Contains("'name'", StringComparison.Ordinal));
    }

    [Fact]
    public void Avro_a_renamed_record_is_a_name_mismatch_unless_aliased()
    {
        Assert.False(Compatible(CompatibilityLevel.Backward, Renamed, V1));
        var aliased = """{"type":"record","name":"Customer","namespace":"t","aliases":["User"],"fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""";
        Assert.True(Compatible(CompatibilityLevel.Backward, aliased, V1));
    }

    [Fact]
    public void Avro_enum_symbols_removed_break_backward_unless_the_reader_has_a_default()
    {
        const string abc = """{"type":"enum","name":"E","symbols":["A","B","C"]}""";
        const string ab = """{"type":"enum","name":"E","symbols":["A","B"]}""";
        const string abDefault = """{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}""";
        Assert.False(Compatible(CompatibilityLevel.Backward, ab, abc));
        Assert.True(Compatible(CompatibilityLevel.Backward, abDefault, abc));
        Assert.True(Compatible(CompatibilityLevel.Backward, abc, ab));
        Assert.False(Compatible(CompatibilityLevel.Forward, abc, ab));
    }

    [Fact]
    public void Avro_transitive_levels_check_every_version()
    {
        // v3 reads v2's data (which always carries b) but not v1's (no b, and v3 has no default for it).
        const string v1 = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""";
        const string v2 = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]}""";
        const string v3 = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}""";
        Assert.True(Compatible(CompatibilityLevel.Backward, v3, v1, v2));
        Assert.False(Compatible(CompatibilityLevel.BackwardTransitive, v3, v1, v2));
    }

    [Fact]
    public void Avro_unions_need_every_writer_branch()
    {
        const string intOnly = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""";
        const string nullableInt = """{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"]}]}""";
        Assert.True(Compatible(CompatibilityLevel.Backward, nullableInt, intOnly));
        Assert.False(Compatible(CompatibilityLevel.Backward, intOnly, nullableInt));
    }

    [Fact]
    public void Json_schema_content_models_decide_added_and_removed_properties()
    {
        const string open = """{"type":"object","properties":{"a":{"type":"string"}}}""";
        const string openPlusB = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}""";
        const string closed = """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}""";
        const string closedPlusB = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}""";
        const string closedPlusRequiredB = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b"],"additionalProperties":false}""";
        static bool Json(CompatibilityLevel level, string candidate, string previous) =>
            CompatibilityChecker.Check(level, SchemaParser.Parse(SchemaTypes.Json, candidate), [SchemaParser.Parse(SchemaTypes.Json, previous)]).Count == 0;
        Assert.False(Json(CompatibilityLevel.Backward, openPlusB, open));
        Assert.True(Json(CompatibilityLevel.Backward, closedPlusB, closed));
        Assert.False(Json(CompatibilityLevel.Backward, closedPlusRequiredB, closed));
        Assert.False(Json(CompatibilityLevel.Backward, closed, closedPlusB));
        Assert.True(Json(CompatibilityLevel.Backward, open, openPlusB));
        Assert.True(Json(CompatibilityLevel.Backward, """{"type":"number"}""", """{"type":"integer"}"""));
        Assert.False(Json(CompatibilityLevel.Backward, """{"type":"integer"}""", """{"type":"number"}"""));
        Assert.False(Json(CompatibilityLevel.Backward, """{"type":"string"}""", """{"type":"integer"}"""));
    }

    [Theory]
    [InlineData(null, """{"type":"record","name":"R","fields":[{"name":"a","type":"nosuchtype"}]}""")]
    [InlineData(null, """{"type":"record","fields":[]}""")]
    [InlineData(null, "not json")]
    [InlineData(SchemaTypes.Json, "[1,2]")]
    [InlineData(SchemaTypes.Json, """{"type":5}""")]
    [InlineData(SchemaTypes.Protobuf, "syntax = \"proto3\"; message M { int32 a = 1 }")]
    public void Invalid_schemas_are_refused(string? type, string schema) =>
        Assert.Throws<InvalidSchemaException>(() => SchemaParser.Parse(type, schema));

    [Fact]
    public void Avro_canonical_form_and_fingerprint_ignore_whitespace()
    {
        var compact = (Schemas.Avro.AvroSchema)SchemaParser.Parse(null, V1);
        var spaced = (Schemas.Avro.AvroSchema)SchemaParser.Parse(null, V1.Replace(",", " ,\n ", StringComparison.Ordinal));
        Assert.Equal(compact.CanonicalString, spaced.CanonicalString);
        Assert.Equal(compact.Fingerprint, spaced.Fingerprint);
        Assert.Equal("""{"name":"t.User","type":"record","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""", compact.ParsingCanonicalForm);
    }
}
