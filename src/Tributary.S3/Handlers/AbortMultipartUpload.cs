using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>DELETE /BUCKET/KEY?uploadId=ID — deletes the upload and its parts (204); NoSuchUpload when it is not there.</summary>
public sealed class AbortMultipartUpload(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "AbortMultipartUpload";

    public Task ExecuteAsync(S3Request request)
    {
        buckets.RequireBucket(request.BucketName);
        var uploadId = request.Query("uploadId") ?? "";
        var upload = buckets.Uploads.Find(uploadId, request.BucketName, request.ObjectKey) ?? throw S3Errors.NoSuchUpload(uploadId);
        if (!buckets.Uploads.Abort(upload))
        {
            throw S3Errors.NoSuchUpload(uploadId);
        }
        request.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
