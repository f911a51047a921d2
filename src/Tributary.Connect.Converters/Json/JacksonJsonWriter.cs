using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Tributary.Connect.Data;

namespace Tributary.Connect.Json;

/// <summary>
/// Writes compact JSON into a reusable buffer exactly as Kafka's JsonSerializer (Jackson's UTF8JsonGenerator with its
/// default features) does, so the bytes match Apache Kafka's: no whitespace; strings escape <c>"</c> and <c>\</c>, the
/// control characters as <c>\b \t \n \f \r</c> or <c>\u00XX</c> (upper-case hex), and every UTF-16 surrogate as its
/// own <c>\uXXXX</c> escape (Jackson does not combine pairs), everything else raw UTF-8; <c>/</c> and DEL are not
/// escaped; doubles and floats as Java's <c>Double.toString</c>/<c>Float.toString</c>, non-finite ones as the strings
/// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>; big decimals as Java's <c>BigDecimal.toString</c>; binary as
/// padded standard base64 without line breaks. Commas are placed by the writer. One instance per thread; reuse it
/// with <see cref="Reset"/> to keep writing allocation-free.
/// </summary>
public sealed class JacksonJsonWriter : IDisposable
{
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~\u007f");

    private static readonly byte[] HexDigits = "0123456789ABCDEF"u8.ToArray();

    private byte[] _buffer;
    private int _length;
    private bool _needsComma;

    public JacksonJsonWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Reset()
    {
        _length = 0;
        _needsComma = false;
    }

    public byte[] ToArray() => Written.ToArray();

    public void WriteStartObject()
    {
        Separate();
        Append((byte)'{');
        _needsComma = false;
    }

    public void WriteEndObject()
    {
        Append((byte)'}');
        _needsComma = true;
    }

    public void WriteStartArray()
    {
        Separate();
        Append((byte)'[');
        _needsComma = false;
    }

    public void WriteEndArray()
    {
        Append((byte)']');
        _needsComma = true;
    }

    public void WritePropertyName(string name)
    {
        Separate();
        WriteQuoted(name);
        Append((byte)':');
        _needsComma = false;
    }

    /// <summary>A property name given as its already escaped UTF-8 text without quotes.</summary>
    public void WritePropertyNameEscaped(ReadOnlySpan<byte> escapedUtf8)
    {
        Separate();
        var span = Grow(escapedUtf8.Length + 3);
        span[0] = (byte)'"';
        escapedUtf8.CopyTo(span[1..]);
        span[escapedUtf8.Length + 1] = (byte)'"';
        span[escapedUtf8.Length + 2] = (byte)':';
        _length += escapedUtf8.Length + 3;
        _needsComma = false;
    }

    public void WriteString(string value)
    {
        Separate();
        WriteQuoted(value);
        _needsComma = true;
    }

    public void WriteNull() => WriteRawValue("null"u8);

    public void WriteBoolean(bool value) => WriteRawValue(value ? "true"u8 : "false"u8);

    public void WriteNumber(long value)
    {
        Separate();
        Utf8Formatter.TryFormat(value, Grow(20), out var written);
        _length += written;
        _needsComma = true;
    }

