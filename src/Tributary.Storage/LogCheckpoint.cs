using System.Buffers.Binary;
using Tributary.Foundation.Checksums;
using Tributary.Foundation.IO;

namespace Tributary.Storage;

/// <summary>
/// The per-partition recovery checkpoint (<c>recovery.checkpoint</c>): everything before
/// <see cref="RecoveryOffset"/> is fsynced and indexed, so recovery after a crash scans only what follows
/// it. Also carries the log start offset (DeleteRecords, retention) and the cleaner's position.
/// </summary>
/// <remarks>Layout (keep in sync with docs/formats/log.md), big-endian, 64 bytes:
/// magic "TRCK" (4), version uint16 (1), reserved uint16, LogStartOffset int64, RecoveryOffset int64,
/// RecoverySegmentBase int64, RecoveryPosition int64, RecoverySegmentMaxTimestamp int64,
/// RecoverySegmentOffsetOfMaxTimestamp int64, CleanerCheckpoint int64 — then CRC-32C of all of that (4).
/// Written to a temporary file, fsynced, renamed over the old one, and the directory fsynced.</remarks>
public readonly record struct LogCheckpoint(
    long LogStartOffset,
    long RecoveryOffset,
    long RecoverySegmentBase,
    long RecoveryPosition,
    long RecoverySegmentMaxTimestamp,
    long RecoverySegmentOffsetOfMaxTimestamp,
    long CleanerCheckpoint)
{
    public const string FileName = "recovery.checkpoint";
    public const uint Magic = 0x5452434B; // "TRCK"
    public const ushort FormatVersion = 1;
    public const int Size = 4 + 2 + 2 + (7 * 8) + 4;

    public static readonly LogCheckpoint Empty = new(0, 0, 0, 0, -1, -1, 0);

    public byte[] Encode()
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], LogStartOffset);
        BinaryPrimitives.WriteInt64BigEndian(span[16..], RecoveryOffset);
        BinaryPrimitives.WriteInt64BigEndian(span[24..], RecoverySegmentBase);
        BinaryPrimitives.WriteInt64BigEndian(span[32..], RecoveryPosition);
        BinaryPrimitives.WriteInt64BigEndian(span[40..], RecoverySegmentMaxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[48..], RecoverySegmentOffsetOfMaxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[56..], CleanerCheckpoint);
        BinaryPrimitives.WriteUInt32BigEndian(span[64..], Crc32C.Compute(span[..64]));
        return bytes;
    }

    /// <summary>Decodes a checkpoint; null when the bytes are not a valid checkpoint of a known version.</summary>
    public static LogCheckpoint? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size || BinaryPrimitives.ReadUInt32BigEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]) != FormatVersion
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[64..]) != Crc32C.Compute(bytes[..64]))
        {
            return null;
        }
        return new LogCheckpoint(
            BinaryPrimitives.ReadInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[24..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[32..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[40..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[48..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[56..]));
    }

    public static LogCheckpoint? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return File.Exists(path) ? Decode(File.ReadAllBytes(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Write(string directory)
    {
        DurableFile.WriteAtomically(Path.Combine(directory, FileName), Encode());
    }
}
