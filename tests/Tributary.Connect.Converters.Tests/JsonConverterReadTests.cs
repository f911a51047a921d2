using System.Collections;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Json;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;

namespace Tributary.Connect.Converters.Tests;

/// <summary>JSON → Connect data as Kafka's JsonConverter reads it (cases after Kafka's JsonConverterTest where named).</summary>
public class JsonConverterReadTests
{
    private static JsonConverter Converter(bool schemas = true, bool replaceNull = true)
    {
        var converter = new JsonConverter();
        converter.Configure(new Dictionary<string, string>
        {
            ["schemas.enable"] = schemas ? "true" : "false",
            ["replace.null.with.default"] = replaceNull ? "true" : "false",
        }, isKey: true);
        return converter;
    }

    private static SchemaAndValue Read(JsonConverter converter, string json) => converter.ToConnectData("topic", null, Encoding.UTF8.GetBytes(json));

    [Fact]
    public void PrimitivesWithSchemas()
    {
        // Kafka JsonConverterTest: booleanToConnect, byteToConnect, …, stringToConnect.
        var converter = Converter();
        Assert.Equal(new SchemaAndValue(Schema.Boolean, true), Read(converter, """{ "schema": { "type": "boolean" }, "payload": true }"""));
        Assert.Equal(new SchemaAndValue(Schema.Int8, (sbyte)12), Read(converter, """{ "schema": { "type": "int8" }, "payload": 12 }"""));
        Assert.Equal(new SchemaAndValue(Schema.Int16, (short)12), Read(converter, """{ "schema": { "type": "int16" }, "payload": 12 }"""));
        Assert.Equal(new SchemaAndValue(Schema.Int32, 12), Read(converter, """{ "schema": { "type": "int32" }, "payload": 12 }"""));
        Assert.Equal(new SchemaAndValue(Schema.Int64, 12L), Read(converter, """{ "schema": { "type": "int64" }, "payload": 12 }"""));
        Assert.Equal(new SchemaAndValue(Schema.Float32, 12.34f), Read(converter, """{ "schema": { "type": "float" }, "payload": 12.34 }"""));
        Assert.Equal(new SchemaAndValue(Schema.Float64, 12.34), Read(converter, """{ "schema": { "type": "double" }, "payload": 12.34 }"""));
        Assert.Equal(new SchemaAndValue(Schema.String, "foo-bar-baz"), Read(converter, """{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }"""));
        var bytes = Read(converter, """{ "schema": { "type": "bytes" }, "payload": "Zm9vLWJhci1iYXo=" }""");
        Assert.Equal("foo-bar-baz", Encoding.UTF8.GetString((byte[])bytes.Value!));
        // The payload may come first.
        Assert.Equal(new SchemaAndValue(Schema.Int32, 7), Read(converter, """{"payload":7,"schema":{"type":"int32"}}"""));
    }

    [Fact]
    public void EnvelopeIsRequiredWithSchemasEnabled()
    {
        // Kafka JsonConverterTest.noSchemaToConnect / envelope checks.
        var expected = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";
        foreach (var json in new[] { "true", """{"payload":1}""", """{"schema":null,"payload":1,"extra":2}""", """{"a":1,"b":2}""", "" })
        {
            Assert.Equal(expected, Assert.Throws<DataException>(() => Read(Converter(), json)).Message);
        }
        Assert.Equal(new SchemaAndValue(null, 1L), Read(Converter(), """{"schema":null,"payload":1}"""));
    }

    [Fact]
    public void SchemalessValuesAreInferredAsKafkaDoes()
    {
        var converter = Converter(schemas: false);
        Assert.Equal(new SchemaAndValue(null, 12L), Read(converter, "12"));
        Assert.Equal(new SchemaAndValue(null, 12.0), Read(converter, "12.0"));
        Assert.Equal(new SchemaAndValue(null, 100.0), Read(converter, "1e2"));
        Assert.Equal(new SchemaAndValue(null, "x"), Read(converter, "\"x\""));
        Assert.Equal(SchemaAndValue.Null, Read(converter, "null"));
        Assert.Equal(SchemaAndValue.Null, converter.ToConnectData("t", null, null));
        Assert.Equal(SchemaAndValue.Null, Read(converter, ""));
        // Trailing content after the first value is ignored, as Jackson's readTree does.
        Assert.Equal(new SchemaAndValue(null, 1L), Read(converter, "1 2"));
        var map = (Dictionary<string, object?>)Read(converter, """{"c":"x","b":1,"a":[true,null,2.5]}""").Value!;
        // Kafka returns a HashMap: iteration (and re-serialization) in its bucket order, here a, b, c.
        Assert.Equal(["a", "b", "c"], map.Keys);
        Assert.Equal("""{"a":[true,null,2.5],"b":1,"c":"x"}""", Encoding.UTF8.GetString(converter.FromConnectData("t", null, null, map)!));
    }

