using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>DELETE /BUCKET/KEY — 204 whether or not the object existed (S3's answer without versioning).</summary>
public sealed class DeleteObject(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "DeleteObject";

    public async Task ExecuteAsync(S3Request request)
    {
        buckets.RequireBucket(request.BucketName);
        await buckets.DeleteAsync(request.BucketName, request.ObjectKey, request.Aborted).ConfigureAwait(false);
        request.Response.StatusCode = 204;
    }
}
