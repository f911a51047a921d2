using System.Numerics;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Json;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectTime = Tributary.Connect.Data.Time;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Connect.Converters.Tests;

/// <summary>
/// JsonConverter's output, byte for byte, as Apache Kafka's JsonConverter (Jackson 2.x UTF8JsonGenerator, default
/// features, JDK 19+ number formatting) writes it. The schema members and their order follow Kafka's
/// <c>asJsonSchema</c>; the values in the cases named "Kafka JsonConverterTest" are those of Kafka's own unit tests
/// (connect/json/src/test/.../JsonConverterTest.java), which compare trees: the bytes here are what Jackson emits for
/// those trees.
/// </summary>
public class JsonConverterGoldenTests
{
    private static JsonConverter Converter(bool schemas = true, string decimalFormat = "BASE64", bool replaceNull = true)
    {
        var converter = new JsonConverter();
        converter.Configure(new Dictionary<string, string>
        {
            ["schemas.enable"] = schemas ? "true" : "false",
            ["decimal.format"] = decimalFormat,
            ["replace.null.with.default"] = replaceNull ? "true" : "false",
        }, isKey: false);
        return converter;
    }

    private static string Write(JsonConverter converter, Schema? schema, object? value) =>
        Encoding.UTF8.GetString(converter.FromConnectData("topic", null, schema, value)!);

    public static TheoryData<string, Schema, object, string> Primitives() => new()
    {
        // Kafka JsonConverterTest: booleanToJson, byteToJson, shortToJson, intToJson, longToJson, floatToJson, doubleToJson, bytesToJson, stringToJson.
        { "boolean", Schema.Boolean, true, """{"schema":{"type":"boolean","optional":false},"payload":true}""" },
        { "int8", Schema.Int8, (sbyte)12, """{"schema":{"type":"int8","optional":false},"payload":12}""" },
        { "int16", Schema.Int16, (short)12, """{"schema":{"type":"int16","optional":false},"payload":12}""" },
        { "int32", Schema.Int32, 12, """{"schema":{"type":"int32","optional":false},"payload":12}""" },
        { "int64", Schema.Int64, 4398046511104L, """{"schema":{"type":"int64","optional":false},"payload":4398046511104}""" },
        { "float32", Schema.Float32, 12.34f, """{"schema":{"type":"float","optional":false},"payload":12.34}""" },
        { "float64", Schema.Float64, 12.34, """{"schema":{"type":"double","optional":false},"payload":12.34}""" },
        { "bytes", Schema.Bytes, Encoding.UTF8.GetBytes("test-string"), """{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}""" },
        { "string", Schema.String, "test-string", """{"schema":{"type":"string","optional":false},"payload":"test-string"}""" },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void PrimitivesWithSchemaAreWrittenAsKafkaDoes(string name, Schema schema, object value, string expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expected, Write(Converter(), schema, value));
    }

