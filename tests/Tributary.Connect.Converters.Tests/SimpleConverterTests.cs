using System.Buffers;
using System.Collections;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Storage;

namespace Tributary.Connect.Converters.Tests;

/// <summary>StringConverter, ByteArrayConverter, the number converters' byte layouts (Kafka's serializers) and BooleanConverter.</summary>
public class SimpleConverterTests
{
    [Fact]
    public void NumberConvertersUseKafkasSerializerLayouts()
    {
        Assert.Equal(new byte[] { 0x01, 0x02 }, new ShortConverter().FromConnectData("t", null, Schema.Int16, (short)0x0102));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFE }, new IntegerConverter().FromConnectData("t", null, Schema.Int32, -2));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0x30, 0x39 }, new LongConverter().FromConnectData("t", null, Schema.Int64, 12345L));
        Assert.Equal(new byte[] { 0x3F, 0xC0, 0, 0 }, new FloatConverter().FromConnectData("t", null, Schema.Float32, 1.5f));
        Assert.Equal(new byte[] { 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18 }, new DoubleConverter().FromConnectData("t", null, Schema.Float64, Math.PI));
        Assert.Equal(new SchemaAndValue(Schema.OptionalInt64, 12345L), new LongConverter().ToConnectData("t", null, [0, 0, 0, 0, 0, 0, 0x30, 0x39]));
        Assert.Equal(new SchemaAndValue(Schema.OptionalFloat64, Math.PI), new DoubleConverter().ToConnectData("t", null, [0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18]));
        Assert.Equal(new SchemaAndValue(Schema.OptionalInt32, null), new IntegerConverter().ToConnectData("t", null, null));
        Assert.Null(new IntegerConverter().FromConnectData("t", null, null, null));
        var wrongSize = Assert.Throws<DataException>(() => new IntegerConverter().ToConnectData("t", null, [1, 2]));
        Assert.Equal("Failed to deserialize integer: ", wrongSize.Message);
        Assert.Equal("Size of data received by IntegerDeserializer is not 4", wrongSize.InnerException!.Message);
        Assert.StartsWith("Failed to serialize to short (was System.Int32)", Assert.Throws<DataException>(() => new ShortConverter().FromConnectData("t", null, null, 1)).Message);
    }

    [Fact]
    public void BooleanConverterIsOneByte()
    {
        var converter = new BooleanConverter();
        Assert.Equal(new byte[] { 1 }, converter.FromConnectData("t", null, Schema.Boolean, true));
        Assert.Equal(new byte[] { 0 }, converter.FromConnectData("t", null, Schema.Boolean, false));
        Assert.Equal(new SchemaAndValue(Schema.OptionalBoolean, true), converter.ToConnectData("t", null, [1]));
        Assert.Equal("Invalid schema type for BooleanConverter: STRING", Assert.Throws<DataException>(() => converter.FromConnectData("t", null, Schema.String, true)).Message);
        Assert.Equal("Unexpected byte received by BooleanDeserializer: 2", Assert.Throws<DataException>(() => converter.ToConnectData("t", null, [2])).InnerException!.Message);
    }

    [Fact]
    public void ByteArrayConverterPassesBytesThrough()
    {
        var converter = new ByteArrayConverter();
        var bytes = new byte[] { 1, 2, 3 };
        Assert.Same(bytes, converter.FromConnectData("t", null, Schema.Bytes, bytes));
        Assert.Equal(new SchemaAndValue(Schema.OptionalBytes, bytes), converter.ToConnectData("t", null, bytes));
        Assert.Equal("Invalid schema type for ByteArrayConverter: STRING", Assert.Throws<DataException>(() => converter.FromConnectData("t", null, Schema.String, bytes)).Message);
        Assert.StartsWith("ByteArrayConverter is not compatible with objects of type System.String", Assert.Throws<DataException>(() => converter.FromConnectData("t", null, null, "x")).Message);
    }

    [Fact]
    public void StringConverterWritesJavaTextInTheConfiguredCharset()
    {
        var converter = new StringConverter();
        converter.Configure(new Dictionary<string, string>(), isKey: false);
        Assert.Equal("héllo", Encoding.UTF8.GetString(converter.FromConnectData("t", null, Schema.String, "héllo")!));
        Assert.Equal("1.0E10", Encoding.UTF8.GetString(converter.FromConnectData("t", null, null, 1e10)!));
        Assert.Equal("true", Encoding.UTF8.GetString(converter.FromConnectData("t", null, null, true)!));
        Assert.Equal(new SchemaAndValue(Schema.OptionalString, "héllo"), converter.ToConnectData("t", null, Encoding.UTF8.GetBytes("héllo")));
        Assert.Null(converter.FromConnectData("t", null, Schema.OptionalString, null));
        converter.Configure(new Dictionary<string, string> { ["converter.encoding"] = "UTF-16" }, isKey: false);
        Assert.Equal(new byte[] { 0xFE, 0xFF, 0, (byte)'a' }, converter.FromConnectData("t", null, null, "a"));
        Assert.Equal("a", converter.ToConnectData("t", null, [0xFE, 0xFF, 0, (byte)'a']).Value);
        converter.Configure(new Dictionary<string, string> { ["converter.encoding"] = "ISO-8859-1" }, isKey: true);
        Assert.Equal(new byte[] { 0xE9 }, converter.FromConnectData("t", null, null, "é"));
    }

    /// <summary>The source path's in-place form writes the same bytes as the array form, appending to what the buffer holds.</summary>
    [Theory]
    [InlineData("UTF-8")]
    [InlineData("UTF-16")]
    [InlineData("ISO-8859-1")]
    public void StringConverterWritesTheSameBytesIntoABuffer(string encoding)
    {
        IConverter converter = new StringConverter();
        converter.Configure(new Dictionary<string, string> { ["converter.encoding"] = encoding }, isKey: false);
        foreach (var value in new object[] { "héllo", "", 1e10, true, new string('x', 5000) })
        {
            var output = new ArrayBufferWriter<byte>();
            output.Write<byte>([7]);
            var expected = converter.FromConnectData("t", null, null, value)!;
            Assert.Equal(expected.Length, converter.FromConnectData("t", null, null, value, output));
            Assert.Equal([7, .. expected], output.WrittenSpan.ToArray());
        }
        Assert.Equal(-1, converter.FromConnectData("t", null, Schema.OptionalString, null, new ArrayBufferWriter<byte>()));
    }

    /// <summary>A converter without its own in-place form gets the interface's default, which copies the array form.</summary>
    [Fact]
    public void DefaultInPlaceFormCopiesTheArrayForm()
    {
        IConverter converter = new LongConverter();
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(8, converter.FromConnectData("t", null, Schema.Int64, 12345L, output));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0x30, 0x39 }, output.WrittenSpan.ToArray());
        Assert.Equal(-1, converter.FromConnectData("t", null, Schema.OptionalInt64, null, output));
        Assert.Equal(8, output.WrittenCount);
    }

    [Fact]
    public void ConverterConfigValidatesTheType()
    {
        var error = Assert.Throws<ConfigException>(() => new StringConverter().Configure(new Dictionary<string, string> { ["converter.type"] = "other" }));
        Assert.Equal("Invalid value other for configuration converter.type: String must be one of: key, value, header", error.Message);
    }
}

