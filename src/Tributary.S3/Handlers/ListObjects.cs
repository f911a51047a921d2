using System.Globalization;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// GET /BUCKET — the first version of the listing: prefix, delimiter, max-keys, marker and encoding-type=url
/// (<see cref="ObjectListing"/>). Owners are always listed; NextMarker is sent, as S3 sends it, only when a delimiter
/// was given (without one, clients continue after the last key).
/// </summary>
public sealed class ListObjects(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "ListObjects";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var prefix = request.Query("prefix") ?? "";
        var delimiter = request.Query("delimiter");
        var maxKeys = ObjectListing.ParseMaxKeys(request.Query("max-keys"));
        var url = ObjectListing.ParseEncodingType(request.Query("encoding-type"));
        var marker = request.Query("marker");
        var page = await ObjectListing.ListAsync(buckets, bucket, prefix, delimiter, string.IsNullOrEmpty(marker) ? null : marker, maxKeys, request.Aborted).ConfigureAwait(false);
        await S3Xml.WriteAsync(request.Http, "ListBucketResult", writer =>
        {
            writer.WriteElementString("Name", bucket);
            writer.WriteElementString("Prefix", ObjectListing.Encode(prefix, url));
            writer.WriteElementString("Marker", ObjectListing.Encode(marker ?? "", url));
            if (page.IsTruncated && !string.IsNullOrEmpty(delimiter))
            {
                writer.WriteElementString("NextMarker", ObjectListing.Encode(page.LastReturned!, url));
            }
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
            foreach (var stored in page.Contents)
            {
                ObjectListing.WriteContents(writer, stored, url, owner: true);
            }
            ObjectListing.WriteCommonPrefixes(writer, page.CommonPrefixes, url);
        }).ConfigureAwait(false);
    }
}
