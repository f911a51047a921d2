using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using static Tributary.Connect.Transforms.Tests.Records;

namespace Tributary.Connect.Transforms.Tests;

public class FieldTransformTests
{
    [Fact]
    public void InsertFieldAddsStaticAndRecordMetadataWithoutSchema()
    {
        // Confluent's InsertField page: static.field=data_source, static.value=test-file-source.
        var insert = Configured<InsertField.Value>(("static.field", "data_source"), ("static.value", "test-file-source"),
            ("topic.field", "topic_field!"), ("partition.field", "partition_field"), ("offset.field", "offset_field"), ("timestamp.field", "timestamp_field?"));
        var result = insert.Apply(SinkRecordOf(null, Map(("magic", 42L))))!;
        Assert.True(ValueEquality.Equal(Map(("magic", 42L), ("data_source", "test-file-source"), ("topic_field", "test"), ("partition_field", 0),
            ("offset_field", 42L), ("timestamp_field", 1483425001864L)), result.Value));
    }

    [Fact]
    public void InsertFieldExtendsTheSchema()
    {
        // Kafka InsertFieldTest.copySchemaAndInsertConfiguredFields.
        var insert = Configured<InsertField.Value>(("topic.field", "topic_field!"), ("partition.field", "partition_field"),
            ("timestamp.field", "timestamp_field?"), ("static.field", "instance_id"), ("static.value", "my-instance-id"));
        var schema = SchemaBuilder.Struct().Name("name").Version(1).Doc("doc").Field("magic", Schema.OptionalInt64).Build();
        var result = insert.Apply(SourceRecordOf(schema, new Struct(schema).Put("magic", 42L)))!;
        var updated = result.ValueSchema!;
        Assert.Equal("name", updated.Name);
        Assert.Equal(1, updated.Version);
        Assert.Equal("doc", updated.Doc);
        Assert.Equal(Schema.String, updated.Field("topic_field")!.Schema);
        Assert.Equal(Schema.OptionalInt32, updated.Field("partition_field")!.Schema);
        Assert.Equal(Timestamp.LogicalName, updated.Field("timestamp_field")!.Schema.Name);
        Assert.True(updated.Field("timestamp_field")!.Schema.IsOptional);
        var value = (Struct)result.Value!;
        Assert.Equal(42L, value.Get("magic"));
        Assert.Equal("test", value.Get("topic_field"));
        Assert.Equal(0, value.Get("partition_field"));
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(1483425001864L), value.Get("timestamp_field"));
        Assert.Equal("my-instance-id", value.Get("instance_id"));
        // The updated schema is cached: the same instance for the next record.
        Assert.Same(updated, insert.Apply(SourceRecordOf(schema, new Struct(schema).Put("magic", 1L)))!.ValueSchema);
        // Offsets exist only on sink records.
        var offsets = Configured<InsertField.Value>(("offset.field", "offset"));
        Assert.Equal("Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord",
            Assert.Throws<DataException>(() => offsets.Apply(SourceRecordOf(schema, new Struct(schema)))).Message);
        Assert.Equal("Only Struct objects supported for [field insertion], found: java.lang.String",
            Assert.Throws<DataException>(() => insert.Apply(SourceRecordOf(Schema.String, "x"))).Message);
        // Tombstones pass through.
        var tombstone = SinkRecordOf(schema, null);
        Assert.Same(tombstone, insert.Apply(tombstone));
    }

    [Fact]
    public void ReplaceFieldRenamesIncludesAndExcludes()
    {
        // Confluent's ReplaceField page: renames=foo:c1,bar:c2; {"foo":22,"bar":100} → {"c1":22,"c2":100}.
        var rename = Configured<ReplaceField.Value>(("renames", "foo:c1,bar:c2"));
        Assert.True(ValueEquality.Equal(Map(("c1", 22L), ("c2", 100L)), rename.Apply(SinkRecordOf(null, Map(("foo", 22L), ("bar", 100L))))!.Value));
        // Kafka ReplaceFieldTest.withSchema: exclude dont, include abc,foo,bar, renames abc:xyz,foo:bar.
        var replace = Configured<ReplaceField.Value>(("exclude", "dont"), ("include", "abc,foo,bar,dont"), ("renames", "abc:xyz,foo:bar"));
        var schema = SchemaBuilder.Struct().Field("dont", Schema.String).Field("abc", Schema.Int32).Field("foo", Schema.Boolean).Field("etc", Schema.String).Build();
        var result = replace.Apply(SinkRecordOf(schema, new Struct(schema).Put("dont", "whatever").Put("abc", 42).Put("foo", true).Put("etc", "etc")))!;
        var value = (Struct)result.Value!;
        Assert.Equal(["xyz", "bar"], result.ValueSchema!.Fields.Select(f => f.Name));
        Assert.Equal(42, value.Get("xyz"));
        Assert.Equal(true, value.Get("bar"));
        // The legacy names still work.
        var legacy = Configured<ReplaceField.Value>(("blacklist", "dont"));
        Assert.True(ValueEquality.Equal(Map(("abc", 1L)), legacy.Apply(SinkRecordOf(null, Map(("dont", 1L), ("abc", 1L))))!.Value));
    }

    [Fact]
    public void MaskFieldUsesEmptyValuesOrAReplacement()
    {
        // Kafka MaskFieldTest: each type masked to its empty value; custom replacements for numbers and strings.
        var schema = SchemaBuilder.Struct().Field("magic", Schema.Int32).Field("bool", Schema.Boolean).Field("string", Schema.String)
            .Field("date", Date.Schema).Field("decimal", Data.Decimal.Schema(0)).Field("array", SchemaBuilder.Array(Schema.Int32).Build()).Build();
        var value = new Struct(schema).Put("magic", 42).Put("bool", true).Put("string", "blabla").Put("date", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc))
            .Put("decimal", new BigDecimal(42, 0)).Put("array", new List<object?> { 1, 2 });
        var mask = Configured<MaskField.Value>(("fields", "magic,bool,string,date,decimal,array"));
        var masked = (Struct)mask.Apply(SinkRecordOf(schema, value))!.Value!;
        Assert.Equal(0, masked.Get("magic"));
        Assert.Equal(false, masked.Get("bool"));
        Assert.Equal("", masked.Get("string"));
        Assert.Equal(DateTime.UnixEpoch, masked.Get("date"));
        Assert.Equal(new BigDecimal(0, 0), masked.Get("decimal"));
        Assert.Empty((System.Collections.IList)masked.Get("array")!);
        var replaced = Configured<MaskField.Value>(("fields", "string,magic"), ("replacement", "123"));
        var result = (Struct)replaced.Apply(SinkRecordOf(schema, value))!.Value!;
        Assert.Equal("123", result.Get("string"));
        Assert.Equal(123, result.Get("magic"));
        var badNumber = Configured<MaskField.Value>(("fields", "magic"), ("replacement", "abc"));
        Assert.StartsWith("Unable to convert abc", Assert.Throws<DataException>(() => badNumber.Apply(SinkRecordOf(schema, value))).Message);
        var badType = Configured<MaskField.Value>(("fields", "bool"), ("replacement", "x"));
        Assert.Equal("Cannot mask value of type java.lang.Boolean with custom replacement.", Assert.Throws<DataException>(() => badType.Apply(SinkRecordOf(schema, value))).Message);
        // Without a schema.
        var schemaless = Configured<MaskField.Value>(("fields", "secret"));
        Assert.True(ValueEquality.Equal(Map(("secret", ""), ("other", 1L)), schemaless.Apply(SinkRecordOf(null, Map(("secret", "pw"), ("other", 1L))))!.Value));
    }

    [Fact]
    public void ValueToKeyCopiesFields()
    {
        // Confluent's ValueToKey page: fields=userId,city,state.
        var transform = Configured<ValueToKey>(("fields", "userId,city,state"));
        var result = transform.Apply(SinkRecordOf(null, Map(("userId", 1L), ("city", "Paris"), ("state", "IDF"), ("other", true))))!;
        Assert.True(ValueEquality.Equal(Map(("userId", 1L), ("city", "Paris"), ("state", "IDF")), result.Key));
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32).Field("b", Schema.Int32).Field("c", Schema.Int32).Build();
        var withSchema = Configured<ValueToKey>(("fields", "a,b"));
        var keyed = withSchema.Apply(SinkRecordOf(schema, new Struct(schema).Put("a", 1).Put("b", 2).Put("c", 3)))!;
        Assert.Equal(SchemaBuilder.Struct().Field("a", Schema.Int32).Field("b", Schema.Int32).Build(), keyed.KeySchema);
        Assert.Equal(1, ((Struct)keyed.Key!).Get("a"));
        var missing = Configured<ValueToKey>(("fields", "not_exist"));
        Assert.Equal("Field does not exist: not_exist", Assert.Throws<DataException>(() => missing.Apply(SinkRecordOf(schema, new Struct(schema).Put("a", 1).Put("b", 2).Put("c", 3)))).Message);
    }

    [Fact]
    public void ExtractFieldTakesOneFieldAndItsSchema()
    {
        // Confluent's ExtractField page: field=id; {"id":42,"cost":4000} → 42.
        var extract = Configured<ExtractField.Value>(("field", "id"));
        Assert.Equal(42L, extract.Apply(SinkRecordOf(null, Map(("id", 42L), ("cost", 4000L))))!.Value);
        var schema = SchemaBuilder.Struct().Field("id", Schema.Int32).Field("cost", Schema.Int32).Build();
        var result = extract.Apply(SinkRecordOf(schema, new Struct(schema).Put("id", 42).Put("cost", 4000)))!;
        Assert.Equal(Schema.Int32, result.ValueSchema);
        Assert.Equal(42, result.Value);
        Assert.Null(extract.Apply(SinkRecordOf(null, null))!.Value);
        var unknown = Configured<ExtractField.Value>(("field", "nope"));
        Assert.Equal("Unknown field: nope", Assert.Throws<ArgumentException>(() => unknown.Apply(SinkRecordOf(schema, new Struct(schema).Put("id", 1).Put("cost", 2)))).Message);
        // KIP-821: nested paths with field.syntax.version=V2, backticks for names containing dots.
        var inner = SchemaBuilder.Struct().Field("b.c", Schema.String).Build();
        var outer = SchemaBuilder.Struct().Field("a", inner).Build();
        var nested = Configured<ExtractField.Value>(("field", "a.`b.c`"), ("field.syntax.version", "V2"));
        Assert.Equal("deep", nested.Apply(SinkRecordOf(outer, new Struct(outer).Put("a", new Struct(inner).Put("b.c", "deep"))))!.Value);
        Assert.Equal("deep", nested.Apply(SinkRecordOf(null, Map(("a", Map(("b.c", "deep"))))))!.Value);
        var v1 = Configured<ExtractField.Value>(("field", "a.b"));
        Assert.Equal(1L, v1.Apply(SinkRecordOf(null, Map(("a.b", 1L))))!.Value);
    }

    [Fact]
    public void HoistFieldWrapsTheValue()
    {
        // Confluent's HoistField page: field=line; 42 → {"line":42}.
        var hoist = Configured<HoistField.Value>(("field", "line"));
        Assert.True(ValueEquality.Equal(Map(("line", 42L)), hoist.Apply(SinkRecordOf(null, 42L))!.Value));
        var result = hoist.Apply(SinkRecordOf(Schema.Int32, 42))!;
        Assert.Equal(SchemaBuilder.Struct().Field("line", Schema.Int32).Build(), result.ValueSchema);
        Assert.Equal(42, ((Struct)result.Value!).Get("line"));
        var key = Configured<HoistField.Key>(("field", "k"));
        Assert.True(ValueEquality.Equal(Map(("k", "id")), key.Apply(SinkRecordOf(null, "v", null, "id"))!.Key));
    }

    [Fact]
    public void FlattenJoinsNestedNames()
    {
        // Confluent's Flatten page: {"content":{"id":42,"name":{"first":"David","middle":null,"last":"Wong"}}}.
        var flatten = Configured<Flatten.Value>(("delimiter", "."));
        var value = Map(("content", Map(("id", 42L), ("name", Map(("first", "David"), ("middle", null), ("last", "Wong"))))));
        Assert.True(ValueEquality.Equal(Map(("content.id", 42L), ("content.name.first", "David"), ("content.name.middle", null), ("content.name.last", "Wong")),
            flatten.Apply(SinkRecordOf(null, value))!.Value));
        var name = SchemaBuilder.Struct().Optional().Field("first", Schema.String).Field("last", Schema.String).Build();
        var schema = SchemaBuilder.Struct().Field("id", Schema.Int32).Field("name", name).Build();
        var underscore = Configured<Flatten.Value>(("delimiter", "_"));
        var result = underscore.Apply(SinkRecordOf(schema, new Struct(schema).Put("id", 42).Put("name", new Struct(name).Put("first", "David").Put("last", "Wong"))))!;
        Assert.Equal(["id", "name_first", "name_last"], result.ValueSchema!.Fields.Select(f => f.Name));
        Assert.True(result.ValueSchema.Field("name_first")!.Schema.IsOptional); // under an optional struct
        Assert.Equal("Wong", ((Struct)result.Value!).Get("name_last"));
    }

    [Fact]
    public void SetSchemaMetadataRenamesTheSchema()
    {
        // Kafka SetSchemaMetadataTest: schema.name=foo, schema.version=42.
        var set = Configured<SetSchemaMetadata.Value>(("schema.name", "foo"), ("schema.version", "42"));
        var schema = SchemaBuilder.Struct().Name("old").Field("a", Schema.Int32).Build();
        var result = set.Apply(SinkRecordOf(schema, new Struct(schema).Put("a", 1)))!;
        Assert.Equal("foo", result.ValueSchema!.Name);
        Assert.Equal(42, result.ValueSchema.Version);
        Assert.Equal(result.ValueSchema, ((Struct)result.Value!).Schema);
        Assert.Equal(1, ((Struct)result.Value!).Get("a"));
        Assert.Equal("Schema required for [updating schema metadata]", Assert.Throws<DataException>(() => set.Apply(SinkRecordOf(null, "x"))).Message);
    }
}