/// <summary>SimpleHeaderConverter over Kafka's Values parsing (cases after Kafka's SimpleHeaderConverterTest and ValuesTest).</summary>
public class SimpleHeaderConverterTests
{
    private static readonly SimpleHeaderConverter Converter = new();

    private static SchemaAndValue Parse(string text) => Converter.ToConnectHeader("t", "h", Encoding.UTF8.GetBytes(text));

    [Fact]
    public void ScalarsAreInferred()
    {
        Assert.Equal(new SchemaAndValue(Schema.Boolean, true), Parse("true"));
        Assert.Equal(new SchemaAndValue(Schema.Int8, (sbyte)12), Parse("12"));
        Assert.Equal(new SchemaAndValue(Schema.Int8, (sbyte)-12), Parse("-12"));
        Assert.Equal(new SchemaAndValue(Schema.Int16, (short)300), Parse("300"));
        Assert.Equal(new SchemaAndValue(Schema.Int32, 70000), Parse("70000"));
        Assert.Equal(new SchemaAndValue(Schema.Int64, 5000000000L), Parse("5000000000"));
        Assert.Equal(new SchemaAndValue(Schema.Int8, (sbyte)1), Parse("1.0"));
        Assert.Equal(new SchemaAndValue(Schema.Float32, 1.5f), Parse("1.5"));
        Assert.Equal(new SchemaAndValue(Schema.Float64, 1e300), Parse("1e300"));
        var big = Parse("1e400");
        Assert.Equal(Data.Decimal.LogicalName, big.Schema!.Name);
        Assert.Equal(new SchemaAndValue(Schema.String, "hello world"), Parse("hello world"));
        Assert.Equal(new SchemaAndValue(Schema.String, ""), Parse(""));
        Assert.Equal(SchemaAndValue.Null, Converter.ToConnectHeader("t", "h", null));
    }