    public void WriteNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            WriteString(JavaNumberText.Format(value));
            return;
        }
        Span<char> text = stackalloc char[JavaNumberText.MaxLength];
        WriteAsciiValue(text[..JavaNumberText.Format(value, text)]);
    }

    public void WriteNumber(float value)
    {
        if (!float.IsFinite(value))
        {
            WriteString(JavaNumberText.Format(value));
            return;
        }
        Span<char> text = stackalloc char[JavaNumberText.MaxLength];
        WriteAsciiValue(text[..JavaNumberText.Format(value, text)]);
    }

    /// <summary>Java's <c>BigDecimal.toString</c> as a JSON number (Jackson's exact DecimalNode).</summary>
    public void WriteNumber(BigDecimal value) => WriteAsciiValue(value.ToString());

    public void WriteBase64(ReadOnlySpan<byte> bytes)
    {
        Separate();
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        var span = Grow(encodedLength + 2);
        span[0] = (byte)'"';
        Base64.EncodeToUtf8(bytes, span[1..], out _, out var written);
        span[written + 1] = (byte)'"';
        _length += written + 2;
        _needsComma = true;
    }

    /// <summary>A complete JSON value given as its bytes (a cached schema, a pre-rendered default).</summary>
    public void WriteRawValue(ReadOnlySpan<byte> json)
    {
        Separate();
        json.CopyTo(Grow(json.Length));
        _length += json.Length;
        _needsComma = true;
    }

    /// <summary>Appends bytes with no separator logic (used to splice cached object text).</summary>
    public void AppendRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Grow(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Drops the last <paramref name="count"/> bytes written (to reopen a cached object before its closing brace).</summary>
    public void Truncate(int count) => _length -= count;

    /// <summary>Marks that the next value or property needs a comma before it (after spliced raw text).</summary>
    public void MarkValueWritten() => _needsComma = true;

    /// <summary>The escaped UTF-8 form of <paramref name="text"/> without quotes (for precomputed property names).</summary>
    public static byte[] EscapeToUtf8(string text)
    {
        using var writer = new JacksonJsonWriter(text.Length * 3 + 8);
        writer.WriteQuoted(text);
        return writer.Written[1..^1].ToArray();
    }

    /// <summary>Compact JSON text of a value written by <paramref name="write"/> (cold paths, tests).</summary>
    public static byte[] Render(Action<JacksonJsonWriter> write)
    {
        using var writer = new JacksonJsonWriter();
        write(writer);
        return writer.ToArray();
    }

    private void WriteAsciiValue(ReadOnlySpan<char> text)
    {
        Separate();
        var span = Grow(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }
        _length += text.Length;
        _needsComma = true;
    }

    private void WriteQuoted(string value)
    {
        Append((byte)'"');
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            var special = rest.IndexOfAnyExcept(PlainAscii);
            var plain = special < 0 ? rest : rest[..special];
            if (!plain.IsEmpty)
            {
                var span = Grow(plain.Length);
                Ascii.FromUtf16(plain, span, out _);
                _length += plain.Length;
            }
            if (special < 0)
            {
                break;
            }
            WriteSpecial(rest[special]);
            rest = rest[(special + 1)..];
        }
        Append((byte)'"');
    }

    private void WriteSpecial(char c)
    {
        switch (c)
        {
            case '"':
                AppendPair('\\', '"');
                return;
            case '\\':
                AppendPair('\\', '\\');
                return;
            case '\b':
                AppendPair('\\', 'b');
                return;
            case '\t':
                AppendPair('\\', 't');
                return;
            case '\n':
                AppendPair('\\', 'n');
                return;
            case '\f':
                AppendPair('\\', 'f');
                return;
            case '\r':
                AppendPair('\\', 'r');
                return;
        }
        if (c < 0x20 || char.IsSurrogate(c))
        {
            var span = Grow(6);
            span[0] = (byte)'\\';
            span[1] = (byte)'u';
            span[2] = HexDigits[(c >> 12) & 0xF];
            span[3] = HexDigits[(c >> 8) & 0xF];
            span[4] = HexDigits[(c >> 4) & 0xF];
            span[5] = HexDigits[c & 0xF];
            _length += 6;
            return;
        }
        var target = Grow(3);
        if (c < 0x800)
        {
            target[0] = (byte)(0xC0 | (c >> 6));
            target[1] = (byte)(0x80 | (c & 0x3F));
            _length += 2;
            return;
        }
        target[0] = (byte)(0xE0 | (c >> 12));
        target[1] = (byte)(0x80 | ((c >> 6) & 0x3F));
        target[2] = (byte)(0x80 | (c & 0x3F));
        _length += 3;
    }

    private void AppendPair(char first, char second)
    {
        var span = Grow(2);
        span[0] = (byte)first;
        span[1] = (byte)second;
        _length += 2;
    }

    private void Separate()
    {
        if (_needsComma)
        {
            Append((byte)',');
        }
    }

    private void Append(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = value;
    }

    private Span<byte> Grow(int needed)
    {
        if (_buffer.Length - _length < needed)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return _buffer.AsSpan(_length);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }
    }
}
