using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using static Tributary.Connect.Transforms.Tests.Records;

namespace Tributary.Connect.Transforms.Tests;

public class CastAndTimestampTests
{
    [Fact]
    public void CastWholeValueToString()
    {
        // Confluent's Cast page shows 63521704.02 → "63521704.02"; Java's Double.toString gives "6.352170402E7" for a
        // FLOAT64 of that size (≥ 10^7), which is what Kafka's Cast (value.toString()) produces.
        var cast = Configured<Cast.Value>(("spec", "string"));
        Assert.Equal("6.352170402E7", cast.Apply(SinkRecordOf(Schema.Float64, 63521704.02))!.Value);
        Assert.Equal(Schema.String, cast.Apply(SinkRecordOf(Schema.Float64, 63521704.02))!.ValueSchema);
        Assert.Equal("1234.5", cast.Apply(SinkRecordOf(null, 1234.5))!.Value);
    }

    [Fact]
    public void CastFieldsOfMapsAndStructs()
    {
        // Confluent's Cast page: spec=ID:string,score:float64; {"ID":46920,"score":4761} → {"ID":"46920","score":4761.0}.
        var cast = Configured<Cast.Value>(("spec", "ID:string,score:float64"));
        Assert.True(ValueEquality.Equal(Map(("ID", "46920"), ("score", 4761.0)), cast.Apply(SinkRecordOf(null, Map(("ID", 46920L), ("score", 4761L))))!.Value));
        var schema = SchemaBuilder.Struct().Field("ID", Schema.Int32).Field("score", Schema.OptionalInt32).Field("other", Schema.String).Build();
        var result = cast.Apply(SinkRecordOf(schema, new Struct(schema).Put("ID", 46920).Put("score", 4761).Put("other", "x")))!;
        Assert.Equal(Schema.String, result.ValueSchema!.Field("ID")!.Schema);
        Assert.Equal(Schema.OptionalFloat64, result.ValueSchema.Field("score")!.Schema);
        Assert.Equal("46920", ((Struct)result.Value!).Get("ID"));
        Assert.Equal(4761.0, ((Struct)result.Value!).Get("score"));
    }

    [Fact]
    public void CastNarrowsAndParsesAsJava()
    {
        // Kafka CastTest: castWholeRecordValueWithSchemaInt8 etc.
        Assert.Equal((sbyte)42, Configured<Cast.Value>(("spec", "int8")).Apply(SinkRecordOf(Schema.Int32, 42))!.Value);
        Assert.Equal((sbyte)-1, Configured<Cast.Value>(("spec", "int8")).Apply(SinkRecordOf(Schema.Int32, 255))!.Value);
        Assert.Equal(42, Configured<Cast.Value>(("spec", "int32")).Apply(SinkRecordOf(Schema.Float64, 42.9))!.Value);
        Assert.Equal(int.MaxValue, Configured<Cast.Value>(("spec", "int32")).Apply(SinkRecordOf(Schema.Float64, 1e20))!.Value);
        Assert.Equal(true, Configured<Cast.Value>(("spec", "boolean")).Apply(SinkRecordOf(Schema.Int32, 42))!.Value);
        Assert.Equal(false, Configured<Cast.Value>(("spec", "boolean")).Apply(SinkRecordOf(Schema.String, "yes"))!.Value);
        Assert.Equal(42L, Configured<Cast.Value>(("spec", "int64")).Apply(SinkRecordOf(Schema.String, "42"))!.Value);
        Assert.Equal(1.5f, Configured<Cast.Value>(("spec", "float32")).Apply(SinkRecordOf(null, "1.5"))!.Value);
        // Logical types: a Date casts to its day number, and to ISO text for string; decimals by value.
        var date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(18262, Configured<Cast.Value>(("spec", "int32")).Apply(SinkRecordOf(Date.Schema, date))!.Value);
        Assert.Equal("2020-01-01", Configured<Cast.Value>(("spec", "string")).Apply(SinkRecordOf(Date.Schema, date))!.Value);
        Assert.Equal("1234.56", Configured<Cast.Value>(("spec", "string")).Apply(SinkRecordOf(Data.Decimal.Schema(2), new BigDecimal(123456, 2)))!.Value);
        Assert.Equal(1234, Configured<Cast.Value>(("spec", "int32")).Apply(SinkRecordOf(Data.Decimal.Schema(2), new BigDecimal(123456, 2)))!.Value);
        // Bytes cast only to string (base64).
        Assert.Equal("AQI=", Configured<Cast.Value>(("spec", "string")).Apply(SinkRecordOf(Schema.Bytes, new byte[] { 1, 2 }))!.Value);
        Assert.Equal("Unexpected type in Cast transformation: [B",
            Assert.Throws<DataException>(() => Configured<Cast.Value>(("spec", "int32")).Apply(SinkRecordOf(Schema.Bytes, new byte[] { 1 }))).Message);
        Assert.StartsWith("Cast transformation does not support casting from STRUCT",
            Assert.Throws<DataException>(() => Configured<Cast.Value>(("spec", "string")).Apply(SinkRecordOf(SchemaBuilder.Struct().Build(), new Struct(SchemaBuilder.Struct().Build())))).Message);
    }

