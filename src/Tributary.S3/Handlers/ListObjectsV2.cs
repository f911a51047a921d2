using System.Globalization;
using System.Text;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// GET /BUCKET?list-type=2 — prefix, delimiter (CommonPrefixes), max-keys, start-after, continuation-token,
/// encoding-type=url and fetch-owner (<see cref="ObjectListing"/>). The continuation token is the last key or common
/// prefix returned, base64url-encoded: opaque to clients, and stateless here.
/// </summary>
public sealed class ListObjectsV2(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "ListObjectsV2";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var prefix = request.Query("prefix") ?? "";
        var delimiter = request.Query("delimiter");
        var maxKeys = ObjectListing.ParseMaxKeys(request.Query("max-keys"));
        var url = ObjectListing.ParseEncodingType(request.Query("encoding-type"));
        var startAfter = request.Query("start-after");
        var token = request.Query("continuation-token");
        var fetchOwner = string.Equals(request.Query("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);
        var after = token is not null ? DecodeToken(token) : startAfter;
        if (after is not null && startAfter is not null && string.CompareOrdinal(startAfter, after) > 0)
        {
            after = startAfter;
        }
        var page = await ObjectListing.ListAsync(buckets, bucket, prefix, delimiter, after, maxKeys, request.Aborted).ConfigureAwait(false);
        await S3Xml.WriteAsync(request.Http, "ListBucketResult", writer =>
        {
            writer.WriteElementString("Name", bucket);
            writer.WriteElementString("Prefix", ObjectListing.Encode(prefix, url));
            if (token is not null)
            {
                writer.WriteElementString("ContinuationToken", token);
            }
            if (page.IsTruncated)
            {
                writer.WriteElementString("NextContinuationToken", EncodeToken(page.LastReturned!));
            }
            writer.WriteElementString("KeyCount", (page.Contents.Count + page.CommonPrefixes.Count).ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (delimiter is not null)
            {
                writer.WriteElementString("Delimiter", ObjectListing.Encode(delimiter, url));
            }
            if (url)
            {
                writer.WriteElementString("EncodingType", "url");
            }
            writer.WriteElementString("IsTruncated", page.IsTruncated ? "true" : "false");
            if (startAfter is not null)
            {
                writer.WriteElementString("StartAfter", ObjectListing.Encode(startAfter, url));
            }
            foreach (var stored in page.Contents)
            {
                ObjectListing.WriteContents(writer, stored, url, fetchOwner);
            }
            ObjectListing.WriteCommonPrefixes(writer, page.CommonPrefixes, url);
        }).ConfigureAwait(false);
    }

    private static string EncodeToken(string after) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(after)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeToken(string token)
    {
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
        }
    }
}
