using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Tributary.Aws.Cbor;

/// <summary>
/// Turns one CBOR data item (RFC 8949) into the JSON an AWS JSON-protocol handler expects, so request
/// handlers parse one format only: byte strings become base64 strings (AWS JSON blobs), tag 1 becomes epoch
/// seconds (an integer under tag 1 is AWS's epoch milliseconds; a float is RFC seconds), other tags are
/// dropped around their content, undefined becomes null. Refuses, with <see cref="CborFormatException"/>,
/// anything malformed or without a JSON form: truncated items, reserved additional-information values, map
/// keys that are not text, invalid UTF-8, NaN/infinity, a break outside an indefinite item, nesting deeper
/// than <see cref="MaxDepth"/>, bytes after the item. Stateless; thread-safe.
/// </summary>
public static class CborJsonTranscoder
{
    /// <summary>AWS request shapes nest a few levels; 64 bounds the recursion against hostile input.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>Transcodes <paramref name="cbor"/> (exactly one item) into JSON appended to <paramref name="json"/>.</summary>
    public static void Transcode(ReadOnlySpan<byte> cbor, IBufferWriter<byte> json)
    {
        using var writer = new Utf8JsonWriter(json, WriterOptions);
        var position = 0;
        using var scratch = new ScratchBuffer();
        WriteItem(cbor, ref position, writer, 0, scratch);
        if (position != cbor.Length)
        {
            throw new CborFormatException($"CBOR body has {cbor.Length - position} bytes after its data item (at byte {position}).");
        }
        writer.Flush();
    }