    [Fact]
    public void CastSpecValidation()
    {
        Assert.Equal("Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]",
            Assert.Throws<ConfigException>(() => Configured<Cast.Value>(("spec", "bytes"))).Message);
        Assert.Equal("Invalid type found in casting spec: foo", Assert.Throws<ConfigException>(() => Configured<Cast.Value>(("spec", "a:foo"))).Message);
        Assert.Equal("Cast transformations that specify a type to cast the entire value to may ony specify a single cast in their spec",
            Assert.Throws<ConfigException>(() => Configured<Cast.Value>(("spec", "int8,a:int32"))).Message);
        Assert.EndsWith("Must specify at least one field to cast.", Assert.Throws<ConfigException>(() => Configured<Cast.Value>(("spec", ""))).Message);
        Assert.Equal("Missing required configuration \"spec\" which has no default value.", Assert.Throws<ConfigException>(() => Configured<Cast.Value>()).Message);
    }

    [Fact]
    public void TimestampConverterBetweenRepresentations()
    {
        // Kafka TimestampConverterTest: 2017-01-01T00:00:00Z (1483228800000) and its date/time parts.
        var millis = 1483228800000L + 3_600_000 + 60_000 + 1_000 + 1; // 2017-01-01T01:01:01.001Z
        var instant = DateTime.UnixEpoch.AddMilliseconds(millis);
        var toString = Configured<TimestampConverter.Value>(("target.type", "string"), ("format", "yyyy MM dd HH mm ss SSS z"));
        Assert.Equal("2017 01 01 01 01 01 001 UTC", toString.Apply(SinkRecordOf(null, millis))!.Value);
        var fromString = Configured<TimestampConverter.Value>(("target.type", "unix"), ("format", "yyyy MM dd HH mm ss SSS z"));
        Assert.Equal(millis, fromString.Apply(SinkRecordOf(null, "2017 01 01 01 01 01 001 UTC"))!.Value);
        var toDate = Configured<TimestampConverter.Value>(("target.type", "Date"));
        var dateResult = toDate.Apply(SinkRecordOf(Timestamp.Schema, instant))!;
        Assert.Equal(Date.Schema, dateResult.ValueSchema);
        Assert.Equal(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc), dateResult.Value);
        var toTime = Configured<TimestampConverter.Value>(("target.type", "Time"));
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(3_661_001), toTime.Apply(SinkRecordOf(Timestamp.Schema, instant))!.Value);
        var toSeconds = Configured<TimestampConverter.Value>(("target.type", "unix"), ("unix.precision", "seconds"));
        Assert.Equal(millis / 1000, toSeconds.Apply(SinkRecordOf(Timestamp.Schema, instant))!.Value);
        var fromMicros = Configured<TimestampConverter.Value>(("target.type", "Timestamp"), ("unix.precision", "microseconds"));
        Assert.Equal(instant, fromMicros.Apply(SinkRecordOf(Schema.Int64, millis * 1000))!.Value);
        // A field of a struct (Confluent's TimestampConverter page: field=event_date_long → "yyyy-MM-dd" string).
        var schema = SchemaBuilder.Struct().Field("event_date_long", Schema.Int64).Field("other", Schema.String).Build();
        var field = Configured<TimestampConverter.Value>(("field", "event_date_long"), ("target.type", "string"), ("format", "yyyy-MM-dd"));
        var result = field.Apply(SinkRecordOf(schema, new Struct(schema).Put("event_date_long", 1559565600000L).Put("other", "x")))!;
        Assert.Equal(Schema.String, result.ValueSchema!.Field("event_date_long")!.Schema);
        Assert.Equal("2019-06-03", ((Struct)result.Value!).Get("event_date_long"));
        // Pre-epoch instants: the date is the day it falls in.
        Assert.Equal(new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc), toDate.Apply(SinkRecordOf(Timestamp.Schema, DateTime.UnixEpoch.AddMilliseconds(-1)))!.Value);
    }

    [Fact]
    public void TimestampConverterValidation()
    {
        Assert.Equal("TimestampConverter requires format option to be specified when using string timestamps",
            Assert.Throws<ConfigException>(() => Configured<TimestampConverter.Value>(("target.type", "string"))).Message);
        Assert.Equal("Invalid value foo for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp",
            Assert.Throws<ConfigException>(() => Configured<TimestampConverter.Value>(("target.type", "foo"))).Message);
        var parse = Configured<TimestampConverter.Value>(("target.type", "unix"), ("format", "yyyy-MM-dd"));
        Assert.Equal("Could not parse timestamp: value (not a date) does not match pattern (yyyy-MM-dd)",
            Assert.Throws<DataException>(() => parse.Apply(SinkRecordOf(null, "not a date"))).Message);
        Assert.Equal("TimestampConverter does not support java.lang.Integer objects as timestamps",
            Assert.Throws<DataException>(() => parse.Apply(SinkRecordOf(null, 42))).Message);
    }

    [Fact]
    public void TimestampRouterAppendsTheFormattedTimestamp()
    {
        // Kafka TimestampRouterTest: topic "test", timestamp 1483425001864 → "test-20170103".
        var router = Configured<TimestampRouter>();
        Assert.Equal("test-20170103", router.Apply(SinkRecordOf(null, null))!.Topic);
        var custom = Configured<TimestampRouter>(("topic.format", "${timestamp}_${topic}"), ("timestamp.format", "yyyy-MM-dd'T'HH"));
        Assert.Equal("2017-01-03T06_test", custom.Apply(SinkRecordOf(null, null))!.Topic);
        Assert.StartsWith("Timestamp missing on record:", Assert.Throws<DataException>(() => router.Apply(SinkRecordOf(null, null, timestamp: null))).Message);
    }

    [Theory]
    // Kafka RegexRouterTest.
    [InlineData("foo", "bar", "orig", "orig")]
    [InlineData("(.*)", "prefix-$1", "orig", "prefix-orig")]
    [InlineData("(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)", "$1", "index-20160117", "index")]
    [InlineData("(?<name>.*)-suffix", "${name}", "abc-suffix", "abc")]
    [InlineData("(.*)", "\\$$1", "orig", "$orig")]
    public void RegexRouterRewritesWholeMatches(string regex, string replacement, string topic, string expected)
    {
        var router = Configured<RegexRouter>(("regex", regex), ("replacement", replacement));
        Assert.Equal(expected, router.Apply(SinkRecordOf(null, null, topic: topic))!.Topic);
    }

    [Fact]
    public void RegexRouterValidatesTheRegex()
    {
        Assert.StartsWith("Invalid value ( for configuration regex: Invalid regex:",
            Assert.Throws<ConfigException>(() => Configured<RegexRouter>(("regex", "("), ("replacement", "x"))).Message);
    }
}
