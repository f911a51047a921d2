using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tributary.Protocol.Kafka;

/// <summary>
/// Reads Kafka protocol primitives from a request or response body. Every read checks bounds and throws
/// <see cref="KafkaProtocolException"/> on malformed input, so decoders never read out of range or
/// allocate more than the input could hold (array counts are checked against the bytes left).
/// <para><c>bytes</c> and <c>records</c> values are slices of the input memory, not copies: the caller
/// keeps the input alive while the decoded message is in use.</para>
/// </summary>
public ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly bool End => _position == _span.Length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
        {
            Fail($"needs {count} bytes at position {_position}, {_span.Length - _position} left");
        }
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    public bool ReadBool() => Take(1)[0] switch
    {
        0 => false,
        1 => true,
        var other => FailValue<bool>($"boolean byte {other}"),
    };

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    public uint ReadUnsignedVarint()
    {
        if (!Varint.TryReadUnsignedVarint(_span[_position..], out var value, out var read))
        {
            Fail($"bad unsigned varint at position {_position}");
        }
        _position += read;
        return value;
    }

    public int ReadVarint()
    {
        if (!Varint.TryReadVarint(_span[_position..], out var value, out var read))
        {
            Fail($"bad varint at position {_position}");
        }
        _position += read;
        return value;
    }

    public string ReadString()
    {
        var length = ReadInt16();
        if (length < 0)
        {
            Fail("null where a non-nullable string is required");
        }
        return Utf8(length);
    }

    public string? ReadNullableString()
    {
        var length = ReadInt16();
        return length < 0 ? null : Utf8(length);
    }

    public string ReadCompactString() => ReadCompactNullableString() ?? FailValue<string>("null where a non-nullable compact string is required");

    public string? ReadCompactNullableString()
    {
        var length = ReadCompactLength();
        return length < 0 ? null : Utf8(length);
    }

    public ReadOnlyMemory<byte> ReadBytes() => ReadNullableBytes() ?? FailValue<ReadOnlyMemory<byte>>("null where non-nullable bytes are required");

    public ReadOnlyMemory<byte>? ReadNullableBytes()
    {
        var length = ReadInt32();
        return length < 0 ? null : Slice(length);
    }

    public ReadOnlyMemory<byte> ReadCompactBytes() => ReadCompactNullableBytes() ?? FailValue<ReadOnlyMemory<byte>>("null where non-nullable compact bytes are required");

    public ReadOnlyMemory<byte>? ReadCompactNullableBytes()
    {
        var length = ReadCompactLength();
        return length < 0 ? null : Slice(length);
    }

    /// <summary>An int32 array count: -1 for null. Counts that could not fit in the remaining bytes are refused.</summary>
    public int ReadArrayCount()
    {
        var count = ReadInt32();
        CheckCount(count);
        return count;
    }

    /// <summary>A compact array count (unsigned varint N+1): -1 for null.</summary>
    public int ReadCompactArrayCount()
    {
        var count = ReadCompactLength();
        CheckCount(count);
        return count;
    }

    /// <summary>The next <paramref name="length"/> bytes as a slice of the input (no copy).</summary>
    public ReadOnlyMemory<byte> Slice(int length)
    {
        Take(length);
        return _memory.Slice(_position - length, length);
    }

    public void Skip(int length) => Take(length);

    private int ReadCompactLength()
    {
        var raw = ReadUnsignedVarint();
        if (raw > int.MaxValue)
        {
            Fail("compact length out of range");
        }
        return (int)raw - 1;
    }

    private readonly void CheckCount(int count)
    {
        // Every element takes at least one byte, so a count beyond the bytes left is a lie: refuse it
        // before anything allocates for it.
        if (count < -1 || count > _span.Length - _position)
        {
            Fail($"array count {count} with {_span.Length - _position} bytes left");
        }
    }

    private string Utf8(int length)
    {
        var bytes = Take(length);
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return FailValue<string>("string is not valid UTF-8");
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fail(string reason) => throw new KafkaProtocolException("Malformed Kafka message: " + reason + ".");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T FailValue<T>(string reason) => throw new KafkaProtocolException("Malformed Kafka message: " + reason + ".");
}