    private static void WriteItem(ReadOnlySpan<byte> cbor, ref int position, Utf8JsonWriter writer, int depth, ScratchBuffer scratch)
    {
        if (depth > MaxDepth)
        {
            throw new CborFormatException($"CBOR nesting deeper than {MaxDepth} levels at byte {position}.");
        }
        var start = position;
        var initial = ReadByte(cbor, ref position);
        var major = initial >> 5;
        var info = initial & 0x1F;
        switch (major)
        {
            case 0:
                writer.WriteNumberValue(ReadArgument(cbor, ref position, info, start));
                return;
            case 1:
                {
                    var argument = ReadArgument(cbor, ref position, info, start);
                    if (argument <= long.MaxValue)
                    {
                        writer.WriteNumberValue(-1 - (long)argument);
                    }
                    else
                    {
                        writer.WriteRawValue((-1 - (Int128)argument).ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                    }
                    return;
                }
            case 2:
                {
                    var bytes = ReadString(cbor, ref position, 2, info, start, scratch);
                    writer.WriteBase64StringValue(bytes);
                    return;
                }
            case 3:
                {
                    var text = ReadString(cbor, ref position, 3, info, start, scratch);
                    writer.WriteStringValue(text);
                    return;
                }
            case 4:
                if (info == 31)
                {
                    writer.WriteStartArray();
                    while (!TryReadBreak(cbor, ref position))
                    {
                        WriteItem(cbor, ref position, writer, depth + 1, scratch);
                    }
                }
                else
                {
                    var count = ReadLength(cbor, ref position, info, start);
                    writer.WriteStartArray();
                    for (var i = 0L; i < count; i++)
                    {
                        WriteItem(cbor, ref position, writer, depth + 1, scratch);
                    }
                }
                writer.WriteEndArray();
                return;
            case 5:
                writer.WriteStartObject();
                if (info == 31)
                {
                    while (!TryReadBreak(cbor, ref position))
                    {
                        WriteMember(cbor, ref position, writer, depth, scratch);
                    }
                }
                else
                {
                    var count = ReadLength(cbor, ref position, info, start);
                    for (var i = 0L; i < count; i++)
                    {
                        WriteMember(cbor, ref position, writer, depth, scratch);
                    }
                }
                writer.WriteEndObject();
                return;
            case 6:
                {
                    var tag = ReadArgument(cbor, ref position, info, start);
                    if (tag == 1)
                    {
                        WriteEpochTimestamp(cbor, ref position, writer, start);
                        return;
                    }
                    WriteItem(cbor, ref position, writer, depth + 1, scratch);
                    return;
                }
            default:
                WriteSimpleOrFloat(cbor, ref position, writer, info, start);
                return;
        }
    }

    private static void WriteMember(ReadOnlySpan<byte> cbor, ref int position, Utf8JsonWriter writer, int depth, ScratchBuffer scratch)
    {
        var keyStart = position;
        var initial = ReadByte(cbor, ref position);
        if (initial >> 5 != 3)
        {
            throw new CborFormatException($"CBOR map key at byte {keyStart} is not a text string (major type {initial >> 5}); AWS shapes have text keys only.");
        }
        var key = ReadString(cbor, ref position, 3, initial & 0x1F, keyStart, scratch);
        writer.WritePropertyName(key);
        WriteItem(cbor, ref position, writer, depth + 1, scratch);
    }

    /// <summary>Tag 1: an integer counts milliseconds (AWS), a float counts seconds (RFC 8949 §3.4.2). Written as JSON epoch seconds.</summary>
    private static void WriteEpochTimestamp(ReadOnlySpan<byte> cbor, ref int position, Utf8JsonWriter writer, int start)
    {
        var initial = ReadByte(cbor, ref position);
        var major = initial >> 5;
        var info = initial & 0x1F;
        if (major is 0 or 1)
        {
            var argument = ReadArgument(cbor, ref position, info, start);
            if (argument > long.MaxValue)
            {
                throw new CborFormatException($"CBOR timestamp at byte {start} is out of range.");
            }
            var milliseconds = major == 0 ? (long)argument : -1 - (long)argument;
            writer.WriteNumberValue(milliseconds / 1000m);
            return;
        }
        if (major == 7 && info is 25 or 26 or 27)
        {
            writer.WriteNumberValue(ReadFloat(cbor, ref position, info, start));
            return;
        }
        throw new CborFormatException($"CBOR tag 1 (timestamp) at byte {start} must hold a number.");
    }

    private static void WriteSimpleOrFloat(ReadOnlySpan<byte> cbor, ref int position, Utf8JsonWriter writer, int info, int start)
    {
        switch (info)
        {
            case 20:
                writer.WriteBooleanValue(false);
                return;
            case 21:
                writer.WriteBooleanValue(true);
                return;
            case 22 or 23:
                // null, and undefined (which JSON lacks; AWS members are then simply absent).
                writer.WriteNullValue();
                return;
            case 25 or 26 or 27:
                writer.WriteNumberValue(ReadFloat(cbor, ref position, info, start));
                return;
            case 31:
                throw new CborFormatException($"CBOR break (0xFF) at byte {start} outside an indefinite-length item.");
            case 24:
                _ = ReadByte(cbor, ref position);
                throw new CborFormatException($"CBOR simple value at byte {start} has no JSON form.");
            default:
                throw new CborFormatException($"CBOR simple value {info} at byte {start} has no JSON form or is reserved.");
        }
    }

    private static double ReadFloat(ReadOnlySpan<byte> cbor, ref int position, int info, int start)
    {
        var size = info switch { 25 => 2, 26 => 4, _ => 8 };
        var bytes = Take(cbor, ref position, size, start);
        var value = size switch
        {
            2 => (double)BinaryPrimitives.ReadHalfBigEndian(bytes),
            4 => BinaryPrimitives.ReadSingleBigEndian(bytes),
            _ => BinaryPrimitives.ReadDoubleBigEndian(bytes),
        };
        if (!double.IsFinite(value))
        {
            throw new CborFormatException($"CBOR float at byte {start} is NaN or infinite, which JSON cannot carry.");
        }
        return value;
    }

    /// <summary>A definite or indefinite byte/text string; chunks of an indefinite one are joined in <paramref name="scratch"/>.</summary>
    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> cbor, scoped ref int position, int major, int info, int start, ScratchBuffer scratch)
    {
        ReadOnlySpan<byte> result;
        if (info != 31)
        {
            var length = ReadLength(cbor, ref position, info, start);
            result = Take(cbor, ref position, checked((int)length), start);
        }
        else
        {
            scratch.Reset();
            while (!TryReadBreak(cbor, ref position))
            {
                var chunkStart = position;
                var initial = ReadByte(cbor, ref position);
                if (initial >> 5 != major || (initial & 0x1F) == 31)
                {
                    throw new CborFormatException($"CBOR indefinite-length string chunk at byte {chunkStart} is not a definite string of the same type.");
                }
                var length = ReadLength(cbor, ref position, initial & 0x1F, chunkStart);
                scratch.Write(Take(cbor, ref position, checked((int)length), chunkStart));
            }
            result = scratch.Written;
        }
        if (major == 3 && !Utf8.IsValid(result))
        {
            throw new CborFormatException($"CBOR text string at byte {start} is not valid UTF-8.");
        }
        return result;
    }

