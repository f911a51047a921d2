using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Tributary.Protocol.Buffers;

namespace Tributary.Protocol.Kafka;

/// <summary>
/// Writes Kafka protocol primitives to a buffer writer. Not thread-safe. Encodes strings as UTF-8
/// without a byte-order mark; refuses values the protocol cannot carry (a string longer than 32,767
/// bytes in an int16-length field).
/// </summary>
public sealed class KafkaWriter
{
    private readonly IBufferWriter<byte> _output;

    public KafkaWriter(IBufferWriter<byte> output)
    {
        _output = output;
    }

    public IBufferWriter<byte> Output => _output;

    public void WriteBool(bool value) => WriteInt8(value ? (sbyte)1 : (sbyte)0);

    public void WriteInt8(sbyte value)
    {
        _output.GetSpan(1)[0] = (byte)value;
        _output.Advance(1);
    }

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteFloat64(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteUuid(Guid value)
    {
        value.TryWriteBytes(_output.GetSpan(16), bigEndian: true, out _);
        _output.Advance(16);
    }

    public void WriteUnsignedVarint(uint value) => _output.Advance(Varint.WriteUnsignedVarint(_output.GetSpan(5), value));

    public void WriteVarint(int value) => _output.Advance(Varint.WriteVarint(_output.GetSpan(5), value));

    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteNullableString(value);
    }

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteInt16(-1);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > short.MaxValue)
        {
            throw new KafkaProtocolException($"String of {length} bytes does not fit an int16 length.");
        }
        WriteInt16((short)length);
        WriteUtf8(value, length);
    }

    public void WriteCompactString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteCompactNullableString(value);
    }

    public void WriteCompactNullableString(string? value)
    {
        if (value is null)
        {
            WriteUnsignedVarint(0);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUnsignedVarint((uint)length + 1);
        WriteUtf8(value, length);
    }

    public void WriteBytes(ReadOnlyMemory<byte> value) => WriteNullableBytes(value);

    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is not { } bytes)
        {
            WriteInt32(-1);
            return;
        }
        WriteInt32(bytes.Length);
        WriteMemory(bytes);
    }

    public void WriteCompactBytes(ReadOnlyMemory<byte> value) => WriteCompactNullableBytes(value);

    public void WriteCompactNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is not { } bytes)
        {
            WriteUnsignedVarint(0);
            return;
        }
        WriteUnsignedVarint((uint)bytes.Length + 1);
        WriteMemory(bytes);
    }

    /// <summary>An int32 array count; -1 for a null array.</summary>
    public void WriteArrayCount(int count) => WriteInt32(count);

    /// <summary>A compact array count (N+1); 0 for a null array.</summary>
    public void WriteCompactArrayCount(int count) => WriteUnsignedVarint((uint)(count + 1));

    /// <summary>Writes bytes; <see cref="DeferredBytes"/> are produced straight into the output buffer.</summary>
    private void WriteMemory(ReadOnlyMemory<byte> bytes)
    {
        if (MemoryMarshal.TryGetMemoryManager(bytes, out DeferredBytes? deferred, out var start, out var length) && start == 0 && length == deferred.Length)
        {
            deferred.CopyTo(_output.GetSpan(length));
            _output.Advance(length);
            return;
        }
        WriteRaw(bytes.Span);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }

    private void WriteUtf8(string value, int length)
    {
        Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        _output.Advance(length);
    }
}
