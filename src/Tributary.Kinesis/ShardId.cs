using System.Globalization;

namespace Tributary.Kinesis;

/// <summary>Shard ids as AWS writes them: <c>shardId-</c> and the shard's index as 12 zero-padded digits.</summary>
public static class ShardId
{
    private const string Prefix = "shardId-";

    public static string Format(int index) => Prefix + index.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses a shard id as AWS reads one: only the digits after the last '-' count, whatever comes before it, so
    /// <c>shardId-000000000003</c>, <c>anything-3</c>, <c>shard-0003</c> and a bare <c>3</c> all name shard 3. Text
    /// whose last part is not 1–20 digits of an int names no shard (the caller answers ResourceNotFoundException with
    /// the id as given).
    /// </summary>
    public static bool TryParse(string? text, out int index)
    {
        index = -1;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var digits = text.AsSpan(text.LastIndexOf('-') + 1);
        return digits.Length is > 0 and <= 20 && !digits.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= int.MaxValue && (index = (int)value) >= 0;
    }
}