    private static bool TryReadBreak(ReadOnlySpan<byte> cbor, ref int position)
    {
        if (position >= cbor.Length)
        {
            throw new CborFormatException($"CBOR indefinite-length item is not closed by a break before the end of the body ({cbor.Length} bytes).");
        }
        if (cbor[position] == 0xFF)
        {
            position++;
            return true;
        }
        return false;
    }

    private static long ReadLength(ReadOnlySpan<byte> cbor, ref int position, int info, int start)
    {
        var length = ReadArgument(cbor, ref position, info, start);
        // No length can exceed the body: each element or byte takes at least one byte.
        if (length > (ulong)(cbor.Length - position))
        {
            throw new CborFormatException($"CBOR item at byte {start} declares {length} elements or bytes but only {cbor.Length - position} bytes follow.");
        }
        return (long)length;
    }

    private static ulong ReadArgument(ReadOnlySpan<byte> cbor, ref int position, int info, int start)
    {
        return info switch
        {
            < 24 => (ulong)info,
            24 => ReadByte(cbor, ref position),
            25 => BinaryPrimitives.ReadUInt16BigEndian(Take(cbor, ref position, 2, start)),
            26 => BinaryPrimitives.ReadUInt32BigEndian(Take(cbor, ref position, 4, start)),
            27 => BinaryPrimitives.ReadUInt64BigEndian(Take(cbor, ref position, 8, start)),
            31 => throw new CborFormatException($"CBOR item at byte {start} has an indefinite length where none is allowed."),
            _ => throw new CborFormatException($"CBOR item at byte {start} uses reserved additional information {info}."),
        };
    }

    private static byte ReadByte(ReadOnlySpan<byte> cbor, ref int position)
    {
        if (position >= cbor.Length)
        {
            throw new CborFormatException($"CBOR body ends inside an item (at byte {position}).");
        }
        return cbor[position++];
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> cbor, scoped ref int position, int count, int start)
    {
        if (count < 0 || count > cbor.Length - position)
        {
            throw new CborFormatException($"CBOR item at byte {start} needs {count} bytes but only {cbor.Length - position} remain.");
        }
        var result = cbor.Slice(position, count);
        position += count;
        return result;
    }

    /// <summary>A growable pooled buffer for joining string chunks.</summary>
    private sealed class ScratchBuffer : IDisposable
    {
        private byte[] _buffer = [];
        private int _length;

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        public void Reset() => _length = 0;

        public void Write(ReadOnlySpan<byte> data)
        {
            if (_length + data.Length > _buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + data.Length, 256));
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                if (_buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }
                _buffer = bigger;
            }
            data.CopyTo(_buffer.AsSpan(_length));
            _length += data.Length;
        }

        public void Dispose()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
        }
    }
}
