using System.Buffers.Text;
using System.Text;

namespace Tributary.Kinesis;

/// <summary>
/// Tributary's sequence numbers: 56-digit decimal strings, like AWS's, made of fixed-width decimal fields so they
/// encode and decode without big-integer arithmetic and order numerically the same way as textually. Like AWS's,
/// a number says which shard the record is in and when it arrived. Persisted by clients (KCL checkpoints), so each
/// layout is frozen once released (docs/formats/kinesis.md, tests/Tributary.Kinesis.Tests/FormatTests.cs). Written
/// in layout 2:
/// <code>
/// digits  0     '4'   lead digit (keeps the length at 56)
/// digits  1     '2'   layout version
/// digits  2–11        the stream's sequence epoch (its creation time in epoch seconds), 10 digits
/// digits 12–21        the shard index (shardId-NNNNNNNNNNNN's number), 10 digits
/// digits 22–41        the record's offset in the shard's log, 20 digits
/// digits 42–54        the record's arrival time (the log's append time), epoch milliseconds, 13 digits
/// digit  55     '0'   reserved
/// </code>
/// The offset is more significant than the time: within a shard a later record always has a larger offset, while
/// the clock that stamps arrival times may step back (NTP), so numbers stay strictly increasing whatever the clock
/// does, and decoding the offset is all GetShardIterator needs. A recreated stream gets a new epoch, so old numbers
/// are recognised as foreign. Layout 1 (the same fields without the time, digits 42–55 zeros) is still read.
/// Stateless; thread-safe; no allocation in <see cref="Write"/>.
/// </summary>
public static class SequenceNumber
{
    public const int Length = 56;
    private const byte LeadDigit = (byte)'4';
    private const byte LayoutVersion = (byte)'2';
    private const byte LayoutVersion1 = (byte)'1';

    /// <summary>The largest arrival time the 13 time digits hold (year 2286).</summary>
    public const long MaxArrivalMs = 9_999_999_999_999;

    /// <summary>Writes the 56 ASCII digits into <paramref name="destination"/> (at least 56 bytes).</summary>
    public static void Write(Span<byte> destination, long epochSeconds, int shardIndex, long offset, long arrivalMs)
    {
        destination[0] = LeadDigit;
        destination[1] = LayoutVersion;
        WriteDigits(destination.Slice(2, 10), (ulong)epochSeconds);
        WriteDigits(destination.Slice(12, 10), (ulong)shardIndex);
        WriteDigits(destination.Slice(22, 20), (ulong)offset);
        WriteDigits(destination.Slice(42, 13), (ulong)Math.Clamp(arrivalMs, 0, MaxArrivalMs));
        destination[55] = (byte)'0';
    }

    public static string Format(long epochSeconds, int shardIndex, long offset, long arrivalMs)
    {
        Span<byte> digits = stackalloc byte[Length];
        Write(digits, epochSeconds, shardIndex, offset, arrivalMs);
        return Encoding.ASCII.GetString(digits);
    }

    /// <summary>Decodes a number written by <see cref="Write"/> (or layout 1); false for anything else (wrong length, version, reserved digits).</summary>
    public static bool TryParse(string? text, out long epochSeconds, out int shardIndex, out long offset) =>
        TryParse(text, out epochSeconds, out shardIndex, out offset, out _);

    /// <summary>As <see cref="TryParse(string?, out long, out int, out long)"/>, with the arrival time (-1 for layout 1, which has none).</summary>
    public static bool TryParse(string? text, out long epochSeconds, out int shardIndex, out long offset, out long arrivalMs)
    {
        epochSeconds = 0;
        shardIndex = 0;
        offset = 0;
        arrivalMs = -1;
        if (text is null || text.Length != Length || text[0] != LeadDigit || (text[1] != LayoutVersion && text[1] != LayoutVersion1))
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
        var version1 = digits[1] == LayoutVersion1;
        var reserved = version1 ? digits[42..] : digits[55..];
        if (reserved.IndexOfAnyExcept((byte)'0') >= 0)
        {
            return false;
        }
        if (!Utf8Parser.TryParse(digits.Slice(2, 10), out ulong epoch, out _) || !Utf8Parser.TryParse(digits.Slice(12, 10), out ulong shard, out _)
            || !Utf8Parser.TryParse(digits.Slice(22, 20), out ulong position, out _) || shard > int.MaxValue || position > long.MaxValue)
        {
            return false;
        }
        if (!version1)
        {
            if (!Utf8Parser.TryParse(digits.Slice(42, 13), out ulong time, out _))
            {
                return false;
            }
            arrivalMs = (long)time;
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
