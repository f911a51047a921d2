using Tributary.S3.Body;
using Tributary.S3.Storage;

namespace Tributary.S3.Handlers;

/// <summary>
/// PUT /BUCKET/KEY — the body (plain, or aws-chunked decoded) is streamed to a spool file with its MD5, checked against
/// Content-MD5 (BadDigest) and x-amz-content-sha256 (<see cref="RequestBody"/>), then made the object by the store's
/// all-or-nothing put. ETag: the MD5 in hex, quoted.
/// </summary>
public sealed class PutObject(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "PutObject";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        var key = request.ObjectKey;
        buckets.RequireBucket(bucket);
        buckets.RequireStorableKey(bucket, key);
        var contentType = ObjectHeaders.ContentType(request.Request);
        var userMetadata = ObjectHeaders.UserMetadata(request.Request);
        var body = await RequestBody.SpoolAsync(request.Request, buckets.NewSpoolPath(), request.Aborted).ConfigureAwait(false);
        var metadata = await buckets.PutAsync(bucket, key, body.Path, body.ETag, contentType, userMetadata, request.Aborted).ConfigureAwait(false);
        request.Response.Headers.ETag = metadata.ETag;
        request.Response.StatusCode = 200;
        request.Response.ContentLength = 0;
    }
}
