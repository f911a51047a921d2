using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Tributary.Kinesis;

/// <summary>
/// Kinesis's 128-bit hash-key space: a record's hash key is the MD5 of its partition key (UTF-8) read as an
/// unsigned big-endian integer, unless the producer gives an ExplicitHashKey. Shards own contiguous ranges.
/// </summary>
public static class HashKey
{
    /// <summary>2^128 − 1, the last hash key.</summary>
    public static readonly UInt128 Max = UInt128.MaxValue;

    public static UInt128 FromPartitionKey(ReadOnlySpan<byte> partitionKeyUtf8)
    {
        Span<byte> digest = stackalloc byte[16];
        MD5.HashData(partitionKeyUtf8, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>Parses a decimal hash key in 0…2^128−1 (AWS's pattern <c>0|([1-9]\d{0,38})</c>).</summary>
    public static bool TryParse(string? text, out UInt128 value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 39 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string Format(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The initial ranges of <paramref name="count"/> shards as AWS assigns them: with h = floor(2^128 / n),
    /// shard i owns [h·i, h·(i+1) − 1] and the last shard ends at 2^128 − 1.
    /// </summary>
    public static (UInt128 Start, UInt128 End)[] EvenRanges(int count)
    {
        var width = UniformWidth(count);
        var ranges = new (UInt128, UInt128)[count];
        for (var i = 0; i < count; i++)
        {
            var start = width * (UInt128)i;
            var end = i == count - 1 ? Max : (width * (UInt128)(i + 1)) - 1;
            ranges[i] = (start, end);
        }
        return ranges;
    }

    /// <summary>floor(2^128 / n), computed without 2^128 (which does not fit in 128 bits).</summary>
    public static UInt128 UniformWidth(int count)
    {
        var n = (UInt128)count;
        var width = Max / n;
        return Max % n == n - 1 ? width + 1 : width;
    }
}
