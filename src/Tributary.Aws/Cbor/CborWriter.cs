using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Tributary.Aws.Cbor;

/// <summary>
/// Writes CBOR (RFC 8949) items into a buffer: the subset AWS's CBOR protocol uses. Maps and arrays are written
/// with indefinite length (0xBF/0x9F … 0xFF) so callers need not count members first; integers, strings and
/// byte strings use the shortest head (preferred serialization, RFC 8949 §4.1). Not thread-safe.
/// </summary>
public sealed class CborWriter(IBufferWriter<byte> output)
{
    private const byte Break = 0xFF;

    /// <summary>Major types (RFC 8949 §3.1), shifted into the top three bits.</summary>
    private const byte MajorUnsigned = 0 << 5, MajorNegative = 1 << 5, MajorBytes = 2 << 5, MajorText = 3 << 5, MajorArray = 4 << 5, MajorMap = 5 << 5, MajorTag = 6 << 5;

    public void WriteStartIndefiniteMap() => WriteByte(MajorMap | 31);

    public void WriteStartIndefiniteArray() => WriteByte(MajorArray | 31);

    public void WriteStartMap(int count) => WriteHead(MajorMap, (ulong)count);

    public void WriteStartArray(int count) => WriteHead(MajorArray, (ulong)count);

    /// <summary>Ends an indefinite-length map or array.</summary>
    public void WriteBreak() => WriteByte(Break);

    public void WriteInt64(long value)
    {
        if (value >= 0)
        {
            WriteHead(MajorUnsigned, (ulong)value);
        }
        else
        {
            // Negative integers are encoded as -1 - n (RFC 8949 §3.1, major type 1).
            WriteHead(MajorNegative, (ulong)(-1 - value));
        }
    }

    public void WriteUInt64(ulong value) => WriteHead(MajorUnsigned, value);

    public void WriteTextString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHead(MajorText, (ulong)length);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    /// <summary>Writes a text string from bytes the caller guarantees are valid UTF-8.</summary>
    public void WriteUtf8TextString(ReadOnlySpan<byte> utf8)
    {
        WriteHead(MajorText, (ulong)utf8.Length);
        output.Write(utf8);
    }

    public void WriteByteString(ReadOnlySpan<byte> value)
    {
        WriteHead(MajorBytes, (ulong)value.Length);
        output.Write(value);
    }

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xF5 : (byte)0xF4);

    public void WriteNull() => WriteByte(0xF6);

    public void WriteTag(ulong tag) => WriteHead(MajorTag, tag);

    /// <summary>A double as a 64-bit float (0xFB); AWS's CBOR parsers accept every float width.</summary>
    public void WriteDouble(double value)
    {
        var span = output.GetSpan(9);
        span[0] = 0xFB;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    /// <summary>
    /// A timestamp as AWS's CBOR protocol writes it: tag 1 (epoch-based date/time) followed by an integer
    /// number of <b>milliseconds</b> — AWS's deviation from RFC 8949, whose tag 1 counts seconds.
    /// </summary>
    public void WriteEpochMillisTimestamp(long epochMilliseconds)
    {
        WriteTag(1);
        WriteInt64(epochMilliseconds);
    }

    private void WriteByte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private void WriteHead(byte major, ulong argument)
    {
        var span = output.GetSpan(9);
        int length;
        if (argument < 24)
        {
            span[0] = (byte)(major | (byte)argument);
            length = 1;
        }
        else if (argument <= byte.MaxValue)
        {
            span[0] = (byte)(major | 24);
            span[1] = (byte)argument;
            length = 2;
        }
        else if (argument <= ushort.MaxValue)
        {
            span[0] = (byte)(major | 25);
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)argument);
            length = 3;
        }
        else if (argument <= uint.MaxValue)
        {
            span[0] = (byte)(major | 26);
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)argument);
            length = 5;
        }
        else
        {
            span[0] = (byte)(major | 27);
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], argument);
            length = 9;
        }
        output.Advance(length);
    }
}
