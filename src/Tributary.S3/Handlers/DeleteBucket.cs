using Tributary.ObjectStores;
using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>DELETE /BUCKET — deletes an empty bucket (204) and its metadata; BucketNotEmpty (409) while it holds an object.</summary>
public sealed class DeleteBucket(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "DeleteBucket";

    public Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        switch (buckets.Store.DeleteBucket(bucket))
        {
            case BucketDeletion.NotFound:
                throw S3Errors.NoSuchBucket(bucket);
            case BucketDeletion.NotEmpty:
                throw S3Errors.BucketNotEmpty(bucket);
        }
        buckets.Sidecars.DeleteBucket(bucket);
        request.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
