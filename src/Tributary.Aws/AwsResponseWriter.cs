using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tributary.Aws.Cbor;

namespace Tributary.Aws;

/// <summary>
/// Writes a response body in the request's encoding. Handlers describe their output once — objects, arrays
/// and typed members (blob, timestamp) — and the JSON or CBOR implementation encodes it as AWS does. Members
/// written with a name belong to the enclosing object; the <c>...Value</c> forms are array elements.
/// Not thread-safe; one per request.
/// </summary>
public abstract class AwsResponseWriter
{
    public abstract void WriteStartObject();

    public abstract void WriteStartObject(string name);

    public abstract void WriteEndObject();

    public abstract void WriteStartArray(string name);

    public abstract void WriteEndArray();

    public abstract void WriteString(string name, string value);

    /// <summary>A string member from bytes the caller guarantees are valid UTF-8 (no transcoding on hot paths).</summary>
    public abstract void WriteUtf8String(string name, ReadOnlySpan<byte> utf8);

    public abstract void WriteStringValue(string value);

    public abstract void WriteNumber(string name, long value);

    /// <summary>A double member (Firehose's ORC fractions, for example).</summary>
    public abstract void WriteDouble(string name, double value);

    public abstract void WriteBoolean(string name, bool value);

    public abstract void WriteNull(string name);

    /// <summary>A blob: base64 in JSON, a byte string in CBOR.</summary>
    public abstract void WriteBlob(string name, ReadOnlySpan<byte> value);

    /// <summary>A timestamp: epoch seconds with a millisecond fraction in JSON, tag 1 + epoch milliseconds in CBOR.</summary>
    public abstract void WriteTimestamp(string name, long epochMilliseconds);

    public void WriteTimestamp(string name, DateTimeOffset value) => WriteTimestamp(name, value.ToUnixTimeMilliseconds());

    /// <summary>Completes the body (flushes buffered output).</summary>
    public abstract void Flush();

    public static AwsResponseWriter Create(AwsBodyFormat format, IBufferWriter<byte> output) =>
        format == AwsBodyFormat.Cbor ? new CborResponseWriter(output) : new JsonResponseWriter(output);
}

/// <summary>JSON 1.1 bodies through <see cref="Utf8JsonWriter"/>. '+' and '/' of base64 are not escaped.</summary>
public sealed class JsonResponseWriter(IBufferWriter<byte> output) : AwsResponseWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Utf8JsonWriter _writer = new(output, Options);

    public override void WriteStartObject() => _writer.WriteStartObject();

    public override void WriteStartObject(string name) => _writer.WriteStartObject(name);

    public override void WriteEndObject() => _writer.WriteEndObject();

    public override void WriteStartArray(string name) => _writer.WriteStartArray(name);

    public override void WriteEndArray() => _writer.WriteEndArray();

    public override void WriteString(string name, string value) => _writer.WriteString(name, value);

    public override void WriteUtf8String(string name, ReadOnlySpan<byte> utf8) => _writer.WriteString(name, utf8);

    public override void WriteStringValue(string value) => _writer.WriteStringValue(value);

    public override void WriteNumber(string name, long value) => _writer.WriteNumber(name, value);

    public override void WriteDouble(string name, double value) => _writer.WriteNumber(name, value);

    public override void WriteBoolean(string name, bool value) => _writer.WriteBoolean(name, value);

    public override void WriteNull(string name) => _writer.WriteNull(name);

    public override void WriteBlob(string name, ReadOnlySpan<byte> value) => _writer.WriteBase64String(name, value);

    // A plain decimal (1545084650.987): Java's JSON parser in the AWS SDK rejects exponent notation.
    public override void WriteTimestamp(string name, long epochMilliseconds) => _writer.WriteNumber(name, epochMilliseconds / 1000m);

    public override void Flush() => _writer.Flush();
}

/// <summary>CBOR 1.1 bodies: indefinite-length maps and arrays, byte-string blobs, tag-1 millisecond timestamps.</summary>
public sealed class CborResponseWriter(IBufferWriter<byte> output) : AwsResponseWriter
{
    private readonly CborWriter _writer = new(output);

    public override void WriteStartObject() => _writer.WriteStartIndefiniteMap();

    public override void WriteStartObject(string name)
    {
        _writer.WriteTextString(name);
        _writer.WriteStartIndefiniteMap();
    }

    public override void WriteEndObject() => _writer.WriteBreak();

    public override void WriteStartArray(string name)
    {
        _writer.WriteTextString(name);
        _writer.WriteStartIndefiniteArray();
    }

    public override void WriteEndArray() => _writer.WriteBreak();

    public override void WriteString(string name, string value)
    {
        _writer.WriteTextString(name);
        _writer.WriteTextString(value);
    }

    public override void WriteUtf8String(string name, ReadOnlySpan<byte> utf8)
    {
        _writer.WriteTextString(name);
        _writer.WriteUtf8TextString(utf8);
    }

    public override void WriteStringValue(string value) => _writer.WriteTextString(value);

    public override void WriteNumber(string name, long value)
    {
        _writer.WriteTextString(name);
        _writer.WriteInt64(value);
    }

    public override void WriteDouble(string name, double value)
    {
        _writer.WriteTextString(name);
        _writer.WriteDouble(value);
    }

    public override void WriteBoolean(string name, bool value)
    {
        _writer.WriteTextString(name);
        _writer.WriteBoolean(value);
    }

    public override void WriteNull(string name)
    {
        _writer.WriteTextString(name);
        _writer.WriteNull();
    }

    public override void WriteBlob(string name, ReadOnlySpan<byte> value)
    {
        _writer.WriteTextString(name);
        _writer.WriteByteString(value);
    }

    public override void WriteTimestamp(string name, long epochMilliseconds)
    {
        _writer.WriteTextString(name);
        _writer.WriteEpochMillisTimestamp(epochMilliseconds);
    }

    public override void Flush()
    {
    }
}
