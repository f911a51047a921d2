using System.Globalization;
using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// GET /BUCKET?uploads — the uploads in progress, by key then initiation time, filtered by prefix, after key-marker
/// (and upload-id-marker within that key), at most max-uploads (1,000). Delimiter roll-up is not served: the
/// uploads are listed flat.
/// </summary>
public sealed class ListMultipartUploads(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "ListMultipartUploads";

    public Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var prefix = request.Query("prefix") ?? "";
        var keyMarker = request.Query("key-marker") ?? "";
        var uploadIdMarker = request.Query("upload-id-marker") ?? "";
        var maxUploads = ObjectListing.ParseMaxKeys(request.Query("max-uploads"), "max-uploads");
        var url = ObjectListing.ParseEncodingType(request.Query("encoding-type"));
        var uploads = buckets.Uploads.List(bucket).Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (keyMarker.Length > 0)
        {
            var markerIndex = uploadIdMarker.Length > 0 ? uploads.FindIndex(u => u.Key == keyMarker && u.UploadId == uploadIdMarker) : -1;
            uploads = markerIndex >= 0
                ? uploads.Skip(markerIndex + 1).ToList()
                : uploads.Where(u => string.CompareOrdinal(u.Key, keyMarker) > 0).ToList();
        }
        var truncated = uploads.Count > maxUploads;
        var page = uploads.Take(maxUploads).ToList();
        return S3Xml.WriteAsync(request.Http, "ListMultipartUploadsResult", writer =>
        {
            writer.WriteElementString("Bucket", bucket);
            writer.WriteElementString("KeyMarker", ObjectListing.Encode(keyMarker, url));
            writer.WriteElementString("UploadIdMarker", uploadIdMarker);
            writer.WriteElementString("NextKeyMarker", page.Count > 0 ? ObjectListing.Encode(page[^1].Key, url) : "");
            writer.WriteElementString("NextUploadIdMarker", page.Count > 0 ? page[^1].UploadId : "");
            writer.WriteElementString("Prefix", ObjectListing.Encode(prefix, url));
            writer.WriteElementString("MaxUploads", maxUploads.ToString(CultureInfo.InvariantCulture));
            if (url)
            {
                writer.WriteElementString("EncodingType", "url");
            }
            writer.WriteElementString("IsTruncated", truncated ? "true" : "false");
            foreach (var upload in page)
            {
                writer.WriteStartElement("Upload");
                writer.WriteElementString("Key", ObjectListing.Encode(upload.Key, url));
                writer.WriteElementString("UploadId", upload.UploadId);
                S3Xml.WriteOwner(writer, "Initiator");
                S3Xml.WriteOwner(writer);
                writer.WriteElementString("StorageClass", "STANDARD");
                writer.WriteElementString("Initiated", S3Xml.Timestamp(upload.Initiated));
                writer.WriteEndElement();
            }
        });
    }
}
