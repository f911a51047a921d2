using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>HEAD /BUCKET — 200 with the bucket's region when it exists; 404 without a body otherwise (S3 sends none to HEAD).</summary>
public sealed class HeadBucket(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "HeadBucket";

    public Task ExecuteAsync(S3Request request)
    {
        buckets.RequireBucket(request.BucketName);
        request.Response.Headers["x-amz-bucket-region"] = GetBucketLocation.Region;
        request.Response.StatusCode = 200;
        return Task.CompletedTask;
    }
}
