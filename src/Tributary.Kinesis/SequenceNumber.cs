using System.Buffers.Text;
using System.Text;

namespace Tributary.Kinesis;

/// <summary>
/// Tributary's sequence numbers: 56-digit decimal strings, like AWS's, made of fixed-width decimal fields so
/// they encode and decode without big-integer arithmetic and order numerically the same way as textually.
/// Persisted by clients (KCL checkpoints), so the layout is frozen (format version 1, docs/formats/kinesis.md,
/// tests/Tributary.Kinesis.Tests/SequenceNumberTests.cs):
/// <code>
/// digits  0     '4'   lead digit (keeps the length at 56)
/// digits  1     '1'   layout version
/// digits  2–11        the stream's sequence epoch (its creation time in epoch seconds), 10 digits
/// digits 12–21        the shard index (shardId-NNNNNNNNNNNN's number), 10 digits
/// digits 22–41        the record's offset in the shard's log, 20 digits
/// digits 42–55        zeros (reserved)
/// </code>
/// Within a shard, later records have larger numbers (the offset grows); a recreated stream gets a new epoch, so
/// old numbers are recognised as foreign. Stateless; thread-safe.
/// </summary>
public static class SequenceNumber
{
    public const int Length = 56;
    private const byte LeadDigit = (byte)'4';
    private const byte LayoutVersion = (byte)'1';

    /// <summary>Writes the 56 ASCII digits into <paramref name="destination"/> (at least 56 bytes).</summary>
    public static void Write(Span<byte> destination, long epochSeconds, int shardIndex, long offset)
    {
        destination[0] = LeadDigit;
        destination[1] = LayoutVersion;
        WriteDigits(destination.Slice(2, 10), (ulong)epochSeconds);
        WriteDigits(destination.Slice(12, 10), (ulong)shardIndex);
        WriteDigits(destination.Slice(22, 20), (ulong)offset);
        destination.Slice(42, 14).Fill((byte)'0');
    }

    public static string Format(long epochSeconds, int shardIndex, long offset)
    {
        Span<byte> digits = stackalloc byte[Length];
        Write(digits, epochSeconds, shardIndex, offset);
        return Encoding.ASCII.GetString(digits);
    }

    /// <summary>Decodes a number written by <see cref="Write"/>; false for anything else (wrong length, version, reserved digits).</summary>
    public static bool TryParse(string? text, out long epochSeconds, out int shardIndex, out long offset)
    {
        epochSeconds = 0;
        shardIndex = 0;
        offset = 0;
        if (text is null || text.Length != Length || text[0] != LeadDigit || text[1] != LayoutVersion)
        {
            return false;
        }
        Span<byte> digits = stackalloc byte[Length];
        for (var i = 0; i < Length; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return false;
            }
            digits[i] = (byte)c;
        }
        if (digits[42..].IndexOfAnyExcept((byte)'0') >= 0)
        {
            return false;
        }
        if (!Utf8Parser.TryParse(digits.Slice(2, 10), out ulong epoch, out _) || !Utf8Parser.TryParse(digits.Slice(12, 10), out ulong shard, out _)
            || !Utf8Parser.TryParse(digits.Slice(22, 20), out ulong position, out _) || shard > int.MaxValue || position > long.MaxValue)
        {
            return false;
        }
        epochSeconds = (long)epoch;
        shardIndex = (int)shard;
        offset = (long)position;
        return true;
    }

    private static void WriteDigits(Span<byte> destination, ulong value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
