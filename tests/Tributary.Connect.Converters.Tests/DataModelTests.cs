using System.Numerics;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectTime = Tributary.Connect.Data.Time;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;

namespace Tributary.Connect.Converters.Tests;

/// <summary>The connector API's data model: schema building rules, struct validation, BigDecimal as Java's, logical types.</summary>
public class DataModelTests
{
    [Fact]
    public void SchemaBuilderRules()
    {
        var builder = SchemaBuilder.Int32().Name("a");
        Assert.Equal("Invalid SchemaBuilder call: name has already been set.", Assert.Throws<SchemaBuilderException>(() => builder.Name("b")).Message);
        var fields = SchemaBuilder.Struct().Field("x", Schema.Int32);
        Assert.Equal("Cannot create field because of field name duplication x", Assert.Throws<SchemaBuilderException>(() => fields.Field("x", Schema.String)).Message);
        Assert.Equal("Cannot create fields on type INT32", Assert.Throws<SchemaBuilderException>(() => SchemaBuilder.Int32().Field("x", Schema.Int32)).Message);
        Assert.StartsWith("Invalid default value", Assert.Throws<SchemaBuilderException>(() => SchemaBuilder.Int32().DefaultValue("x")).Message);
        Assert.Equal(SchemaBuilder.Struct().Field("x", Schema.Int32).Build(), SchemaBuilder.Struct().Field("x", Schema.Int32).Build());
        Assert.NotEqual(SchemaBuilder.Struct().Field("x", Schema.Int32).Build(), SchemaBuilder.Struct().Field("x", Schema.Int64).Build());
        Assert.Equal(ConnectDecimal.Schema(2), SchemaBuilder.From(ConnectDecimal.Schema(2)).Build());
    }

    [Fact]
    public void StructValidation()
    {
        var schema = SchemaBuilder.Struct().Field("id", Schema.Int32).Field("name", Schema.OptionalString)
            .Field("n", SchemaBuilder.Int32().DefaultValue(7).Build()).Build();
        var value = new Struct(schema);
        Assert.Throws<DataException>(() => value.Put("id", "not an int"));
        Assert.Equal("missing is not a valid field name", Assert.Throws<DataException>(() => value.Put("missing", 1)).Message);
        Assert.Throws<DataException>(() => value.Validate());
        value.Put("id", 1);
        value.Validate();
        Assert.Equal(7, value.Get("n"));
        Assert.Null(value.GetWithoutDefault("n"));
        Assert.Equal("Struct{id=1}", value.ToString());
    }

    [Theory]
    [InlineData("123.45", 12345, 2, "123.45", "123.45")]
    [InlineData("-12.340", -12340, 3, "-12.340", "-12.340")]
    [InlineData("1E+3", 1, -3, "1E+3", "1000")]
    [InlineData("0.000001", 1, 6, "0.000001", "0.000001")]
    [InlineData("0.0000001", 1, 7, "1E-7", "0.0000001")]
    [InlineData("12E-10", 12, 10, "1.2E-9", "0.0000000012")]
    [InlineData("0", 0, 0, "0", "0")]
    [InlineData("0E+2", 0, -2, "0E+2", "0")]
    public void BigDecimalParsesAndFormatsAsJava(string text, long unscaled, int scale, string javaToString, string plain)
    {
        var value = BigDecimal.Parse(text);
        Assert.Equal(new BigInteger(unscaled), value.Unscaled);
        Assert.Equal(scale, value.Scale);
        Assert.Equal(javaToString, value.ToString());
        Assert.Equal(plain, value.ToPlainString());
    }

    [Fact]
    public void BigDecimalEqualityIsJavas()
    {
        Assert.NotEqual(BigDecimal.Parse("1.0"), BigDecimal.Parse("1.00"));
        Assert.Equal(0, BigDecimal.Parse("1.0").CompareTo(BigDecimal.Parse("1.00")));
        Assert.Equal(BigDecimal.Parse("1.25"), BigDecimal.Parse("1.245").SetScale(2));
    }

    [Fact]
    public void LogicalTypeConversions()
    {
        Assert.Equal(-1, ConnectDate.FromLogical(ConnectDate.Schema, new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc), ConnectDate.ToLogical(ConnectDate.Schema, -25567));
        Assert.Equal("Kafka Connect Date type should not have any time fields set to non-zero values.",
            Assert.Throws<DataException>(() => ConnectDate.FromLogical(ConnectDate.Schema, new DateTime(2020, 1, 1, 1, 0, 0, DateTimeKind.Utc))).Message);
        Assert.Equal(45296789, ConnectTime.FromLogical(ConnectTime.Schema, DateTime.UnixEpoch.AddMilliseconds(45296789)));
        Assert.Equal(-1L, ConnectTimestamp.FromLogical(ConnectTimestamp.Schema, new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc)));
        Assert.Equal(new byte[] { 0x00, 0x9C }, ConnectDecimal.FromLogical(ConnectDecimal.Schema(2), new BigDecimal(156, 2)));
        Assert.Equal(new BigDecimal(-1, 2), ConnectDecimal.ToLogical(ConnectDecimal.Schema(2), [0xFF]));
        Assert.Equal("BigDecimal has mismatching scale value for given Decimal schema",
            Assert.Throws<DataException>(() => ConnectDecimal.FromLogical(ConnectDecimal.Schema(2), new BigDecimal(1, 3))).Message);
    }
}
