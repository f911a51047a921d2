using System.Buffers.Binary;
using System.Text;
using Tributary.Foundation.Checksums;

namespace Tributary.Kinesis;

/// <summary>A decoded shard iterator: where the next GetRecords reads, and when the iterator was issued.</summary>
public readonly record struct ShardPosition(string StreamName, long StreamEpoch, int ShardIndex, long Offset, long IssuedAtMs);

/// <summary>
/// Shard iterators: opaque to clients (base64, at most 512 characters as AWS allows), self-contained so any
/// request can continue any iterator without server state, and checked by a CRC so a mangled one is refused
/// rather than misread. Layout (big-endian), version 1:
/// <code>
/// 0  u8      version = 1
/// 1  i64     stream epoch (creation time, seconds) — an iterator of a deleted and recreated stream is refused
/// 9  i32     shard index
/// 13 i64     log offset of the next record to return
/// 21 i64     issued at, epoch ms — iterators expire five minutes after they are issued, as in AWS
/// 29 u8      stream name length n (≤ 128), then n bytes of UTF-8 name
/// 30+n u32   CRC-32C of all preceding bytes
/// </code>
/// Not persisted by Tributary, but clients may hold one for five minutes across a restart, so changes need a new version.
/// </summary>
public static class ShardIterator
{
    private const byte Version = 1;

    /// <summary>AWS: "A shard iterator expires 5 minutes after it is returned to the requester."</summary>
    public const long LifetimeMs = 5 * 60 * 1000;

    public static string Encode(ShardPosition position)
    {
        Span<byte> bytes = stackalloc byte[30 + 128 + 4];
        var nameLength = Encoding.UTF8.GetBytes(position.StreamName, bytes[30..]);
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], position.StreamEpoch);
        BinaryPrimitives.WriteInt32BigEndian(bytes[9..], position.ShardIndex);
        BinaryPrimitives.WriteInt64BigEndian(bytes[13..], position.Offset);
        BinaryPrimitives.WriteInt64BigEndian(bytes[21..], position.IssuedAtMs);
        bytes[29] = (byte)nameLength;
        var length = 30 + nameLength;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[length..], Crc32C.Compute(bytes[..length]));
        return Convert.ToBase64String(bytes[..(length + 4)]);
    }

    /// <summary>Decodes an iterator; false when it is not one of ours or was altered.</summary>
    public static bool TryDecode(string? text, out ShardPosition position)
    {
        position = default;
        if (text is null || text.Length > 512)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[384];
        if (!Convert.TryFromBase64String(text, bytes, out var length) || length < 34 || bytes[0] != Version)
        {
            return false;
        }
        var nameLength = bytes[29];
        if (length != 30 + nameLength + 4 || BinaryPrimitives.ReadUInt32BigEndian(bytes[(30 + nameLength)..]) != Crc32C.Compute(bytes[..(30 + nameLength)]))
        {
            return false;
        }
        string name;
        try
        {
            name = new UTF8Encoding(false, true).GetString(bytes.Slice(30, nameLength));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        position = new ShardPosition(name, BinaryPrimitives.ReadInt64BigEndian(bytes[1..]), BinaryPrimitives.ReadInt32BigEndian(bytes[9..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[13..]), BinaryPrimitives.ReadInt64BigEndian(bytes[21..]));
        return position.ShardIndex >= 0 && position.Offset >= 0;
    }
}
