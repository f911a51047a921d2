using System.Globalization;

namespace Tributary.S3.Handlers;

/// <summary>
/// The Range header of GetObject and HeadObject (RFC 9110 byte ranges; S3 serves one range per request):
/// <c>bytes=FIRST-LAST</c>, <c>bytes=FIRST-</c>, <c>bytes=-SUFFIX</c>. A header that does not parse, or asks for several
/// ranges, is ignored and the whole object is served, as HTTP prescribes; one that parses but lies beyond the object
/// is InvalidRange (416).
/// </summary>
public readonly record struct ByteRange(long First, long Length)
{
    public long Last => First + Length - 1;

    /// <summary>The range the header asks of an object of <paramref name="size"/> bytes; null for the whole object.</summary>
    public static ByteRange? Parse(string header, long size)
    {
        if (header.Length == 0 || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }
        var spec = header["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return null;
        }
        var firstText = spec[..dash].Trim();
        var lastText = spec[(dash + 1)..].Trim();
        if (firstText.Length == 0)
        {
            // A suffix: the last N bytes.
            if (!long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return null;
            }
            if (suffix == 0 || size == 0)
            {
                throw S3Errors.InvalidRange(header, size);
            }
            var length = Math.Min(suffix, size);
            return new ByteRange(size - length, length);
        }
        if (!long.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first))
        {
            return null;
        }
        long last;
        if (lastText.Length == 0)
        {
            last = size - 1;
        }
        else if (!long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out last) || last < first)
        {
            return null;
        }
        if (first >= size)
        {
            throw S3Errors.InvalidRange(header, size);
        }
        last = Math.Min(last, size - 1);
        return new ByteRange(first, last - first + 1);
    }

    public string ContentRange(long size) => string.Create(CultureInfo.InvariantCulture, $"bytes {First}-{Last}/{size}");
}