    [Theory]
    [InlineData(1e10, "1.0E10")]
    [InlineData(1.0, "1.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0001, "1.0E-4")]
    [InlineData(1234567.0, "1234567.0")]
    [InlineData(9999999.0, "9999999.0")]
    [InlineData(12345678.0, "1.2345678E7")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(1e21, "1.0E21")]
    [InlineData(123456789012.0, "1.23456789012E11")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.MaxValue, "1.7976931348623157E308")]
    [InlineData(double.Epsilon, "4.9E-324")]
    [InlineData(2.2250738585072014E-308, "2.2250738585072014E-308")]
    [InlineData(-1.5e-7, "-1.5E-7")]
    [InlineData(double.NaN, "\"NaN\"")]
    [InlineData(double.PositiveInfinity, "\"Infinity\"")]
    [InlineData(double.NegativeInfinity, "\"-Infinity\"")]
    public void DoublesAreWrittenAsJavaDoubleToString(double value, string expected)
    {
        Assert.Equal(expected, Write(Converter(schemas: false), Schema.Float64, value));
    }

    [Theory]
    [InlineData(1.1f, "1.1")]
    [InlineData(0.1f, "0.1")]
    [InlineData(1e10f, "1.0E10")]
    [InlineData(16777216f, "1.6777216E7")]
    [InlineData(float.MaxValue, "3.4028235E38")]
    [InlineData(float.Epsilon, "1.4E-45")]
    [InlineData(-2.5e-4f, "-2.5E-4")]
    public void FloatsAreWrittenAsJavaFloatToString(float value, string expected)
    {
        Assert.Equal(expected, Write(Converter(schemas: false), Schema.Float32, value));
    }

    [Fact]
    public void StringsAreEscapedAsJacksonDoes()
    {
        var converter = Converter(schemas: false);
        Assert.Equal("\"a\\\"b\\\\c/d\"", Write(converter, Schema.String, "a\"b\\c/d"));
        // Short escapes for \b \t \n \f \r; \u00XX with upper-case hex for the other controls; DEL raw.
        Assert.Equal("\"\\u0001\\b\\t\\n\\f\\r\\u001F\u007f\"", Write(converter, Schema.String, "\u0001\b\t\n\f\r\u001f\u007f"));
        // Non-ASCII raw UTF-8, including U+2028 which Jackson does not escape.
        Assert.Equal("\"é€\u2028\"", Write(converter, Schema.String, "é€\u2028"));
        // Jackson's UTF8JsonGenerator escapes each UTF-16 surrogate separately rather than writing 4-byte UTF-8.
        Assert.Equal("\"\\uD83D\\uDE00\"", Write(converter, Schema.String, "😀"));
        Assert.Equal("\"\\uD800x\"", Write(converter, Schema.String, "\uD800x"));
    }

    [Fact]
    public void StructsListTheirFieldsAsKafkaDoes()
    {
        // Kafka JsonConverterTest.structToJson.
        var schema = SchemaBuilder.Struct().Field("field1", Schema.Boolean).Field("field2", Schema.String)
            .Field("field3", Schema.String).Field("field4", Schema.Boolean).Build();
        var value = new Struct(schema).Put("field1", true).Put("field2", "string2").Put("field3", "string3").Put("field4", false);
        Assert.Equal(
            """{"schema":{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},{"type":"string","optional":false,"field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false},"payload":{"field1":true,"field2":"string2","field3":"string3","field4":false}}""",
            Write(Converter(), schema, value));
    }

    [Fact]
    public void SchemaMetadataIsWrittenInKafkasOrder()
    {
        // name, version, doc, parameters, default after type and optional; a field's "field" last (Debezium's shape).
        var enumSchema = SchemaBuilder.String().Optional().Name("io.debezium.data.Enum").Version(1).Doc("a doc")
            .Parameter("allowed", "a,b").DefaultValue("a").Build();
        var schema = SchemaBuilder.Struct().Name("server1.inventory.customers.Value").Field("kind", enumSchema).Optional().Build();
        Assert.Equal(
            """{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"doc":"a doc","parameters":{"allowed":"a,b"},"default":"a","field":"kind"}],"optional":true,"name":"server1.inventory.customers.Value"},"payload":{"kind":"b"}}""",
            Write(Converter(), schema, new Struct(schema).Put("kind", "b")));
    }

    [Fact]
    public void MapsWithStringKeysAreObjectsAndOthersArraysOfPairs()
    {
        // Kafka JsonConverterTest.mapToJsonStringKeys and mapToJsonNonStringKeys.
        var stringKeys = SchemaBuilder.Map(Schema.String, Schema.Int32).Build();
        Assert.Equal(
            """{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}""",
            Write(Converter(), stringKeys, new Dictionary<string, int> { ["key1"] = 12, ["key2"] = 15 }));
        var intKeys = SchemaBuilder.Map(Schema.Int32, Schema.Int32).Build();
        Assert.Equal(
            """{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}""",
            Write(Converter(), intKeys, new Dictionary<int, int> { [1] = 12, [2] = 15 }));
        Assert.Equal("""[[1,"a"]]""", Write(Converter(schemas: false), null, new Dictionary<object, object> { [1] = "a" }));
    }

    [Fact]
    public void ArraysAndSchemalessValues()
    {
        // Kafka JsonConverterTest.arrayToJson.
        var schema = SchemaBuilder.Array(Schema.Int32).Build();
        Assert.Equal("""{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}""",
            Write(Converter(), schema, new List<int> { 1, 2, 3 }));
        var schemaless = new Dictionary<string, object?> { ["a"] = 1L, ["b"] = new List<object?> { true, null, "x", 1.5 } };
        Assert.Equal("""{"schema":null,"payload":{"a":1,"b":[true,null,"x",1.5]}}""", Write(Converter(), null, schemaless));
        Assert.Equal("""{"a":1,"b":[true,null,"x",1.5]}""", Write(Converter(schemas: false), null, schemaless));
    }

    [Fact]
    public void DecimalsAsBase64OrNumeric()
    {
        // Kafka JsonConverterTest.decimalToJson / decimalToNumericJson: 1.56 at scale 2 is "AJw=" (0x009C).
        var schema = ConnectDecimal.Schema(2);
        var value = new BigDecimal(new BigInteger(156), 2);
        Assert.Equal(
            """{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}""",
            Write(Converter(), schema, value));
        Assert.Equal(
            """{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}""",
            Write(Converter(decimalFormat: "NUMERIC"), schema, value));
        // Java's BigDecimal.toString: exponent form for negative scales and small adjusted exponents.
        Assert.Equal("1E+3", Write(Converter(schemas: false, decimalFormat: "numeric"), ConnectDecimal.Schema(-3), new BigDecimal(1, -3)));
        Assert.Equal("1E-8", Write(Converter(schemas: false, decimalFormat: "NUMERIC"), ConnectDecimal.Schema(8), new BigDecimal(1, 8)));
        Assert.Equal("-0.000001", Write(Converter(schemas: false, decimalFormat: "NUMERIC"), ConnectDecimal.Schema(6), new BigDecimal(-1, 6)));
        Assert.Equal("\"/w==\"", Write(Converter(schemas: false), ConnectDecimal.Schema(0), new BigDecimal(-1, 0)));
    }

    [Fact]
    public void DatesTimesAndTimestampsAreTheirIntegers()
    {
        // Kafka JsonConverterTest.dateToJson (10000 days), timeToJson (14400000 ms), timestampToJson (4000000000 ms).
        Assert.Equal(
            """{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}""",
            Write(Converter(), ConnectDate.Schema, DateTime.UnixEpoch.AddDays(10000)));
        Assert.Equal(
            """{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}""",
            Write(Converter(), ConnectTime.Schema, DateTime.UnixEpoch.AddMilliseconds(14400000)));
        Assert.Equal(
            """{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}""",
            Write(Converter(), ConnectTimestamp.Schema, DateTime.UnixEpoch.AddMilliseconds(4000000000)));
        Assert.Equal("-1", Write(Converter(schemas: false), ConnectDate.Schema, new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("-1", Write(Converter(schemas: false), ConnectTimestamp.Schema, new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc)));
    }

    [Fact]
    public void NullsTakeDefaultsOrFail()
    {
        Assert.Null(Converter().FromConnectData("t", null, null, null));
        Assert.Null(Converter(schemas: false).FromConnectData("t", null, null, null));
        Assert.Equal("""{"schema":{"type":"string","optional":true},"payload":null}""", Write(Converter(), Schema.OptionalString, null));
        var withDefault = SchemaBuilder.Int32().Optional().DefaultValue(42).Build();
        Assert.Equal("""{"schema":{"type":"int32","optional":true,"default":42},"payload":42}""", Write(Converter(), withDefault, null));
        Assert.Equal("""{"schema":{"type":"int32","optional":true,"default":42},"payload":null}""", Write(Converter(replaceNull: false), withDefault, null));
        var error = Assert.Throws<DataException>(() => Write(Converter(), Schema.Int32, null));
        Assert.Equal("Conversion error: null value for field that is required and has no default value", error.Message);
        var structSchema = SchemaBuilder.Struct().Field("n", withDefault).Build();
        Assert.Equal("""{"n":42}""", Write(Converter(schemas: false), structSchema, new Struct(structSchema)));
        Assert.Equal("""{"n":null}""", Write(Converter(schemas: false, replaceNull: false), structSchema, new Struct(structSchema)));
    }

    [Fact]
    public void MismatchedValuesFailWithKafkasMessages()
    {
        Assert.Equal("Invalid type for INT32: System.String", Assert.Throws<DataException>(() => Write(Converter(), Schema.Int32, "x")).Message);
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32).Build();
        var other = SchemaBuilder.Struct().Field("b", Schema.Int32).Build();
        Assert.Equal("Mismatching schema.", Assert.Throws<DataException>(() => Write(Converter(), schema, new Struct(other).Put("b", 1))).Message);
        Assert.Equal("Mismatching schema.", Assert.Throws<DataException>(() => Write(Converter(), null, new Struct(other).Put("b", 1))).Message);
        Assert.StartsWith("Java class System.Decimal does not have corresponding schema type.",
            Assert.Throws<DataException>(() => Write(Converter(schemas: false), null, 1.5m)).Message);
        Assert.StartsWith("Invalid type for Decimal, expected BigDecimal but was",
            Assert.Throws<DataException>(() => Write(Converter(), ConnectDecimal.Schema(2), "1.5")).Message);
    }

    [Fact]
    public void OffsetKeysMatchKafkasInternalTopicBytes()
    {
        // Connect's offset key ["connector",{partition}] as OffsetStorageWriter writes it (schemaless JsonConverter).
        var key = new List<object?> { "inventory-connector", new Dictionary<string, object?> { ["server"] = "dbserver1" } };
        Assert.Equal("""["inventory-connector",{"server":"dbserver1"}]""", Encoding.UTF8.GetString(SchemalessJson.Serialize(key)!));
        IReadOnlyDictionary<string, object?> offset = new Dictionary<string, object?> { ["file"] = "mysql-bin.000003", ["pos"] = 154L, ["snapshot"] = true };
        Assert.Equal("""{"file":"mysql-bin.000003","pos":154,"snapshot":true}""", Encoding.UTF8.GetString(SchemalessJson.Serialize(offset)!));
    }

    [Fact]
    public void SchemaJsonIsCachedPerSchema()
    {
        var converter = Converter();
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32).Build();
        converter.FromConnectData("t", null, schema, new Struct(schema).Put("a", 1));
        converter.FromConnectData("t", null, schema, new Struct(schema).Put("a", 2));
        Assert.Equal(2, converter.CachedSchemas.FromConnect); // the struct and its field's int32 schema
    }
}
