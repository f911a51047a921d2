using System.Buffers.Binary;
using System.Text;

namespace Tributary.Cdc.MySql.Protocol;

/// <summary>A cursor over a packet or event body with MySQL's little-endian integers and length-encoded values.</summary>
internal struct PacketReader(byte[] buffer, int position)
{
    public int Position = position;

    public readonly byte[] Buffer => buffer;

    public readonly int Remaining => buffer.Length - Position;

    public void Skip(int count) => Position += count;

    public byte ReadByte() => buffer[Position++];

    public ushort ReadUInt16()
    {
        var value = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(Position));
        Position += 2;
        return value;
    }

    public uint ReadUInt24()
    {
        var value = (uint)(buffer[Position] | (buffer[Position + 1] << 8) | (buffer[Position + 2] << 16));
        Position += 3;
        return value;
    }

    public uint ReadUInt32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(Position));
        Position += 4;
        return value;
    }

    public ulong ReadUInt48()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(Position)) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(Position + 4)) << 32);
        Position += 6;
        return value;
    }

    public ulong ReadUInt64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(Position));
        Position += 8;
        return value;
    }

    /// <summary>An unsigned little-endian integer of 1–8 bytes.</summary>
    public ulong ReadLittleEndian(int length)
    {
        ulong value = 0;
        for (var i = 0; i < length; i++)
        {
            value |= (ulong)buffer[Position + i] << (8 * i);
        }
        Position += length;
        return value;
    }

    /// <summary>An unsigned big-endian integer of 1–8 bytes (the binlog's temporal and decimal encodings).</summary>
    public ulong ReadBigEndian(int length)
    {
        ulong value = 0;
        for (var i = 0; i < length; i++)
        {
            value = (value << 8) | buffer[Position + i];
        }
        Position += length;
        return value;
    }

    public ulong ReadLengthEncoded()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw new Protocol.BinlogProtocolException($"Invalid length-encoded integer prefix 0x{first:X2}"),
        };
    }

    public byte[] ReadBytes(int count)
    {
        var value = buffer.AsSpan(Position, count).ToArray();
        Position += count;
        return value;
    }

    public ReadOnlySpan<byte> Span(int count)
    {
        var value = buffer.AsSpan(Position, count);
        Position += count;
        return value;
    }

    public string ReadNullTerminatedString()
    {
        var end = Array.IndexOf(buffer, (byte)0, Position);
        if (end < 0)
        {
            end = buffer.Length;
        }
        var value = Encoding.UTF8.GetString(buffer, Position, end - Position);
        Position = Math.Min(buffer.Length, end + 1);
        return value;
    }

    public string ReadString(int count)
    {
        var value = Encoding.UTF8.GetString(buffer, Position, count);
        Position += count;
        return value;
    }
}
