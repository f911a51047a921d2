using System.Buffers;
using System.Collections;
using System.Text.Json.Nodes;
using Avro.Generic;
using Avro.IO;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Registry.Avro;
using BigDecimal = Tributary.Connect.Data.BigDecimal;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectSchema = Tributary.Connect.Data.Schema;

namespace Tributary.Registry.Tests;

/// <summary>
/// The Connect ↔ Avro mapping (AvroData) without a registry: general unions as <c>io.confluent.connect.avro.Union</c>
/// structs, structured defaults, recursive records. Apache.Avro's own generic writer and resolving reader are the
/// oracle for the bytes and for what the defaults mean.
/// </summary>
public sealed class AvroDataTests
{
    private const string EventAvro = """
        {"type":"record","name":"Event","namespace":"app","fields":[
          {"name":"id","type":"long"},
          {"name":"payload","type":["null","string","long",
            {"type":"record","name":"Ping","namespace":"app.p","fields":[{"name":"at","type":"long"}]},
            {"type":"array","items":"int"}]},
          {"name":"either","type":["int","string"]}]}
        """;

    [Fact]
    public void A_general_avro_union_reads_as_a_connect_union_struct_named_after_its_branches()
    {
        var plan = AvroData.ToConnect(Avro.Schema.Parse(EventAvro));
        var payload = plan.Connect.Field("payload")!.Schema;
        Assert.Equal(SchemaType.Struct, payload.Type);
        Assert.Equal("io.confluent.connect.avro.Union", payload.Name);
        Assert.True(payload.IsOptional); // the union holds null
        Assert.Equal(["string", "long", "Ping", "array"], payload.Fields.Select(f => f.Name));
        Assert.All(payload.Fields, f => Assert.True(f.Schema.IsOptional));
        Assert.Equal("app.p.Ping", payload.Field("Ping")!.Schema.Name);
        Assert.Equal(SchemaType.Array, payload.Field("array")!.Schema.Type);
        var either = plan.Connect.Field("either")!.Schema;
        Assert.False(either.IsOptional);
        Assert.Equal(["int", "string"], either.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Union_values_encode_as_apache_avro_does_and_decode_back()
    {
        var avro = (Avro.RecordSchema)Avro.Schema.Parse(EventAvro);
        var plan = AvroData.ToConnect(avro);
        var connect = plan.Connect;
        var payloadSchema = connect.Field("payload")!.Schema;
        var eitherSchema = connect.Field("either")!.Schema;
        var pingSchema = payloadSchema.Field("Ping")!.Schema;
        var cases = new (object? Payload, object Either, Struct ConnectPayload, Struct ConnectEither)[]
        {
            (null, 3, null!, new Struct(eitherSchema).Put("int", 3)),
            ("hello", "x", new Struct(payloadSchema).Put("string", "hello"), new Struct(eitherSchema).Put("string", "x")),
            (9L, 4, new Struct(payloadSchema).Put("long", 9L), new Struct(eitherSchema).Put("int", 4)),
            (Ping(avro, 77L), 5, new Struct(payloadSchema).Put("Ping", new Struct(pingSchema).Put("at", 77L)), new Struct(eitherSchema).Put("int", 5)),
            (new object[] { 1, 2 }, 6, new Struct(payloadSchema).Put("array", new List<object?> { 1, 2 }), new Struct(eitherSchema).Put("int", 6)),
        };
        foreach (var (payload, either, connectPayload, connectEither) in cases)
        {
            var record = new GenericRecord(avro);
            record.Add("id", 1L);
            record.Add("payload", payload);
            record.Add("either", either);
            var expected = new MemoryStream();
            new GenericDatumWriter<GenericRecord>(avro).Write(record, new BinaryEncoder(expected));

            var value = new Struct(connect).Put("id", 1L).Put("payload", connectPayload).Put("either", connectEither);
            var output = new ArrayBufferWriter<byte>();
            AvroBinary.Write(output, plan, value);
            Assert.Equal(expected.ToArray(), output.WrittenSpan.ToArray());

            var reader = new AvroReader(output.WrittenSpan);
            Assert.Equal(value, AvroBinary.Read(ref reader, plan));
        }
    }

    private static GenericRecord Ping(Avro.RecordSchema avro, long at)
    {
        var union = (Avro.UnionSchema)avro["payload"].Schema;
        var ping = new GenericRecord((Avro.RecordSchema)union.Schemas[3]);
        ping.Add("at", at);
        return ping;
    }

    [Fact]
    public void A_connect_union_struct_writes_as_an_avro_union_with_null_first_when_optional()
    {
        var card = SchemaBuilder.Struct().Name("shop.Card").Optional().Field("last4", ConnectSchema.String).Build();
        var union = SchemaBuilder.Struct().Name(AvroData.UnionName).Optional()
            .Field("string", ConnectSchema.OptionalString).Field("int", ConnectSchema.OptionalInt32).Field("Card", card).Build();
        var schema = SchemaBuilder.Struct().Name("shop.Payment").Field("method", union).Build();
        var (json, plan) = AvroData.FromConnect(schema);
        var method = JsonNode.Parse(json)!["fields"]![0]!;
        var branches = method["type"]!.AsArray();
        Assert.Equal("null", (string)branches[0]!);
        Assert.Equal("string", (string)branches[1]!);
        Assert.Equal("int", (string)branches[2]!);
        Assert.Equal("Card", (string)branches[3]!["name"]!);
        Assert.True(method.AsObject().ContainsKey("default"));
        Assert.Null(method["default"]);

        // Read back through Apache.Avro's parser, the mapping gives the same Connect union and the same Avro schema.
        var back = AvroData.ToConnect(Avro.Schema.Parse(json));
        Assert.Equal(schema, back.Connect);
        Assert.Equal(json, AvroData.FromConnect(back.Connect).Json);

        // The first set field is the branch written; none set is null.
        var output = new ArrayBufferWriter<byte>();
        AvroBinary.Write(output, plan, new Struct(schema).Put("method", new Struct(union).Put("int", 12)));
        Assert.Equal(new byte[] { 4, 24 }, output.WrittenSpan.ToArray()); // branch 2 (zig-zag 4), 12 (zig-zag 24)
        output.ResetWrittenCount();
        AvroBinary.Write(output, plan, new Struct(schema).Put("method", new Struct(union)));
        Assert.Equal(new byte[] { 0 }, output.WrittenSpan.ToArray());
        output.ResetWrittenCount();
        AvroBinary.Write(output, plan, new Struct(schema).Put("method", null));
        Assert.Equal(new byte[] { 0 }, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Unions_connect_cannot_name_or_avro_cannot_hold_are_data_exceptions()
    {
        // Two records of one name in different namespaces would both be the field "Ping", as AvroData refuses them.
        var twoPings = Avro.Schema.Parse("""[{"type":"record","name":"Ping","namespace":"a","fields":[]},{"type":"record","name":"Ping","namespace":"b","fields":[]}]""");
        Assert.Contains("Ping", Assert.Throws<DataException>(() => AvroData.ToConnect(twoPings)).Message, StringComparison.Ordinal);
        var inner = SchemaBuilder.Struct().Name(AvroData.UnionName).Optional().Field("int", ConnectSchema.OptionalInt32).Build();
        var outer = SchemaBuilder.Struct().Name(AvroData.UnionName).Field("string", ConnectSchema.OptionalString).Field("union", inner).Build();
        Assert.Contains("cannot contain unions", Assert.Throws<DataException>(() => AvroData.FromConnect(outer)).Message, StringComparison.Ordinal);
        var required = SchemaBuilder.Struct().Name(AvroData.UnionName).Field("string", ConnectSchema.OptionalString).Build();
        var (_, plan) = AvroData.FromConnect(required);
        Assert.Throws<DataException>(() => AvroBinary.Write(new ArrayBufferWriter<byte>(), plan, new Struct(required)));
        var readPlan = AvroData.ToConnect(Avro.Schema.Parse("""["int","string"]"""));
        Assert.Contains("out of range", Assert.Throws<DataException>(() => ReadAll([6], readPlan)).Message, StringComparison.Ordinal); // branch 3 of 2
    }

    private static object? ReadAll(byte[] data, AvroPlan plan)
    {
        var reader = new AvroReader(data);
        return AvroBinary.Read(ref reader, plan);
    }

    private static readonly ConnectSchema Address = SchemaBuilder.Struct().Name("shop.Address").Field("city", ConnectSchema.String).Field("zip", ConnectSchema.OptionalString).Build();

    private static readonly ConnectSchema Choice = SchemaBuilder.Struct().Name(AvroData.UnionName).Field("string", ConnectSchema.OptionalString).Field("int", ConnectSchema.OptionalInt32).Build();

    private static readonly DateTime Day = new(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);

    private static ConnectSchema WithDefaults() => SchemaBuilder.Struct().Name("shop.Order")
        .Field("id", ConnectSchema.Int64)
        .Field("tags", SchemaBuilder.Array(ConnectSchema.String).DefaultValue(new List<object?> { "a", "b" }).Build())
        .Field("attributes", SchemaBuilder.Map(ConnectSchema.String, ConnectSchema.Int32).DefaultValue(new Dictionary<object, object?> { ["x"] = 1 }).Build())
        .Field("counts", SchemaBuilder.Map(ConnectSchema.Int32, ConnectSchema.String).DefaultValue(new Dictionary<object, object?> { [5] = "five" }).Build())
        .Field("blob", SchemaBuilder.Bytes().DefaultValue(new byte[] { 0, 200, 255 }).Build())
        .Field("amount", ConnectDecimal.Builder(2).DefaultValue(BigDecimal.Parse("1.50")).Build())
        .Field("day", Date.Builder().DefaultValue(Day).Build())
        .Field("tiny", SchemaBuilder.Int8().DefaultValue((sbyte)-2).Build())
        .Field("address", SchemaBuilder.From(Address).DefaultValue(new Struct(Address).Put("city", "Lyon")).Build())
        .Field("note", SchemaBuilder.String().Optional().DefaultValue("n/a").Build())
        .Field("choice", SchemaBuilder.From(Choice).DefaultValue(new Struct(Choice).Put("string", "x")).Build())
        .Build();

    [Fact]
    public void Structured_connect_defaults_become_avro_field_defaults()
    {
        var (json, _) = AvroData.FromConnect(WithDefaults());
        var fields = JsonNode.Parse(json)!["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!);
        Assert.False(fields["id"].AsObject().ContainsKey("default"));
        Assert.Equal("""["a","b"]""", fields["tags"]["default"]!.ToJsonString());
        Assert.Equal("""{"x":1}""", fields["attributes"]["default"]!.ToJsonString());
        Assert.Equal("""[{"key":5,"value":"five"}]""", fields["counts"]["default"]!.ToJsonString());
        Assert.Equal("\u0000\u00c8\u00ff", (string)fields["blob"]["default"]!);
        Assert.Equal("\u0000\u0096", (string)fields["amount"]["default"]!); // unscaled 150, big-endian two's complement
        Assert.Equal((int)(Day - DateTime.UnixEpoch).TotalDays, (int)fields["day"]["default"]!);
        Assert.Equal(-2, (int)fields["tiny"]["default"]!);
        Assert.Equal("""{"city":"Lyon","zip":null}""", fields["address"]["default"]!.ToJsonString());
        Assert.Equal("""["string","null"]""", fields["note"]["type"]!.ToJsonString()); // a non-null default leads the union
        Assert.Equal("n/a", (string)fields["note"]["default"]!);
        Assert.Equal("x", (string)fields["choice"]["default"]!);
    }

    [Fact]
    public void Avro_defaults_read_back_as_the_same_connect_defaults_and_schema()
    {
        var schema = WithDefaults();
        var (json, _) = AvroData.FromConnect(schema);
        var back = AvroData.ToConnect(Avro.Schema.Parse(json)).Connect;
        foreach (var field in schema.Fields)
        {
            Assert.True(ValueEquality.Equal(field.Schema.DefaultValue, back.Field(field.Name)!.Schema.DefaultValue), field.Name);
        }
        Assert.Equal(json, AvroData.FromConnect(back).Json);
    }

    [Fact]
    public void Apache_avro_fills_a_missing_field_from_the_generated_default()
    {
        // Data written without the defaulted fields, read with the generated schema: schema resolution takes the defaults.
        var writer = (Avro.RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"}]}""");
        var reader = Avro.Schema.Parse(AvroData.FromConnect(WithDefaults()).Json);
        var record = new GenericRecord(writer);
        record.Add("id", 7L);
        var stream = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(writer).Write(record, new BinaryEncoder(stream));
        stream.Position = 0;
        var read = new GenericDatumReader<GenericRecord>(writer, reader).Read(null!, new BinaryDecoder(stream));
        Assert.Equal(7L, read["id"]);
        Assert.Equal(new object[] { "a", "b" }, ((IEnumerable)read["tags"]).Cast<object>());
        Assert.Equal(1, ((IDictionary<string, object>)read["attributes"])["x"]);
        Assert.Equal(new byte[] { 0, 200, 255 }, (byte[])read["blob"]);
        Assert.Equal("Lyon", ((GenericRecord)read["address"])["city"]);
        Assert.Null(((GenericRecord)read["address"])["zip"]);
        Assert.Equal("n/a", read["note"]);
        Assert.Equal("x", read["choice"]);
        Assert.Equal(-2, read["tiny"]);
    }

    [Fact]
    public void A_default_the_avro_union_cannot_hold_is_left_out()
    {
        // zip is [null, string] inside the record, so a default record with a zip cannot be written as Avro JSON.
        var schema = SchemaBuilder.Struct().Name("shop.Customer")
            .Field("address", SchemaBuilder.From(Address).DefaultValue(new Struct(Address).Put("city", "Lyon").Put("zip", "69001")).Build())
            .Build();
        var field = JsonNode.Parse(AvroData.FromConnect(schema).Json)!["fields"]![0]!.AsObject();
        Assert.False(field.ContainsKey("default"));
        Avro.Schema.Parse(AvroData.FromConnect(schema).Json);
    }

    [Fact]
    public void A_recursive_avro_record_is_refused_with_a_data_exception_naming_it()
    {
        var list = Avro.Schema.Parse("""{"type":"record","name":"Node","namespace":"app","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}""");
        var error = Assert.Throws<DataException>(() => AvroData.ToConnect(list));
        Assert.Contains("app.Node is recursive", error.Message, StringComparison.Ordinal);
    }
}
