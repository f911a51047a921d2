using System.Globalization;
using System.Text;
using System.Xml;
using Tributary.ObjectStores;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>One page of a bucket listing: objects and common prefixes in key order, at most max-keys of both together.</summary>
public sealed record ListingPage(List<StoredObject> Contents, List<string> CommonPrefixes, bool IsTruncated, string? LastReturned);

/// <summary>
/// What ListObjects and ListObjectsV2 share: the page walk and the parameters both take. The walk follows S3's
/// rules: keys after the start point (marker, start-after or continuation token), those with the delimiter after the
/// prefix rolled up into one common prefix each (counted once against max-keys), in ascending key order. A page that
/// ends on a common prefix continues after every key under it. Stateless; thread-safe.
/// </summary>
public static class ObjectListing
{
    /// <summary>S3's default and largest max-keys.</summary>
    public const int MaxKeys = 1000;

    public static async Task<ListingPage> ListAsync(EmbeddedBuckets buckets, string bucket, string prefix, string? delimiter, string? after, int maxKeys, CancellationToken cancellationToken)
    {
        var contents = new List<ObjectInfo>();
        var commonPrefixes = new List<string>();
        string? lastCommon = null;
        string? lastReturned = null;
        var truncated = false;
        var count = 0;
        await foreach (var info in buckets.Store.ListAsync(bucket, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (after is not null && string.CompareOrdinal(info.Key, after) <= 0)
            {
                continue;
            }
            string? common = null;
            if (!string.IsNullOrEmpty(delimiter))
            {
                var at = info.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (at >= 0)
                {
                    common = info.Key[..(at + delimiter.Length)];
                }
            }
            if (common is not null && (common == lastCommon || (after is not null && after.StartsWith(common, StringComparison.Ordinal))))
            {
                continue; // rolled up already, on this page or the one before
            }
            if (count == maxKeys)
            {
                truncated = true;
                break;
            }
            count++;
            if (common is not null)
            {
                commonPrefixes.Add(common);
                lastCommon = common;
                lastReturned = common;
            }
            else
            {
                contents.Add(info);
                lastReturned = info.Key;
            }
        }
        var described = new List<StoredObject>(contents.Count);
        foreach (var item in contents)
        {
            if (await buckets.DescribeAsync(bucket, item, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                described.Add(stored);
            }
        }
        return new ListingPage(described, commonPrefixes, truncated, lastReturned);
    }

    /// <summary>max-keys: absent → 1000; above 1000 → 1000; not a non-negative integer → InvalidArgument.</summary>
    public static int ParseMaxKeys(string? value, string name = "max-keys")
    {
        if (value is null)
        {
            return MaxKeys;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            throw S3Errors.InvalidArgument($"Provided {name} not an integer or within integer range", name, value);
        }
        return Math.Min(parsed, MaxKeys);
    }

    /// <summary>encoding-type: absent → false; "url" → true; anything else → InvalidArgument.</summary>
    public static bool ParseEncodingType(string? value) => value switch
    {
        null => false,
        "url" => true,
        _ => throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", value),
    };

    /// <summary>
    /// A key or prefix as encoding-type=url returns it: UTF-8 bytes percent-encoded except unreserved characters and
    /// '/', so keys with characters XML 1.0 cannot carry survive, and clients that decode with unquote_plus see '+' as %2B.
    /// </summary>
    public static string Encode(string value, bool url)
    {
        if (!url)
        {
            return value;
        }
        var builder = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    /// <summary>One Contents element of either listing.</summary>
    public static void WriteContents(XmlWriter writer, StoredObject stored, bool url, bool owner)
    {
        writer.WriteStartElement("Contents");
        writer.WriteElementString("Key", Encode(stored.Info.Key, url));
        writer.WriteElementString("LastModified", S3Xml.Timestamp(stored.Info.LastModified));
        writer.WriteElementString("ETag", stored.Metadata.ETag);
        writer.WriteElementString("Size", stored.Info.Size.ToString(CultureInfo.InvariantCulture));
        if (owner)
        {
            S3Xml.WriteOwner(writer);
        }
        writer.WriteElementString("StorageClass", "STANDARD");
        writer.WriteEndElement();
    }

    public static void WriteCommonPrefixes(XmlWriter writer, IEnumerable<string> prefixes, bool url)
    {
        foreach (var prefix in prefixes)
        {
            writer.WriteStartElement("CommonPrefixes");
            writer.WriteElementString("Prefix", Encode(prefix, url));
            writer.WriteEndElement();
        }
    }
}
