using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>POST /BUCKET/KEY?uploads — starts an upload, keeping the Content-Type and user metadata the object will get.</summary>
public sealed class CreateMultipartUpload(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "CreateMultipartUpload";

    public Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        var key = request.ObjectKey;
        buckets.RequireBucket(bucket);
        buckets.RequireStorableKey(bucket, key);
        var upload = buckets.Uploads.Create(bucket, key, ObjectHeaders.ContentType(request.Request), ObjectHeaders.UserMetadata(request.Request));
        return S3Xml.WriteAsync(request.Http, "InitiateMultipartUploadResult", writer =>
        {
            writer.WriteElementString("Bucket", bucket);
            writer.WriteElementString("Key", key);
            writer.WriteElementString("UploadId", upload.UploadId);
        });
    }
}
