using System.Globalization;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>GET /BUCKET/KEY?uploadId=ID — the parts uploaded so far, by number, after part-number-marker, at most max-parts (1,000).</summary>
public sealed class ListParts(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "ListParts";

    public Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var uploadId = request.Query("uploadId") ?? "";
        var upload = buckets.Uploads.Find(uploadId, bucket, request.ObjectKey) ?? throw S3Errors.NoSuchUpload(uploadId);
        var maxParts = ObjectListing.ParseMaxKeys(request.Query("max-parts"), "max-parts");
        var markerText = request.Query("part-number-marker");
        var marker = 0;
        if (markerText is not null && !int.TryParse(markerText, NumberStyles.None, CultureInfo.InvariantCulture, out marker))
        {
            throw S3Errors.InvalidArgument("Provided part-number-marker not an integer or within integer range", "part-number-marker", markerText);
        }
        var parts = buckets.Uploads.Parts(upload).Where(p => p.Number > marker).ToList();
        var truncated = parts.Count > maxParts;
        var page = parts.Take(maxParts).ToList();
        return S3Xml.WriteAsync(request.Http, "ListPartsResult", writer =>
        {
            writer.WriteElementString("Bucket", bucket);
            writer.WriteElementString("Key", upload.Key);
            writer.WriteElementString("UploadId", upload.UploadId);
            S3Xml.WriteOwner(writer, "Initiator");
            S3Xml.WriteOwner(writer);
            writer.WriteElementString("StorageClass", "STANDARD");
            writer.WriteElementString("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture));
            if (page.Count > 0)
            {
                writer.WriteElementString("NextPartNumberMarker", page[^1].Number.ToString(CultureInfo.InvariantCulture));
            }
            writer.WriteElementString("MaxParts", maxParts.ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("IsTruncated", truncated ? "true" : "false");
            foreach (var part in page)
            {
                writer.WriteStartElement("Part");
                writer.WriteElementString("PartNumber", part.Number.ToString(CultureInfo.InvariantCulture));
                writer.WriteElementString("LastModified", S3Xml.Timestamp(part.LastModified));
                writer.WriteElementString("ETag", part.ETag);
                writer.WriteElementString("Size", part.Size.ToString(CultureInfo.InvariantCulture));
                writer.WriteEndElement();
            }
        });
    }
}
