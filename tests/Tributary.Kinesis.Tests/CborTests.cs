using System.Buffers;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Aws.Cbor;

namespace Tributary.Kinesis.Tests;

/// <summary>
/// The CBOR codec against RFC 8949 Appendix A (every example that has a JSON form, plus the ones that must be
/// refused), AWS's deviations (tag 1 with integer milliseconds), golden request/response bytes of our own CBOR
/// client, and hostile input (every prefix and random bytes either transcode or fail with CborFormatException).
/// </summary>
public class CborTests
{
    private static string Transcode(string hex)
    {
        var json = new ArrayBufferWriter<byte>();
        CborJsonTranscoder.Transcode(Convert.FromHexString(hex), json);
        return System.Text.Encoding.UTF8.GetString(json.WrittenSpan);
    }

    private static string Encode(Action<CborWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new CborWriter(buffer));
        return Convert.ToHexStringLower(buffer.WrittenSpan);
    }

    // RFC 8949 Appendix A, Table 6: diagnostic notation → encoded bytes, here with the JSON our transcoder gives.
    [Theory]
    [InlineData("00", "0")]
    [InlineData("01", "1")]
    [InlineData("0a", "10")]
    [InlineData("17", "23")]
    [InlineData("1818", "24")]
    [InlineData("1819", "25")]
    [InlineData("1864", "100")]
    [InlineData("1903e8", "1000")]
    [InlineData("1a000f4240", "1000000")]
    [InlineData("1b000000e8d4a51000", "1000000000000")]
    [InlineData("1bffffffffffffffff", "18446744073709551615")]
    [InlineData("3bffffffffffffffff", "-18446744073709551616")]
    [InlineData("20", "-1")]
    [InlineData("29", "-10")]
    [InlineData("3863", "-100")]
    [InlineData("3903e7", "-1000")]
    [InlineData("f4", "false")]
    [InlineData("f5", "true")]
    [InlineData("f6", "null")]
    [InlineData("f7", "null")]
    [InlineData("40", "\"\"")]
    [InlineData("4401020304", "\"AQIDBA==\"")]
    [InlineData("60", "\"\"")]
    [InlineData("6161", "\"a\"")]
    [InlineData("6449455446", "\"IETF\"")]
    [InlineData("62225c", "\"\\\"\\\\\"")]
    [InlineData("62c3bc", "\"ü\"")]
    [InlineData("63e6b0b4", "\"水\"")]
    [InlineData("80", "[]")]
    [InlineData("83010203", "[1,2,3]")]
    [InlineData("8301820203820405", "[1,[2,3],[4,5]]")]
    [InlineData("98190102030405060708090a0b0c0d0e0f101112131415161718181819", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]")]
    [InlineData("a0", "{}")]
    [InlineData("a26161016162820203", "{\"a\":1,\"b\":[2,3]}")]
    [InlineData("826161a161626163", "[\"a\",{\"b\":\"c\"}]")]
    [InlineData("a56161614161626142616361436164614461656145", "{\"a\":\"A\",\"b\":\"B\",\"c\":\"C\",\"d\":\"D\",\"e\":\"E\"}")]
    [InlineData("5f42010243030405ff", "\"AQIDBAU=\"")]
    [InlineData("7f657374726561646d696e67ff", "\"streaming\"")]
    [InlineData("9fff", "[]")]
    [InlineData("9f018202039f0405ffff", "[1,[2,3],[4,5]]")]
    [InlineData("9f01820203820405ff", "[1,[2,3],[4,5]]")]
    [InlineData("83018202039f0405ff", "[1,[2,3],[4,5]]")]
    [InlineData("83019f0203ff820405", "[1,[2,3],[4,5]]")]
    [InlineData("bf61610161629f0203ffff", "{\"a\":1,\"b\":[2,3]}")]
    [InlineData("826161bf61626163ff", "[\"a\",{\"b\":\"c\"}]")]
    [InlineData("bf6346756ef563416d7421ff", "{\"Fun\":true,\"Amt\":-2}")]
    public void Rfc8949_examples_transcode_to_json(string hex, string json) => Assert.Equal(json, Transcode(hex));

    [Theory]
    [InlineData("f90000", 0.0)]
    [InlineData("f98000", -0.0)]
    [InlineData("f93c00", 1.0)]
    [InlineData("fb3ff199999999999a", 1.1)]
    [InlineData("f93e00", 1.5)]
    [InlineData("f97bff", 65504.0)]
    [InlineData("fa47c35000", 100000.0)]
    [InlineData("fa7f7fffff", 3.4028234663852886e+38)]
    [InlineData("fb7e37e43c8800759c", 1.0e+300)]
    [InlineData("f90001", 5.960464477539063e-8)]
    [InlineData("f90400", 0.00006103515625)]
    [InlineData("f9c400", -4.0)]
    [InlineData("fbc010666666666666", -4.1)]
    public void Rfc8949_float_examples_keep_their_value(string hex, double value) =>
        Assert.Equal(value, JsonDocument.Parse(Transcode(hex)).RootElement.GetDouble());

    [Theory]
    [InlineData("f97c00")] // Infinity
    [InlineData("f97e00")] // NaN
    [InlineData("f9fc00")] // -Infinity
    [InlineData("fa7fc00000")] // NaN (single)
    [InlineData("a201020304")] // {1: 2, 3: 4}: keys that JSON cannot carry
    [InlineData("f0")] // simple(16)
    [InlineData("f820")] // simple(32)
    [InlineData("ff")] // a lone break
    [InlineData("1c")] // reserved additional information 28
    [InlineData("5f4101610262ff")] // an indefinite byte string with a text chunk
    [InlineData("62c328")] // invalid UTF-8
    [InlineData("0000")] // two items
    [InlineData("9f01")] // an unterminated indefinite array
    [InlineData("5a0000ffff00")] // a byte string longer than the body
    public void Input_without_a_json_form_or_malformed_is_refused(string hex) =>
        Assert.Throws<CborFormatException>(() => Transcode(hex));

    [Fact]
    public void Tag_1_integers_are_aws_epoch_milliseconds_and_floats_rfc_seconds()
    {
        // RFC 8949's 1(1363896240) is seconds; AWS's CBOR protocol sends milliseconds under tag 1, which wins here.
        Assert.Equal("1363896.24", Transcode("c11a514b67b0"));
        // 1(1363896240.5), a float: seconds, as the RFC says.
        Assert.Equal(1363896240.5, JsonDocument.Parse(Transcode("c1fb41d452d9ec200000")).RootElement.GetDouble());
        // 1709741776656 ms = 0x18E148D1F10: tag 1 (0xC1), uint64 head (0x1B), eight bytes.
        Assert.Equal("c11b0000018e148d1f10", Encode(w => w.WriteEpochMillisTimestamp(1709741776656)));
    }

    [Fact]
    public void Writer_produces_rfc8949_preferred_encodings()
    {
        Assert.Equal("00", Encode(w => w.WriteInt64(0)));
        Assert.Equal("17", Encode(w => w.WriteInt64(23)));
        Assert.Equal("1818", Encode(w => w.WriteInt64(24)));
        Assert.Equal("1903e8", Encode(w => w.WriteInt64(1000)));
        Assert.Equal("1a000f4240", Encode(w => w.WriteInt64(1000000)));
        Assert.Equal("1b000000e8d4a51000", Encode(w => w.WriteInt64(1000000000000)));
        Assert.Equal("1bffffffffffffffff", Encode(w => w.WriteUInt64(ulong.MaxValue)));
        Assert.Equal("20", Encode(w => w.WriteInt64(-1)));
        Assert.Equal("3903e7", Encode(w => w.WriteInt64(-1000)));
        Assert.Equal("3bffffffffffffffff".Length, Encode(w => w.WriteInt64(long.MinValue)).Length);
        Assert.Equal("fb3ff199999999999a", Encode(w => w.WriteDouble(1.1)));
        Assert.Equal("f4f5f6", Encode(w =>
        {
            w.WriteBoolean(false);
            w.WriteBoolean(true);
            w.WriteNull();
        }));
        Assert.Equal("60", Encode(w => w.WriteTextString("")));
        Assert.Equal("6449455446", Encode(w => w.WriteTextString("IETF")));
        Assert.Equal("62c3bc", Encode(w => w.WriteTextString("ü")));
        Assert.Equal("64f0908591", Encode(w => w.WriteTextString("\U00010151")));
        Assert.Equal("4401020304", Encode(w => w.WriteByteString([1, 2, 3, 4])));
        Assert.Equal("9fff", Encode(w =>
        {
            w.WriteStartIndefiniteArray();
            w.WriteBreak();
        }));
        Assert.Equal("bf6346756ef563416d7421ff", Encode(w =>
        {
            w.WriteStartIndefiniteMap();
            w.WriteTextString("Fun");
            w.WriteBoolean(true);
            w.WriteTextString("Amt");
            w.WriteInt64(-2);
            w.WriteBreak();
        }));
        Assert.Equal("a26161016162820203", Encode(w =>
        {
            w.WriteStartMap(2);
            w.WriteTextString("a");
            w.WriteInt64(1);
            w.WriteTextString("b");
            w.WriteStartArray(2);
            w.WriteInt64(2);
            w.WriteInt64(3);
        }));
    }

    /// <summary>A PutRecord body as our CBOR client (the tests' <see cref="CborWriter"/>) sends it, byte by byte.</summary>
    private static readonly byte[] GoldenPutRecordRequest =
    [
        0xBF, // map, indefinite length
        0x6A, .. "StreamName"u8, // text(10)
        0x62, .. "s1"u8, // text(2)
        0x64, .. "Data"u8, // text(4)
        0x43, 0x00, 0x01, 0xFF, // bytes(3): the record's data, raw (no base64 in CBOR)
        0x6C, .. "PartitionKey"u8, // text(12)
        0x61, .. "p"u8, // text(1)
        0xFF, // break
    ];

    [Fact]
    public void Golden_cbor_request_bytes_transcode_to_the_json_request()
    {
        Assert.Equal(GoldenPutRecordRequest, Convert.FromHexString(Encode(w =>
        {
            w.WriteStartIndefiniteMap();
            w.WriteTextString("StreamName");
            w.WriteTextString("s1");
            w.WriteTextString("Data");
            w.WriteByteString([0, 1, 0xFF]);
            w.WriteTextString("PartitionKey");
            w.WriteTextString("p");
            w.WriteBreak();
        })));
        Assert.Equal("{\"StreamName\":\"s1\",\"Data\":\"AAH/\",\"PartitionKey\":\"p\"}", Transcode(Convert.ToHexString(GoldenPutRecordRequest)));
    }

    [Fact]
    public void Golden_cbor_response_bytes_for_a_record()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = AwsResponseWriter.Create(AwsBodyFormat.Cbor, buffer);
        writer.WriteStartObject();
        writer.WriteStartArray("Records");
        writer.WriteStartObject();
        writer.WriteString("SequenceNumber", "1");
        writer.WriteTimestamp("ApproximateArrivalTimestamp", 1000);
        writer.WriteBlob("Data", [7]);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteNumber("MillisBehindLatest", 0);
        writer.WriteEndObject();
        writer.Flush();
        byte[] expected =
        [
            0xBF, // map, indefinite
            0x67, .. "Records"u8, 0x9F, // text(7), array, indefinite
            0xBF, // record map
            0x6E, .. "SequenceNumber"u8, 0x61, (byte)'1',
            0x78, 0x1B, .. "ApproximateArrivalTimestamp"u8, 0xC1, 0x19, 0x03, 0xE8, // text(27), tag 1, uint16 1000 (ms)
            0x64, .. "Data"u8, 0x41, 0x07, // bytes(1)
            0xFF, // end record
            0xFF, // end array
            0x72, .. "MillisBehindLatest"u8, 0x00,
            0xFF,
        ];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer.WrittenSpan));
        Assert.Equal("{\"Records\":[{\"SequenceNumber\":\"1\",\"ApproximateArrivalTimestamp\":1,\"Data\":\"Bw==\"}],\"MillisBehindLatest\":0}", Transcode(Convert.ToHexString(expected)));
    }

    [Fact]
    public void Every_prefix_and_random_input_transcodes_or_fails_with_a_typed_error()
    {
        var random = new Random(8949);
        var inputs = new List<byte[]>();
        for (var length = 0; length <= GoldenPutRecordRequest.Length; length++)
        {
            inputs.Add(GoldenPutRecordRequest[..length]);
        }
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            inputs.Add(bytes);
        }
        // Deep nesting must fail cleanly, not overflow the stack.
        inputs.Add([.. Enumerable.Repeat((byte)0x81, 100_000), 0x00]);
        foreach (var input in inputs)
        {
            try
            {
                CborJsonTranscoder.Transcode(input, new ArrayBufferWriter<byte>());
            }
            catch (CborFormatException)
            {
            }
        }
        Assert.Throws<CborFormatException>(() => CborJsonTranscoder.Transcode([.. Enumerable.Repeat((byte)0x81, 100_000), 0x00], new ArrayBufferWriter<byte>()));
    }
}