    [Fact]
    public void JavaHashMapOrderForManyKeys()
    {
        // Java: new HashMap<>() with puts of "id","name","email","created_at","active","score","tags","address","zip","country","phone","note","x"
        // (13 puts: the table doubles to 32) iterates in (hash ^ hash>>>16) & 31 order.
        var keys = new[] { "id", "name", "email", "created_at", "active", "score", "tags", "address", "zip", "country", "phone", "note", "x" };
        var json = "{" + string.Join(",", keys.Select(k => $"\"{k}\":0")) + "}";
        var map = (Dictionary<string, object?>)Read(Converter(schemas: false), json).Value!;
        var expected = keys.Select((k, i) => (k, i, bucket: Bucket(k, 32))).OrderBy(e => e.bucket).ThenBy(e => e.i).Select(e => e.k);
        Assert.Equal(expected, map.Keys);

        static int Bucket(string key, int table)
        {
            var h = 0;
            foreach (var c in key)
            {
                h = unchecked(31 * h + c);
            }
            return (h ^ (int)((uint)h >> 16)) & (table - 1);
        }
    }

    [Fact]
    public void StructsAndDefaults()
    {
        // Kafka JsonConverterTest.structToConnect.
        var read = Read(Converter(), """{ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, { "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } }""");
        var schema = SchemaBuilder.Struct().Field("field1", Schema.Boolean).Field("field2", Schema.String).Build();
        Assert.Equal(schema, read.Schema);
        Assert.Equal(new Struct(schema).Put("field1", true).Put("field2", "string"), read.Value);

        var withDefault = """{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"default":42,"field":"n"}]},"payload":{}}""";
        Assert.Equal(42, ((Struct)Read(Converter(), withDefault).Value!).GetWithoutDefault("n"));
        Assert.Null(((Struct)Read(Converter(replaceNull: false), withDefault).Value!).GetWithoutDefault("n"));

        var missing = """{"schema":{"type":"struct","fields":[{"type":"int32","field":"n"}]},"payload":{"other":1}}""";
        Assert.Equal("Invalid null value for required INT32 field", Assert.Throws<DataException>(() => Read(Converter(), missing)).Message);
        Assert.Equal("Structs should be encoded as JSON objects, but found ARRAY",
            Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"struct","fields":[]},"payload":[]}""")).Message);
    }

    [Fact]
    public void MapsAndArrays()
    {
        var stringKeys = Read(Converter(), """{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":{"key1":12,"key2":15}}""");
        Assert.Equal(new Dictionary<string, object?> { ["key1"] = 12, ["key2"] = 15 }, (IDictionary<string, object?>)stringKeys.Value!);
        var intKeys = Read(Converter(), """{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[[1,12],[2,15]]}""");
        Assert.True(ValueEquality.Equal(new Dictionary<object, object?> { [1] = 12, [2] = 15 }, intKeys.Value));
        Assert.Equal("Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT",
            Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":{}}""")).Message);
        Assert.Equal("Found invalid map entry, expected length 2 but found :3",
            Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[[1,2,3]]}""")).Message);
        Assert.Equal("Maps with string fields should be encoded as JSON objects, but found ARRAY",
            Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":[]}""")).Message);
        var array = Read(Converter(), """{"schema":{"type":"array","items":{"type":"int32"}},"payload":[1,2,3]}""");
        Assert.Equal(new List<object?> { 1, 2, 3 }, (IList)array.Value!);
    }

    [Fact]
    public void LogicalTypes()
    {
        // Kafka JsonConverterTest.decimalToConnect, decimalToConnectWithNumericFormat, dateToConnect, ….
        var decimalSchema = """{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}""";
        Assert.Equal(new BigDecimal(156, 2), Read(Converter(), $$"""{"schema":{{decimalSchema}},"payload":"AJw="}""").Value);
        Assert.Equal(new BigDecimal(156, 2), Read(Converter(), $$"""{"schema":{{decimalSchema}},"payload":1.56}""").Value);
        Assert.Equal(ConnectDecimal.Schema(2), Read(Converter(), $$"""{"schema":{{decimalSchema}},"payload":1.56}""").Schema);
        Assert.Equal("Invalid type for Decimal, underlying representation should be numeric or bytes but was BOOLEAN",
            Assert.Throws<DataException>(() => Read(Converter(), $$"""{"schema":{{decimalSchema}},"payload":true}""")).Message);
        var date = Read(Converter(), """{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}""");
        Assert.Equal(ConnectDate.Schema, date.Schema);
        Assert.Equal(new DateTime(1997, 5, 19, 0, 0, 0, DateTimeKind.Utc), date.Value);
        Assert.Equal("Invalid type for Date, underlying representation should be integer but was STRING",
            Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":"x"}""")).Message);
        var timestamp = Read(Converter(), """{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":-1}""");
        Assert.Equal(new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), timestamp.Value);
    }

    [Fact]
    public void JacksonCoercionsOfMismatchedPayloads()
    {
        Assert.Equal(0, Read(Converter(), """{"schema":{"type":"int32"},"payload":"abc"}""").Value);
        Assert.Equal(1, Read(Converter(), """{"schema":{"type":"int32"},"payload":1.9}""").Value);
        Assert.Equal(-1, Read(Converter(), """{"schema":{"type":"int32"},"payload":4294967295}""").Value);
        Assert.Null(Read(Converter(), """{"schema":{"type":"string"},"payload":5}""").Value);
        Assert.Equal(false, Read(Converter(), """{"schema":{"type":"boolean"},"payload":{"a":1}}""").Value);
        Assert.Equal(new List<object?> { 1, 2 }, (IList)Read(Converter(), """{"schema":{"type":"array","items":{"type":"int32"}},"payload":{"a":1,"b":2}}""").Value!);
    }

    [Fact]
    public void MalformedSchemasAndJson()
    {
        Assert.Equal("Schema must contain 'type' field", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{},"payload":1}""")).Message);
        Assert.Equal("Unknown schema type: int128", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"int128"},"payload":1}""")).Message);
        Assert.Equal("Array schema did not specify the element type", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"array"},"payload":[]}""")).Message);
        Assert.Equal("Map schema did not specify the key type", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"map"},"payload":{}}""")).Message);
        Assert.Equal("Struct schema's \"fields\" argument is not an array.", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"struct"},"payload":{}}""")).Message);
        Assert.Equal("Struct schema's field name not specified properly", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"struct","fields":[{"type":"int32"}]},"payload":{}}""")).Message);
        Assert.Equal("Schema parameters must have string values.", Assert.Throws<DataException>(() => Read(Converter(), """{"schema":{"type":"int32","parameters":{"a":1}},"payload":1}""")).Message);
        var malformed = Assert.Throws<DataException>(() => Read(Converter(schemas: false), "{\"a\":"));
        Assert.Equal("Converting byte[] to Kafka Connect data failed due to serialization error: ", malformed.Message);
        Assert.NotNull(malformed.InnerException);
    }

    [Fact]
    public void SchemasReadAreCached()
    {
        var converter = Converter();
        var json = """{"schema":{"type":"struct","fields":[{"type":"int32","field":"a"}]},"payload":{"a":1}}""";
        var first = Read(converter, json).Schema;
        var second = Read(converter, json).Schema;
        Assert.Same(first, second);
        Assert.Equal(1, converter.CachedSchemas.ToConnect);
    }

    [Fact]
    public void LoneSurrogateEscapesSurviveAsJavaStrings()
    {
        Assert.Equal("\uD800x", Read(Converter(schemas: false), "\"\\uD800x\"").Value);
        Assert.Equal("😀", Read(Converter(schemas: false), "\"\\uD83D\\uDE00\"").Value);
    }
}