    [Fact]
    public void TemporalLiterals()
    {
        Assert.Equal(new SchemaAndValue(Data.Date.Schema, new DateTime(2020, 1, 15, 0, 0, 0, DateTimeKind.Utc)), Parse("2020-01-15"));
        Assert.Equal(new SchemaAndValue(Data.Time.Schema, DateTime.UnixEpoch.AddMilliseconds(45296789)), Parse("12:34:56.789Z"));
        Assert.Equal(new SchemaAndValue(Data.Timestamp.Schema, new DateTime(2020, 1, 15, 12, 34, 56, 789, DateTimeKind.Utc)), Parse("2020-01-15T12:34:56.789Z"));
    }

    [Fact]
    public void ArraysAndMapsWithCommonSchemas()
    {
        var ints = Parse("[1, 2, 3]");
        Assert.Equal(SchemaBuilder.Array(Schema.Int8).Build(), ints.Schema);
        Assert.Equal(new List<object?> { (sbyte)1, (sbyte)2, (sbyte)3 }, (IList)ints.Value!);
        var widened = Parse("[1,300]");
        Assert.Equal(SchemaBuilder.Array(Schema.Int16).Build(), widened.Schema);
        Assert.Equal(new List<object?> { (short)1, (short)300 }, (IList)widened.Value!);
        var map = Parse("{\"a\":1,\"b\":2}");
        Assert.Equal(SchemaBuilder.Map(Schema.String, Schema.Int8).Build(), map.Schema);
        Assert.True(ValueEquality.Equal(new Dictionary<object, object?> { ["a"] = (sbyte)1, ["b"] = (sbyte)2 }, map.Value));
        var strings = Parse("[\"a\",\"b,c\"]");
        Assert.Equal(new List<object?> { "a", "b,c" }, (IList)strings.Value!);
        // Unquoted text in a list is not a value: the whole header stays a string.
        Assert.Equal(new SchemaAndValue(Schema.String, "[a,b]"), Parse("[a,b]"));
        Assert.Equal(new SchemaAndValue(Schema.String, "[1,2"), Parse("[1,2"));
    }

    [Fact]
    public void ValuesAreWrittenAsTextTheParserReadsBack()
    {
        string Write(Schema? schema, object value) => Encoding.UTF8.GetString(Converter.FromConnectHeader("t", "h", schema, value)!);
        Assert.Equal("hello", Write(Schema.String, "hello"));
        Assert.Equal("1.5", Write(Schema.Float64, 1.5));
        Assert.Equal("[1,2,3]", Write(null, new List<int> { 1, 2, 3 }));
        Assert.Equal("{\"a\":1,\"b\":\"x\\\"y\"}", Write(null, new Dictionary<string, object> { ["a"] = 1, ["b"] = "x\"y" }));
        Assert.Equal("2020-01-15", Write(Data.Date.Schema, new DateTime(2020, 1, 15, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("2020-01-15T12:34:56.789Z", Write(Data.Timestamp.Schema, new DateTime(2020, 1, 15, 12, 34, 56, 789, DateTimeKind.Utc)));
        Assert.Equal("AQI=", Write(Schema.Bytes, new byte[] { 1, 2 }));
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32).Field("b", Schema.String).Build();
        Assert.Equal("{\"a\":1,\"b\":\"x\"}", Write(schema, new Struct(schema).Put("a", 1).Put("b", "x")));
        Assert.Null(Converter.FromConnectHeader("t", "h", null, null));
    }

    [Fact]
    public void UndecodableBytesStayBytes()
    {
        var bytes = new byte[] { 0xFF, 0xFE, 0x00 };
        Assert.Equal(new SchemaAndValue(Schema.Bytes, bytes), Converter.ToConnectHeader("t", "h", bytes));
    }
}
