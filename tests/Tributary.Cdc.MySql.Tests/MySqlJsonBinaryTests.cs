using System.Text;
using Tributary.Cdc.MySql.Protocol;
using Tributary.Cdc.MySql.Values;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// MySQL's binary JSON to Debezium's JSON text, from byte vectors built by hand after MySQL's documented format
/// (json_binary.h): offsets count from the container's first byte (after its type byte), small containers use 16-bit
/// counts/sizes/offsets and inline literals and 16-bit integers, large ones 32-bit and inline 32-bit integers too.
/// No MySQL server runs here, so these vectors are the check.
/// </summary>
public sealed class MySqlJsonBinaryTests
{
    private static string Json(params byte[] document) => MySqlJsonBinary.ToJson(document);

    private static byte[] Le(long value, int bytes) => BitConverter.GetBytes(value)[..bytes];

    [Fact]
    public void A_small_object_with_an_inlined_integer_and_a_nested_small_array_of_literals()
    {
        byte[] document =
        [
            0x00,                   // small object
            0x02, 0x00, 0x1E, 0x00, // 2 members, 30 bytes
            0x12, 0x00, 0x01, 0x00, // key "a" at 18, 1 byte
            0x13, 0x00, 0x01, 0x00, // key "b" at 19
            0x05, 0x01, 0x00,       // a: int16 1, inline
            0x02, 0x14, 0x00,       // b: small array at 20
            0x61, 0x62,             // "a", "b"
            0x02, 0x00, 0x0A, 0x00, // array: 2 elements, 10 bytes
            0x04, 0x01, 0x00,       // true
            0x04, 0x00, 0x00,       // null
        ];
        Assert.Equal("""{"a":1,"b":[true,null]}""", Json(document));
    }

    [Fact]
    public void A_large_array_inlines_32_bit_integers_and_points_to_int64_double_and_string()
    {
        byte[] document =
        [
            0x03,                                   // large array
            .. Le(5, 4), .. Le(54, 4),              // 5 elements, 54 bytes
            0x07, .. Le(-5, 4),                     // int32 -5 inline
            0x08, .. Le(4_000_000_000, 4),          // uint32 inline
            0x09, .. Le(33, 4),                     // int64 at 33
            0x0B, .. Le(41, 4),                     // double at 41
            0x0C, .. Le(49, 4),                     // string at 49
            .. Le(-9_000_000_000, 8),
            .. BitConverter.GetBytes(1.5),
            0x04, 0x68, 0xC3, 0xA9, 0x22,           // 4 bytes: h é "
        ];
        Assert.Equal("""[-5,4000000000,-9000000000,1.5,"hé\""]""", Json(document));
    }

    [Fact]
    public void A_large_object_uses_32_bit_key_offsets()
    {
        byte[] document =
        [
            0x01,                                   // large object
            .. Le(1, 4), .. Le(21, 4),              // 1 member, 21 bytes
            .. Le(19, 4), 0x02, 0x00,               // key at 19, 2 bytes
            0x04, .. Le(2, 4),                      // false, inline
            0x6B, 0x31,                             // "k1"
        ];
        Assert.Equal("""{"k1":false}""", Json(document));
    }

    [Fact]
    public void Scalars_at_the_top_level()
    {
        Assert.Equal("-1", Json(0x05, 0xFF, 0xFF));
        Assert.Equal("65535", Json(0x06, 0xFF, 0xFF));
        Assert.Equal("18446744073709551615", Json([0x0A, .. Le(-1, 8)]));
        Assert.Equal("false", Json(0x04, 0x02));
        Assert.Equal("null", Json());
        Assert.Equal("3.0", Json([0x0B, .. BitConverter.GetBytes(3.0)]));
        // A 200-byte string: its length takes two bytes (0xC8 0x01 = 72 + 1×128).
        Assert.Equal('"' + new string('x', 200) + '"', Json([0x0C, 0xC8, 0x01, .. Enumerable.Repeat((byte)'x', 200)]));
        Assert.Equal("\"tab\\tnl\\nctl\\u0001\"", Json([0x0C, 0x0B, .. "tab\tnl\nctl\u0001"u8]));
    }

    [Fact]
    public void Opaque_decimal_date_time_datetime_and_other_types()
    {
        // DECIMAL(5,2) 123.45: precision, scale, then binary decimal (integer part 2 bytes, sign bit set, fraction 1 byte).
        Assert.Equal("123.45", Json(0x0F, 246, 0x05, 0x05, 0x02, 0x80, 0x7B, 0x2D));
        Assert.Equal("-123.45", Json(0x0F, 246, 0x05, 0x05, 0x02, 0x7F, 0x84, 0xD2));

        long ymd = ((2021 * 13) + 8) << 5 | 16;
        long hms = (10 << 12) | (11 << 6) | 12;
        var datetime = (((ymd << 17) | hms) << 24) + 123;
        Assert.Equal("\"2021-08-16 10:11:12.000123\"", Json([0x0F, 12, 0x08, .. Le(datetime, 8)]));
        Assert.Equal("\"2021-08-16 10:11:12.000123\"", Json([0x0F, 7, 0x08, .. Le(datetime, 8)]));
        Assert.Equal("\"2021-08-16\"", Json([0x0F, 10, 0x08, .. Le((ymd << 17) << 24, 8)]));
        long time = (((12L << 12) | (34 << 6) | 56) << 24) + 500_000;
        Assert.Equal("\"12:34:56.500000\"", Json([0x0F, 11, 0x08, .. Le(time, 8)]));
        Assert.Equal("\"-01:00:00.000000\"", Json([0x0F, 11, 0x08, .. Le(-((1L << 12) << 24), 8)]));
        Assert.Equal("\"base64:type15:YWI=\"", Json(0x0F, 15, 0x02, 0x61, 0x62));
    }

    [Fact]
    public void Malformed_documents_fail_with_a_binlog_error()
    {
        Assert.Throws<BinlogProtocolException>(() => Json(0x0D, 0x00));
        Assert.Throws<BinlogProtocolException>(() => Json(0x04, 0x07));
        Assert.Throws<BinlogProtocolException>(() => Json(0x00, 0x02, 0x00, 0x40, 0x00)); // size past the end
        Assert.Throws<BinlogProtocolException>(() => Json(0x0C, 0x05, 0x61));              // string cut short
        Assert.Throws<BinlogProtocolException>(() => Json(0x09, 0x01, 0x02));              // int64 cut short
        Assert.Throws<BinlogProtocolException>(() => Json(0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
    }

    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.001, "-0.001")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(1e7, "1.0E7")]
    [InlineData(12345678.9, "1.23456789E7")]
    [InlineData(1.5e-4, "1.5E-4")]
    [InlineData(1e21, "1.0E21")]
    [InlineData(-2.5e-10, "-2.5E-10")]
    [InlineData(0.0, "0.0")]
    public void Doubles_print_as_javas_double_to_string(double value, string expected)
    {
        var text = new StringBuilder();
        MySqlJsonBinary.AppendJavaDouble(text, value);
        Assert.Equal(expected, text.ToString());
    }
}
