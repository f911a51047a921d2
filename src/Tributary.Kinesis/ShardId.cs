using System.Globalization;

namespace Tributary.Kinesis;

/// <summary>Shard ids as AWS writes them: <c>shardId-</c> and the shard's index as 12 zero-padded digits.</summary>
public static class ShardId
{
    private const string Prefix = "shardId-";

    public static string Format(int index) => Prefix + index.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses <c>shardId-000000000003</c>; like AWS, a bare number or a different zero padding is accepted too
    /// (the digits after the last '-' are what count).
    /// </summary>
    public static bool TryParse(string? text, out int index)
    {
        index = -1;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var digits = text.StartsWith(Prefix, StringComparison.Ordinal) ? text[Prefix.Length..] : text;
        return digits.Length is > 0 and <= 20 && digits.All(char.IsAsciiDigit)
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= int.MaxValue && (index = (int)value) >= 0;
    }
}
